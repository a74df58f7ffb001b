#ifndef __LINUX_UACCESS_H__
#define __LINUX_UACCESS_H__

#include <linux/preempt.h>
#include <asm/uaccess.h>

/*
 * Linux 3.14: disabling page faults raises the preempt count, so the section is atomic
 * (a sleeping allocation in it is reported).
 */
static inline void pagefault_disable(void)
{
	preempt_count_inc();
	barrier();
}

static inline void pagefault_enable(void)
{
	barrier();
	preempt_count_dec();
}

#endif		/* __LINUX_UACCESS_H__ */
