#ifndef __ASM_ARM_ATOMIC_H
#define __ASM_ARM_ATOMIC_H

/*
 * Linux 3.14 arch/arm/include/asm/atomic.h, in the form 3.14 uses before ARMv6: each
 * read-modify-write runs with IRQs masked.  The emulated FS4412 runs modules on one CPU,
 * so that is atomic; it avoids ldrex/strex and needs no kernel function.
 */

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/irqflags.h>
#include <asm/barrier.h>

#define ATOMIC_INIT(i)	{ (i) }

/*
 * On ARM, ordinary assignment (str instruction) doesn't clear the local
 * strex/ldrex monitor on some implementations. The reason we can use it for
 * atomic_set() is the clrex or dummy strex done on every exception return.
 */
#define atomic_read(v)	(*(volatile int *)&(v)->counter)
#define atomic_set(v,i)	(((v)->counter) = (i))

static inline int atomic_add_return(int i, atomic_t *v)
{
	unsigned long flags;
	int val;

	raw_local_irq_save(flags);
	val = v->counter;
	v->counter = val += i;
	raw_local_irq_restore(flags);

	return val;
}
#define atomic_add(i, v)	(void) atomic_add_return(i, v)

static inline int atomic_sub_return(int i, atomic_t *v)
{
	unsigned long flags;
	int val;

	raw_local_irq_save(flags);
	val = v->counter;
	v->counter = val -= i;
	raw_local_irq_restore(flags);

	return val;
}
#define atomic_sub(i, v)	(void) atomic_sub_return(i, v)

static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	int ret;
	unsigned long flags;

	raw_local_irq_save(flags);
	ret = v->counter;
	if (likely(ret == old))
		v->counter = new;
	raw_local_irq_restore(flags);

	return ret;
}

static inline void atomic_clear_mask(unsigned long mask, unsigned long *addr)
{
	unsigned long flags;

	raw_local_irq_save(flags);
	*addr &= ~mask;
	raw_local_irq_restore(flags);
}

static inline int atomic_xchg(atomic_t *v, int new)
{
	int ret;
	unsigned long flags;

	raw_local_irq_save(flags);
	ret = v->counter;
	v->counter = new;
	raw_local_irq_restore(flags);

	return ret;
}

static inline int __atomic_add_unless(atomic_t *v, int a, int u)
{
	int c, old;

	c = atomic_read(v);
	while (c != u && (old = atomic_cmpxchg((v), c, c + a)) != c)
		c = old;
	return c;
}

#define atomic_inc(v)		atomic_add(1, v)
#define atomic_dec(v)		atomic_sub(1, v)

#define atomic_inc_and_test(v)	(atomic_add_return(1, v) == 0)
#define atomic_dec_and_test(v)	(atomic_sub_return(1, v) == 0)
#define atomic_inc_return(v)    (atomic_add_return(1, v))
#define atomic_dec_return(v)    (atomic_sub_return(1, v))
#define atomic_sub_and_test(i, v) (atomic_sub_return(i, v) == 0)

#define atomic_add_negative(i,v) (atomic_add_return(i, v) < 0)

#define smp_mb__before_atomic_dec()	smp_mb()
#define smp_mb__after_atomic_dec()	smp_mb()
#define smp_mb__before_atomic_inc()	smp_mb()
#define smp_mb__after_atomic_inc()	smp_mb()

/* asm-generic/atomic-long.h, BITS_PER_LONG == 32 */
typedef atomic_t atomic_long_t;

#define ATOMIC_LONG_INIT(i)	ATOMIC_INIT(i)

static inline long atomic_long_read(atomic_long_t *l)
{
	return (long)atomic_read(l);
}

static inline void atomic_long_set(atomic_long_t *l, long i)
{
	atomic_set(l, i);
}

static inline void atomic_long_inc(atomic_long_t *l)
{
	atomic_inc(l);
}

static inline void atomic_long_dec(atomic_long_t *l)
{
	atomic_dec(l);
}

static inline void atomic_long_add(long i, atomic_long_t *l)
{
	atomic_add(i, l);
}

static inline void atomic_long_sub(long i, atomic_long_t *l)
{
	atomic_sub(i, l);
}

static inline long atomic_long_inc_return(atomic_long_t *l)
{
	return (long)atomic_inc_return(l);
}

static inline long atomic_long_dec_return(atomic_long_t *l)
{
	return (long)atomic_dec_return(l);
}

static inline int atomic_long_dec_and_test(atomic_long_t *l)
{
	return atomic_dec_and_test(l);
}

#endif /* __ASM_ARM_ATOMIC_H */
