#ifndef _LINUX_STRING_LIB_H
#define _LINUX_STRING_LIB_H

/*
 * More of Linux 3.14's lib/string.c: searching, splitting and trimming.  <linux/string.h>
 * includes this file.
 */

#include <linux/compiler.h>
#include <linux/types.h>

extern void *memchr(const void *s, int c, __kernel_size_t n);
extern void *memchr_inv(const void *start, int c, size_t bytes);	/* first byte != c */
extern void *memscan(void *addr, int c, __kernel_size_t size);	/* addr + size: none */
extern char *strrchr(const char *s, int c);
extern char *strnchr(const char *s, size_t count, int c);
extern char *strstr(const char *s1, const char *s2);
extern char *strnstr(const char *s1, const char *s2, size_t len);
extern __kernel_size_t strspn(const char *s, const char *accept);
extern __kernel_size_t strcspn(const char *s, const char *reject);
extern char *strpbrk(const char *cs, const char *ct);
extern char *strsep(char **s, const char *ct);
extern char * __must_check skip_spaces(const char *str);
extern char *strim(char *s);
extern int strtobool(const char *s, bool *res);

#endif /* _LINUX_STRING_LIB_H */
