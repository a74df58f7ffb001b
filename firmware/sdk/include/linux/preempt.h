#ifndef __LINUX_PREEMPT_H
#define __LINUX_PREEMPT_H

/*
 * Linux 3.14 include/linux/preempt.h with CONFIG_PREEMPT_COUNT: the preempt count is a word
 * of struct thread_info (asm/thread_info.h), raised by preempt_disable(), spin_lock() and
 * kmap_atomic(); in_atomic() tests it.  The emu4412 kernel reads the same word to report a
 * sleeping call in atomic context.
 */

#include <linux/compiler.h>
#include <linux/linkage.h>
#include <asm/thread_info.h>

#define preempt_count()		(*(volatile int *)&current_thread_info()->preempt_count)

/*
 * CONFIG_DEBUG_PREEMPT: changing the count is a call into the kernel (which checks for
 * underflow), and with CONFIG_PREEMPT, preempt_enable() reschedules when the count drops
 * to zero while TIF_NEED_RESCHED is set.
 */
extern void preempt_count_add(int val);
extern void preempt_count_sub(int val);
asmlinkage void preempt_schedule(void);

#define TIF_NEED_RESCHED_BIT	1	/* asm/thread_info.h: TIF_NEED_RESCHED */

static __always_inline int should_resched(void)
{
	return unlikely(!preempt_count() &&
			(current_thread_info()->flags & (1UL << TIF_NEED_RESCHED_BIT)));
}

#define preempt_count_dec_and_test() \
	({ preempt_count_sub(1); should_resched(); })
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

#define preempt_enable() \
do { \
	barrier(); \
	if (unlikely(preempt_count_dec_and_test())) \
		preempt_schedule(); \
} while (0)

#define preempt_check_resched() \
do { \
	if (should_resched()) \
		preempt_schedule(); \
} while (0)

#define preempt_disable_notrace()		preempt_disable()
#define preempt_enable_no_resched_notrace()	preempt_enable_no_resched()
#define preempt_enable_notrace()		preempt_enable()

#endif /* __LINUX_PREEMPT_H */
