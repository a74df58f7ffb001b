#ifndef __LINUX_MUTEX_H
#define __LINUX_MUTEX_H

/*
 * Linux 3.14 struct mutex with the board's CONFIG_DEBUG_MUTEXES (owner, name, magic:
 * 40 bytes, emulator/kernel/abi.py: MUTEX).  As on the board, mutex_init(), mutex_lock()
 * and mutex_unlock() are calls into the kernel (kernel/locking/mutex.c), which keeps the
 * count (1 unlocked, 0 locked, -1 waiters), the owner and the debug checks; a task that
 * finds the mutex held sleeps until the holder unlocks it (module init/exit cannot sleep
 * yet: there, contention is reported as the deadlock it would be).
 */

#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/linkage.h>
#include <linux/atomic.h>

struct task_struct;
struct lock_class_key;

struct mutex {
	/* 1: unlocked, 0: locked, negative: locked, possible waiters */
	atomic_t		count;
	spinlock_t		wait_lock;
	struct list_head	wait_list;
	struct task_struct	*owner;
	const char		*name;
	void			*magic;
};

#define __MUTEX_INITIALIZER(lockname) \
		{ .count = ATOMIC_INIT(1) \
		, .wait_lock = __SPIN_LOCK_UNLOCKED(lockname.wait_lock) \
		, .wait_list = LIST_HEAD_INIT(lockname.wait_list) \
		, .magic = &lockname }

#define DEFINE_MUTEX(mutexname) \
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

extern void __mutex_init(struct mutex *lock, const char *name,
			 struct lock_class_key *key);

#define mutex_init(mutex)					\
do {								\
	static struct lock_class_key __key;			\
	__mutex_init((mutex), #mutex, &__key);			\
} while (0)

static inline int mutex_is_locked(struct mutex *lock)
{
	return atomic_read(&lock->count) != 1;
}

extern void mutex_lock(struct mutex *lock);
extern int __must_check mutex_lock_interruptible(struct mutex *lock);
extern int __must_check mutex_lock_killable(struct mutex *lock);
extern int mutex_trylock(struct mutex *lock);
extern void mutex_unlock(struct mutex *lock);

#define mutex_lock_nested(lock, subclass) mutex_lock(lock)

/* DEBUG_MUTEXES: mutex_destroy() poisons the magic (kernel/locking/mutex-debug.c). */
extern void mutex_destroy(struct mutex *lock);

#endif /* __LINUX_MUTEX_H */
