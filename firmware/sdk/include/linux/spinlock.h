#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

/*
 * Linux 3.14 spinlock API as static inlines (3.14 calls _raw_spin_lock() & co. in
 * kernel/locking/spinlock.c, which the emu4412 kernel does not export).
 *
 * The lock is the ARM ticket lock: lock takes a ticket (tickets.next++) and waits until
 * tickets.owner reaches it; unlock advances tickets.owner.  The emulated board runs one
 * CPU and never preempts a module, so a lock that is already held is never released: the
 * guest spins forever, as a recursive spin_lock() deadlocks a real kernel.  A held lock
 * is visible in memory (owner != next); the emulator will track atomic context (locks
 * held, IRQs masked) itself later, for "sleeping function called from invalid context".
 * Preemption is not modelled: preempt_disable()/preempt_enable() are compiler barriers.
 */

#include <linux/typecheck.h>
#include <linux/preempt.h>
#include <linux/linkage.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/spinlock_types.h>
#include <asm/barrier.h>

#define cpu_relax()	barrier()

static inline int arch_spin_is_locked(arch_spinlock_t *lock)
{
	struct __raw_tickets tickets = ACCESS_ONCE(lock->tickets);
	return tickets.owner != tickets.next;
}

static inline void arch_spin_lock(arch_spinlock_t *lock)
{
	unsigned long flags;
	u16 ticket;

	raw_local_irq_save(flags);
	ticket = lock->tickets.next++;
	raw_local_irq_restore(flags);

	while (ticket != ACCESS_ONCE(lock->tickets.owner))
		cpu_relax();

	smp_mb();
}

static inline int arch_spin_trylock(arch_spinlock_t *lock)
{
	unsigned long flags;
	int taken = 0;

	raw_local_irq_save(flags);
	if (lock->tickets.owner == lock->tickets.next) {
		lock->tickets.next++;
		taken = 1;
	}
	raw_local_irq_restore(flags);
	if (taken)
		smp_mb();
	return taken;
}

static inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	smp_mb();
	lock->tickets.owner++;
	dsb(ishst);
}

#define raw_spin_lock_init(lock)				\
	do { *(lock) = __RAW_SPIN_LOCK_UNLOCKED(lock); } while (0)

#define raw_spin_is_locked(lock)	arch_spin_is_locked(&(lock)->raw_lock)

static inline void raw_spin_lock(raw_spinlock_t *lock)
{
	preempt_disable();
	arch_spin_lock(&lock->raw_lock);
}

static inline int raw_spin_trylock(raw_spinlock_t *lock)
{
	preempt_disable();
	if (arch_spin_trylock(&lock->raw_lock))
		return 1;
	preempt_enable();
	return 0;
}

static inline void raw_spin_unlock(raw_spinlock_t *lock)
{
	arch_spin_unlock(&lock->raw_lock);
	preempt_enable();
}

#define raw_spin_lock_irqsave(lock, flags)		\
	do {						\
		raw_local_irq_save(flags);		\
		raw_spin_lock(lock);			\
	} while (0)

#define raw_spin_unlock_irqrestore(lock, flags)		\
	do {						\
		raw_spin_unlock(lock);			\
		raw_local_irq_restore(flags);		\
	} while (0)

static inline spinlock_t *spinlock_check(spinlock_t *lock)
{
	return lock;
}

#define spin_lock_init(_lock)				\
do {							\
	spinlock_check(_lock);				\
	*(_lock) = __SPIN_LOCK_UNLOCKED(_lock);		\
} while (0)

static inline void spin_lock(spinlock_t *lock)
{
	raw_spin_lock(&lock->rlock);
}

static inline void spin_lock_bh(spinlock_t *lock)
{
	raw_spin_lock(&lock->rlock);
}

static inline int spin_trylock(spinlock_t *lock)
{
	return raw_spin_trylock(&lock->rlock);
}

static inline void spin_lock_irq(spinlock_t *lock)
{
	raw_local_irq_disable();
	raw_spin_lock(&lock->rlock);
}

#define spin_lock_irqsave(lock, flags)				\
do {								\
	typecheck(unsigned long, flags);			\
	raw_local_irq_save(flags);				\
	raw_spin_lock(&spinlock_check(lock)->rlock);		\
} while (0)

static inline void spin_unlock(spinlock_t *lock)
{
	raw_spin_unlock(&lock->rlock);
}

static inline void spin_unlock_bh(spinlock_t *lock)
{
	raw_spin_unlock(&lock->rlock);
}

static inline void spin_unlock_irq(spinlock_t *lock)
{
	raw_spin_unlock(&lock->rlock);
	raw_local_irq_enable();
}

static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	raw_spin_unlock(&lock->rlock);
	raw_local_irq_restore(flags);
}

static inline int spin_trylock_bh(spinlock_t *lock)
{
	return raw_spin_trylock(&lock->rlock);
}

static inline int spin_is_locked(spinlock_t *lock)
{
	return raw_spin_is_locked(&lock->rlock);
}

#define assert_spin_locked(lock)	BUG_ON(!spin_is_locked(lock))

#endif /* __LINUX_SPINLOCK_H */
