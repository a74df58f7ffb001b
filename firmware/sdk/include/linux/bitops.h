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

/*
 * arch/arm/include/asm/bitops.h with CONFIG_SMP: the atomic bit operations and the bit
 * searches are calls into the kernel (arch/arm/lib/setbit.S, findbit.S ...), as on the
 * board; the non-atomic __set_bit() & co. and test_bit() are inline.
 */
extern void _set_bit(int nr, volatile unsigned long *p);
extern void _clear_bit(int nr, volatile unsigned long *p);
extern void _change_bit(int nr, volatile unsigned long *p);
extern int _test_and_set_bit(int nr, volatile unsigned long *p);
extern int _test_and_clear_bit(int nr, volatile unsigned long *p);
extern int _test_and_change_bit(int nr, volatile unsigned long *p);

extern int _find_first_zero_bit_le(const void *p, unsigned size);
extern int _find_next_zero_bit_le(const void *p, int size, int offset);
extern int _find_first_bit_le(const unsigned long *p, unsigned size);
extern int _find_next_bit_le(const unsigned long *p, int size, int offset);

#define set_bit(nr, p)			_set_bit(nr, p)
#define clear_bit(nr, p)		_clear_bit(nr, p)
#define change_bit(nr, p)		_change_bit(nr, p)
#define test_and_set_bit(nr, p)		_test_and_set_bit(nr, p)
#define test_and_clear_bit(nr, p)	_test_and_clear_bit(nr, p)
#define test_and_change_bit(nr, p)	_test_and_change_bit(nr, p)

#define find_first_zero_bit(p, sz)	_find_first_zero_bit_le(p, sz)
#define find_next_zero_bit(p, sz, off)	_find_next_zero_bit_le(p, sz, off)
#define find_first_bit(p, sz)		_find_first_bit_le(p, sz)
#define find_next_bit(p, sz, off)	_find_next_bit_le(p, sz, off)

#define for_each_set_bit(bit, addr, size) \
	for ((bit) = find_first_bit((addr), (size));		\
	     (bit) < (size);					\
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

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

/* lib/hweight.c: the population count; constant arguments are folded at compile time. */
extern unsigned int __sw_hweight32(unsigned int w);

#define __const_hweight8(w)		\
	((unsigned int)			\
	 ((!!((w) & (1ULL << 0))) +	\
	  (!!((w) & (1ULL << 1))) +	\
	  (!!((w) & (1ULL << 2))) +	\
	  (!!((w) & (1ULL << 3))) +	\
	  (!!((w) & (1ULL << 4))) +	\
	  (!!((w) & (1ULL << 5))) +	\
	  (!!((w) & (1ULL << 6))) +	\
	  (!!((w) & (1ULL << 7)))))
#define __const_hweight16(w) (__const_hweight8(w)  + __const_hweight8((w)  >> 8 ))
#define __const_hweight32(w) (__const_hweight16(w) + __const_hweight16((w) >> 16))

#define hweight32(w) (__builtin_constant_p(w) ? __const_hweight32(w) : __sw_hweight32(w))
#define hweight_long(w) hweight32(w)

#endif /* _LINUX_BITOPS_H */
