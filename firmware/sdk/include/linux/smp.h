#ifndef __LINUX_SMP_H
#define __LINUX_SMP_H

/*
 * Linux 3.14 include/linux/smp.h: which CPU code runs on (thread_info->cpu; always 0 on
 * the emulated board) and get_cpu()/put_cpu(), which pin the caller to it by disabling
 * preemption.
 */

#include <linux/preempt.h>
#include <linux/cpumask.h>

/* CONFIG_DEBUG_PREEMPT: lib/smp_processor_id.c reports a use in preemptible code. */
extern unsigned int debug_smp_processor_id(void);

#define raw_smp_processor_id()	(current_thread_info()->cpu)
#define smp_processor_id()	debug_smp_processor_id()

#define get_cpu()		({ preempt_disable(); smp_processor_id(); })
#define put_cpu()		preempt_enable()

#endif /* __LINUX_SMP_H */
