#ifndef __LINUX_PREEMPT_H
#define __LINUX_PREEMPT_H

/*
 * Preemption is not modelled by the emu4412 kernel (modules run to completion on one
 * CPU): the preempt count operations are compiler barriers, as with CONFIG_PREEMPT_COUNT=n.
 */

#include <linux/compiler.h>

#define preempt_disable()		barrier()
#define sched_preempt_enable_no_resched()	barrier()
#define preempt_enable_no_resched()	barrier()
#define preempt_enable()		barrier()
#define preempt_check_resched()		do { } while (0)

#define preempt_disable_notrace()		barrier()
#define preempt_enable_no_resched_notrace()	barrier()
#define preempt_enable_notrace()		barrier()

#endif /* __LINUX_PREEMPT_H */
