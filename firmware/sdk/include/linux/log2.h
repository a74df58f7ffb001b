#ifndef _LINUX_LOG2_H
#define _LINUX_LOG2_H

/*
 * Integer base-2 logarithms and powers of two (Linux 3.14 include/linux/log2.h names):
 * ilog2(n) is the index of the highest set bit (n > 0), is_power_of_2(0) is false.
 */

#include <linux/types.h>
#include <linux/bitops.h>

static inline __attribute__((const)) bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline __attribute__((const)) int __ilog2_u32(u32 n)
{
	return 31 - __builtin_clz(n);
}

#define ilog2(n)	__ilog2_u32(n)

static inline __attribute__((const)) unsigned long __roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (32 - __builtin_clzl(n - 1));
}

static inline __attribute__((const)) unsigned long __rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (31 - __builtin_clzl(n));
}

#define roundup_pow_of_two(n)	__roundup_pow_of_two(n)
#define rounddown_pow_of_two(n)	__rounddown_pow_of_two(n)

#endif /* _LINUX_LOG2_H */
