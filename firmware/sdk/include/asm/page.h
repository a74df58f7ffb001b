#ifndef _ASMARM_PAGE_H
#define _ASMARM_PAGE_H

#include <linux/const.h>

/* PAGE_SHIFT determines the page size */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1,UL) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE-1))

#ifndef __ASSEMBLY__
#include <asm/memory.h>
#endif

#ifndef __ASSEMBLY__
/* asm-generic/getorder.h: the buddy order of a size */
static inline __attribute__((const)) int get_order(unsigned long size)
{
	int order;

	size = (size - 1) >> (PAGE_SHIFT - 1);
	order = -1;
	do {
		size >>= 1;
		order++;
	} while (size);
	return order;
}
#endif

#endif
