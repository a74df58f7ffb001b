#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

/*
 * Linux 3.14 wait-queue types and initialisers.  Sleeping and waking
 * (wait_event*(), wake_up*(), prepare_to_wait(), ...) need the scheduler, which the
 * emu4412 kernel does not export yet, so they are not declared: a module using them
 * does not build.
 */

#include <linux/list.h>
#include <linux/stddef.h>
#include <linux/spinlock.h>

typedef struct __wait_queue wait_queue_t;
typedef int (*wait_queue_func_t)(wait_queue_t *wait, unsigned mode, int flags, void *key);

struct __wait_queue {
	unsigned int		flags;
#define WQ_FLAG_EXCLUSIVE	0x01
	void			*private;
	wait_queue_func_t	func;
	struct list_head	task_list;
};

struct __wait_queue_head {
	spinlock_t		lock;
	struct list_head	task_list;
};
typedef struct __wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) {				\
	.lock		= __SPIN_LOCK_UNLOCKED(name.lock),		\
	.task_list	= { &(name).task_list, &(name).task_list } }

#define DECLARE_WAIT_QUEUE_HEAD(name) \
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

static inline void init_waitqueue_head(wait_queue_head_t *q)
{
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->task_list);
}

static inline int waitqueue_active(wait_queue_head_t *q)
{
	return !list_empty(&q->task_list);
}

#endif /* _LINUX_WAIT_H */
