#ifndef _LINUX_KSTRTOX_H
#define _LINUX_KSTRTOX_H

/*
 * Strings to integers (lib/kstrtox.c, lib/vsprintf.c), hex digits and allocated formatting,
 * with Linux 3.14's names and signatures.  3.14 declares these in <linux/kernel.h>, which
 * includes this file.  kstrto*(): 0 and *res set, or -EINVAL / -ERANGE and *res untouched.
 */

#include <linux/compiler.h>
#include <stdarg.h>
#include <linux/types.h>

int __must_check kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int __must_check kstrtoll(const char *s, unsigned int base, long long *res);
int __must_check _kstrtoul(const char *s, unsigned int base, unsigned long *res);
int __must_check _kstrtol(const char *s, unsigned int base, long *res);
int __must_check kstrtouint(const char *s, unsigned int base, unsigned int *res);
int __must_check kstrtoint(const char *s, unsigned int base, int *res);
int __must_check kstrtou16(const char *s, unsigned int base, u16 *res);
int __must_check kstrtos16(const char *s, unsigned int base, s16 *res);
int __must_check kstrtou8(const char *s, unsigned int base, u8 *res);
int __must_check kstrtos8(const char *s, unsigned int base, s8 *res);

/* long is 32 bits on ARM: the _kstrtoul/_kstrtol range checks apply. */
static inline int __must_check kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	return _kstrtoul(s, base, res);
}

static inline int __must_check kstrtol(const char *s, unsigned int base, long *res)
{
	return _kstrtol(s, base, res);
}

static inline int __must_check kstrtou64(const char *s, unsigned int base, u64 *res)
{
	return kstrtoull(s, base, res);
}

static inline int __must_check kstrtos64(const char *s, unsigned int base, s64 *res)
{
	return kstrtoll(s, base, res);
}

static inline int __must_check kstrtou32(const char *s, unsigned int base, u32 *res)
{
	return kstrtouint(s, base, res);
}

static inline int __must_check kstrtos32(const char *s, unsigned int base, s32 *res)
{
	return kstrtoint(s, base, res);
}

/* The user-space string (at most count bytes) is copied in first: -EFAULT if it cannot be. */
int __must_check kstrtoull_from_user(const char __user *s, size_t count, unsigned int base,
				     unsigned long long *res);
int __must_check kstrtoll_from_user(const char __user *s, size_t count, unsigned int base,
				    long long *res);
int __must_check kstrtoul_from_user(const char __user *s, size_t count, unsigned int base,
				    unsigned long *res);
int __must_check kstrtol_from_user(const char __user *s, size_t count, unsigned int base,
				   long *res);
int __must_check kstrtouint_from_user(const char __user *s, size_t count, unsigned int base,
				      unsigned int *res);
int __must_check kstrtoint_from_user(const char __user *s, size_t count, unsigned int base,
				     int *res);

/* Parse what parses; *endp (if given) is where the digits stopped.  Never fails. */
extern unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
extern long simple_strtol(const char *cp, char **endp, unsigned int base);
extern unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);
extern long long simple_strtoll(const char *cp, char **endp, unsigned int base);

/* hex_to_bin: the digit's value or -1; hex2bin: count bytes from 2 * count digits. */
extern int hex_to_bin(char ch);
extern int __must_check hex2bin(u8 *dst, const char *src, size_t count);

/* A kmalloc'd formatted string (kfree it), NULL when the allocation fails. */
extern __printf(2, 3) char *kasprintf(gfp_t gfp, const char *fmt, ...);
extern __printf(2, 0) char *kvasprintf(gfp_t gfp, const char *fmt, va_list args);

#endif /* _LINUX_KSTRTOX_H */
