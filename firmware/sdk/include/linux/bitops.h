#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H

/*
 * Linux 3.14 include/linux/bitops.h.  ARM's set_bit() & co. are out-of-line assembler
 * helpers (_set_bit ...) the emu4412 kernel does not export; here they are inlines that
 * make the read-modify-write atomic by masking IRQs (one CPU).
 */

#include <asm/types.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>

#define BIT(nr)			(1UL << (nr))
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BITS_PER_BYTE		8
#define __BITS_DIV_ROUND_UP(n,d)	(((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(nr)	__BITS_DIV_ROUND_UP(nr, BITS_PER_BYTE * sizeof(long))

static inline void set_bit(int nr, volatile unsigned long *addr)
{
	unsigned long flags;

	raw_local_irq_save(flags);
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
	raw_local_irq_restore(flags);
}

static inline void clear_bit(int nr, volatile unsigned long *addr)
{
	unsigned long flags;

	raw_local_irq_save(flags);
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
	raw_local_irq_restore(flags);
}

static inline void change_bit(int nr, volatile unsigned long *addr)
{
	unsigned long flags;

	raw_local_irq_save(flags);
	addr[BIT_WORD(nr)] ^= BIT_MASK(nr);
	raw_local_irq_restore(flags);
}

static inline int test_and_set_bit(int nr, volatile unsigned long *addr)
{
	unsigned long flags, old;

	raw_local_irq_save(flags);
	old = addr[BIT_WORD(nr)];
	addr[BIT_WORD(nr)] = old | BIT_MASK(nr);
	raw_local_irq_restore(flags);
	return (old & BIT_MASK(nr)) != 0;
}

static inline int test_and_clear_bit(int nr, volatile unsigned long *addr)
{
	unsigned long flags, old;

	raw_local_irq_save(flags);
	old = addr[BIT_WORD(nr)];
	addr[BIT_WORD(nr)] = old & ~BIT_MASK(nr);
	raw_local_irq_restore(flags);
	return (old & BIT_MASK(nr)) != 0;
}

static inline int test_bit(int nr, const volatile unsigned long *addr)
{
	return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG-1)));
}

#define __set_bit(nr, addr)	((addr)[BIT_WORD(nr)] |= BIT_MASK(nr))
#define __clear_bit(nr, addr)	((addr)[BIT_WORD(nr)] &= ~BIT_MASK(nr))

/* fls(0) = 0, fls(1) = 1, fls(0x80000000) = 32 (the clz instruction, as ARMv5+) */
static inline int fls(int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* ffs(0) = 0, ffs(1) = 1 */
static inline int ffs(int x)
{
	return fls(x & -x);
}

static inline unsigned long __fls(unsigned long word)
{
	return 31 - __builtin_clz(word);
}

static inline unsigned long __ffs(unsigned long word)
{
	return __fls(word & -word);
}

static inline unsigned long ffz(unsigned long word)
{
	return __ffs(~word);
}

static inline unsigned int hweight32(unsigned int w)
{
	unsigned int res = w - ((w >> 1) & 0x55555555);
	res = (res & 0x33333333) + ((res >> 2) & 0x33333333);
	res = (res + (res >> 4)) & 0x0F0F0F0F;
	res = res + (res >> 8);
	return (res + (res >> 16)) & 0x000000FF;
}

#define hweight_long(w) hweight32(w)

#endif /* _LINUX_BITOPS_H */
