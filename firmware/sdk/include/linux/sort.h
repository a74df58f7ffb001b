#ifndef _LINUX_SORT_H
#define _LINUX_SORT_H

/*
 * sort() (lib/sort.c): an in-place heapsort of num elements of size bytes.  cmp returns
 * <0, 0, >0; swap may be NULL (a byte-wise or 32-bit swap is used).  Not stable.
 */

#include <linux/types.h>

void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap)(void *, void *, int));

#endif /* _LINUX_SORT_H */
