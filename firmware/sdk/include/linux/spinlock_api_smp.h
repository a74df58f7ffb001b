#ifndef __LINUX_SPINLOCK_API_SMP_H
#define __LINUX_SPINLOCK_API_SMP_H

/*
 * Linux 3.14 include/linux/spinlock_api_smp.h: the out-of-line lock functions of
 * kernel/locking/spinlock.c, as a kernel built with CONFIG_PREEMPT calls them (no
 * INLINE_SPIN_* options).  The emu4412 kernel implements them: the ARM ticket lock in the
 * lock word, the preempt count in thread_info, CPSR.I for the _irq/_irqsave variants.
 */

#include <linux/spinlock_types.h>

#define __lockfunc

void __lockfunc _raw_spin_lock(raw_spinlock_t *lock);
void __lockfunc _raw_spin_lock_bh(raw_spinlock_t *lock);
void __lockfunc _raw_spin_lock_irq(raw_spinlock_t *lock);
unsigned long __lockfunc _raw_spin_lock_irqsave(raw_spinlock_t *lock);
int __lockfunc _raw_spin_trylock(raw_spinlock_t *lock);
int __lockfunc _raw_spin_trylock_bh(raw_spinlock_t *lock);
void __lockfunc _raw_spin_unlock(raw_spinlock_t *lock);
void __lockfunc _raw_spin_unlock_bh(raw_spinlock_t *lock);
void __lockfunc _raw_spin_unlock_irq(raw_spinlock_t *lock);
void __lockfunc _raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags);

#endif /* __LINUX_SPINLOCK_API_SMP_H */
