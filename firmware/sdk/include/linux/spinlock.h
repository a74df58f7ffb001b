#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

/*
 * Linux 3.14 include/linux/spinlock.h.  spin_lock() & co. call _raw_spin_lock() & co.
 * (kernel/locking/spinlock.c; linux/spinlock_api_smp.h), which the emu4412 kernel
 * provides: the ARM ticket lock in the lock word, the preempt count in thread_info and
 * CPSR.I, so the kernel knows when a module is in atomic context and reports a sleeping
 * call there ("BUG: sleeping function called from invalid context").  The emulated board
 * runs one CPU and never preempts a module: spin_lock() of a lock this CPU already holds
 * would spin forever, so the kernel reports "spinlock recursion" and stops the run.
 */

#include <linux/typecheck.h>
#include <linux/preempt.h>
#include <linux/linkage.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/spinlock_types.h>
#include <linux/spinlock_api_smp.h>
#include <asm/barrier.h>

#define cpu_relax()	barrier()

static inline int arch_spin_is_locked(arch_spinlock_t *lock)
{
	struct __raw_tickets tickets = ACCESS_ONCE(lock->tickets);
	return tickets.owner != tickets.next;
}

#ifndef __EMU4412_LOCK_CLASS_KEY
#define __EMU4412_LOCK_CLASS_KEY
struct lock_class_key { };	/* no lockdep: the key only names the lock class */
#endif
extern void __raw_spin_lock_init(raw_spinlock_t *lock, const char *name,
				 struct lock_class_key *key);

/* DEBUG_SPINLOCK: initialisation is a call, as on the board (magic and owner set there). */
#define raw_spin_lock_init(lock)				\
	do { static struct lock_class_key __key;		\
	     __raw_spin_lock_init((lock), #lock, &__key); } while (0)

#define raw_spin_is_locked(lock)	arch_spin_is_locked(&(lock)->raw_lock)

#define raw_spin_lock(lock)		_raw_spin_lock(lock)
#define raw_spin_lock_bh(lock)		_raw_spin_lock_bh(lock)
#define raw_spin_lock_irq(lock)		_raw_spin_lock_irq(lock)
#define raw_spin_trylock(lock)		_raw_spin_trylock(lock)
#define raw_spin_trylock_bh(lock)	_raw_spin_trylock_bh(lock)
#define raw_spin_unlock(lock)		_raw_spin_unlock(lock)
#define raw_spin_unlock_bh(lock)	_raw_spin_unlock_bh(lock)
#define raw_spin_unlock_irq(lock)	_raw_spin_unlock_irq(lock)

#define raw_spin_lock_irqsave(lock, flags)			\
	do {							\
		typecheck(unsigned long, flags);		\
		flags = _raw_spin_lock_irqsave(lock);		\
	} while (0)

#define raw_spin_unlock_irqrestore(lock, flags)			\
	do {							\
		typecheck(unsigned long, flags);		\
		_raw_spin_unlock_irqrestore(lock, flags);	\
	} while (0)

static inline spinlock_t *spinlock_check(spinlock_t *lock)
{
	return lock;
}

#define spin_lock_init(_lock)				\
do {							\
	spinlock_check(_lock);				\
	raw_spin_lock_init(&(_lock)->rlock);		\
} while (0)

static inline void spin_lock(spinlock_t *lock)
{
	raw_spin_lock(&lock->rlock);
}

static inline void spin_lock_bh(spinlock_t *lock)
{
	raw_spin_lock_bh(&lock->rlock);
}

static inline int spin_trylock(spinlock_t *lock)
{
	return raw_spin_trylock(&lock->rlock);
}

static inline void spin_lock_irq(spinlock_t *lock)
{
	raw_spin_lock_irq(&lock->rlock);
}

#define spin_lock_irqsave(lock, flags)				\
do {								\
	raw_spin_lock_irqsave(&spinlock_check(lock)->rlock, flags);	\
} while (0)

static inline void spin_unlock(spinlock_t *lock)
{
	raw_spin_unlock(&lock->rlock);
}

static inline void spin_unlock_bh(spinlock_t *lock)
{
	raw_spin_unlock_bh(&lock->rlock);
}

static inline void spin_unlock_irq(spinlock_t *lock)
{
	raw_spin_unlock_irq(&lock->rlock);
}

static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	raw_spin_unlock_irqrestore(&lock->rlock, flags);
}

static inline int spin_trylock_bh(spinlock_t *lock)
{
	return raw_spin_trylock_bh(&lock->rlock);
}

static inline int spin_is_locked(spinlock_t *lock)
{
	return raw_spin_is_locked(&lock->rlock);
}

#define assert_spin_locked(lock)	BUG_ON(!spin_is_locked(lock))

#endif /* __LINUX_SPINLOCK_H */
