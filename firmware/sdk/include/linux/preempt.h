#ifndef __LINUX_PREEMPT_H
#define __LINUX_PREEMPT_H

/*
 * Linux 3.14 include/linux/preempt.h with CONFIG_PREEMPT_COUNT: the preempt count is a word
 * of struct thread_info (asm/thread_info.h), raised by preempt_disable(), spin_lock() and
 * kmap_atomic(); in_atomic() tests it.  The emu4412 kernel reads the same word to report a
 * sleeping call in atomic context.  Modules are never preempted on the emulated board, so
 * preempt_enable() does not reschedule (preempt_enable_no_resched()).
 */

#include <linux/compiler.h>
#include <asm/thread_info.h>

#define preempt_count()		(current_thread_info()->preempt_count)
#define preempt_count_add(val)	(current_thread_info()->preempt_count += (val))
#define preempt_count_sub(val)	(current_thread_info()->preempt_count -= (val))
#define preempt_count_inc()	preempt_count_add(1)
#define preempt_count_dec()	preempt_count_sub(1)

#define preempt_disable() \
do { \
	preempt_count_inc(); \
	barrier(); \
} while (0)

#define sched_preempt_enable_no_resched() \
do { \
	barrier(); \
	preempt_count_dec(); \
} while (0)

#define preempt_enable_no_resched()	sched_preempt_enable_no_resched()
#define preempt_enable()		preempt_enable_no_resched()
#define preempt_check_resched()		do { } while (0)

#define preempt_disable_notrace()		preempt_disable()
#define preempt_enable_no_resched_notrace()	preempt_enable_no_resched()
#define preempt_enable_notrace()		preempt_enable()

#endif /* __LINUX_PREEMPT_H */
