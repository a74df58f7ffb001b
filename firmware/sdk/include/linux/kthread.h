#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

/*
 * Linux 3.14 include/linux/kthread.h: kernel threads.  kthread_create() makes a stopped
 * thread, wake_up_process() starts it, kthread_run() does both; the thread polls
 * kthread_should_stop() and kthread_stop() waits for it to return.
 */

#include <linux/err.h>
#include <linux/sched.h>

extern struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data,
						  int node, const char namefmt[], ...)
	__attribute__((format(printf, 4, 5)));

#define kthread_create(threadfn, data, namefmt, arg...) \
	kthread_create_on_node(threadfn, data, -1, namefmt, ##arg)

#define kthread_run(threadfn, data, namefmt, ...)			   \
({									   \
	struct task_struct *__k						   \
		= kthread_create(threadfn, data, namefmt, ## __VA_ARGS__); \
	if (!IS_ERR(__k))						   \
		wake_up_process(__k);					   \
	__k;								   \
})

extern int kthread_should_stop(void);
extern int kthread_stop(struct task_struct *k);
extern void do_exit(long code) __attribute__((noreturn));

#endif /* _LINUX_KTHREAD_H */
