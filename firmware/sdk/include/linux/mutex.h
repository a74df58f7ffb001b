#ifndef __LINUX_MUTEX_H
#define __LINUX_MUTEX_H

/*
 * Linux 3.14 struct mutex (no CONFIG_DEBUG_MUTEXES) with the API as static inlines:
 * 3.14's mutex_lock() & co. live in kernel/locking/mutex.c, which the emu4412 kernel does
 * not export.  count is 1 when unlocked, 0 when locked.  A task can only sleep on a mutex
 * if another task will release it; modules on the emulated board run to completion, so
 * taking a mutex that is already held spins forever -- the deadlock a recursive
 * mutex_lock() causes on a real kernel.
 */

#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/linkage.h>
#include <linux/atomic.h>

struct task_struct;

struct mutex {
	/* 1: unlocked, 0: locked, negative: locked, possible waiters */
	atomic_t		count;
	spinlock_t		wait_lock;
	struct list_head	wait_list;
	struct task_struct	*owner;
};

#define __MUTEX_INITIALIZER(lockname) \
		{ .count = ATOMIC_INIT(1) \
		, .wait_lock = __SPIN_LOCK_UNLOCKED(lockname.wait_lock) \
		, .wait_list = LIST_HEAD_INIT(lockname.wait_list) }

#define DEFINE_MUTEX(mutexname) \
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

static inline void __mutex_init(struct mutex *lock, const char *name, void *key)
{
	atomic_set(&lock->count, 1);
	lock->wait_lock = __SPIN_LOCK_UNLOCKED(lock->wait_lock);
	INIT_LIST_HEAD(&lock->wait_list);
	lock->owner = NULL;
}

#define mutex_init(mutex) __mutex_init((mutex), #mutex, NULL)

static inline int mutex_is_locked(struct mutex *lock)
{
	return atomic_read(&lock->count) != 1;
}

static inline int mutex_trylock(struct mutex *lock)
{
	return atomic_cmpxchg(&lock->count, 1, 0) == 1;
}

static inline void mutex_lock(struct mutex *lock)
{
	while (!mutex_trylock(lock))
		barrier();
}

static inline int __must_check mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

static inline int __must_check mutex_lock_killable(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

#define mutex_lock_nested(lock, subclass) mutex_lock(lock)

static inline void mutex_unlock(struct mutex *lock)
{
	atomic_set(&lock->count, 1);
}

static inline void mutex_destroy(struct mutex *lock)
{
}

#endif /* __LINUX_MUTEX_H */
