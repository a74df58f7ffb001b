#ifndef _LINUX_STRING_H_
#define _LINUX_STRING_H_

/*
 * The string functions the emu4412 kernel exports (lib/string.c and arch/arm/lib in
 * Linux 3.14).  Only these are declared: a module calling any other libc-like helper does
 * not compile, as it would not load.
 */

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/stddef.h>

extern void *memset(void *, int, __kernel_size_t);
extern void *memcpy(void *, const void *, __kernel_size_t);
extern void *memmove(void *, const void *, __kernel_size_t);
extern int memcmp(const void *, const void *, __kernel_size_t);

extern __kernel_size_t strlen(const char *);
extern __kernel_size_t strnlen(const char *, __kernel_size_t);
extern char *strcpy(char *, const char *);
extern char *strncpy(char *, const char *, __kernel_size_t);
extern char *strcat(char *, const char *);
extern int strcmp(const char *, const char *);
extern int strncmp(const char *, const char *, __kernel_size_t);
extern char *strchr(const char *, int);

/*
 * arch/arm/include/asm/string.h: memset(p, 0, n) with a constant 0 is __memzero(), as on
 * the board (gcc may still expand small constant memsets inline, as it does there).
 */
extern void __memzero(void *ptr, __kernel_size_t n);

#define memset(p, v, n)							\
	({								\
		void *__p = (p); size_t __n = n;			\
		if ((__n) != 0) {					\
			if (__builtin_constant_p((v)) && (v) == 0)	\
				__memzero((__p), (__n));		\
			else						\
				memset((__p), (v), (__n));		\
		}							\
		(__p);							\
	})

/* mm/util.c: copies in kmalloc'd memory (kfree them) */
extern char *kstrdup(const char *s, gfp_t gfp);
extern void *kmemdup(const void *src, size_t len, gfp_t gfp);

#include <linux/string_lib.h>	/* issue 16: lib/ exports */

#endif /* _LINUX_STRING_H_ */
