#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

/*
 * Read-write semaphores as the board's 3.14 kernel has them (CONFIG_RWSEM_GENERIC_SPINLOCK,
 * kernel/locking/rwsem-spinlock.c): 28 bytes, emulator/kernel/abi.py RW_SEMAPHORE.
 * activity is 0 when free, the number of readers while read-held, -1 while write-held.
 * Every operation is a call into the kernel, which sleeps the caller under contention.
 */

#include <linux/list.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

struct lock_class_key;

struct rw_semaphore {
	__s32			activity;
	raw_spinlock_t		wait_lock;
	struct list_head	wait_list;
};

#define __RWSEM_INITIALIZER(name)					\
	{ .activity = 0,						\
	  .wait_lock = __RAW_SPIN_LOCK_UNLOCKED((name).wait_lock),	\
	  .wait_list = LIST_HEAD_INIT((name).wait_list) }

#define DECLARE_RWSEM(name) \
	struct rw_semaphore name = __RWSEM_INITIALIZER(name)

extern void __init_rwsem(struct rw_semaphore *sem, const char *name,
			 struct lock_class_key *key);

#define init_rwsem(sem)						\
do {								\
	static struct lock_class_key __key;			\
	__init_rwsem((sem), #sem, &__key);			\
} while (0)

extern int rwsem_is_locked(struct rw_semaphore *sem);

extern void down_read(struct rw_semaphore *sem);
extern int down_read_trylock(struct rw_semaphore *sem);
extern void down_write(struct rw_semaphore *sem);
extern int down_write_trylock(struct rw_semaphore *sem);
extern void up_read(struct rw_semaphore *sem);
extern void up_write(struct rw_semaphore *sem);
extern void downgrade_write(struct rw_semaphore *sem);

#define down_read_nested(sem, subclass)		down_read(sem)
#define down_write_nested(sem, subclass)	down_write(sem)

#endif /* _LINUX_RWSEM_H */
