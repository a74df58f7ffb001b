#ifndef _LINUX_LIST_SORT_H
#define _LINUX_LIST_SORT_H

/* list_sort() (lib/list_sort.c): a stable merge sort of a list_head list by cmp. */

#include <linux/types.h>

struct list_head;

void list_sort(void *priv, struct list_head *head,
	       int (*cmp)(void *priv, struct list_head *a, struct list_head *b));

#endif /* _LINUX_LIST_SORT_H */
