#ifndef __LINUX_UACCESS_H__
#define __LINUX_UACCESS_H__

#include <linux/preempt.h>
#include <asm/uaccess.h>

/* No page faults are handled in modules' atomic sections by the emulator: no-ops. */
static inline void pagefault_disable(void)
{
	barrier();
}

static inline void pagefault_enable(void)
{
	barrier();
}

#endif		/* __LINUX_UACCESS_H__ */
