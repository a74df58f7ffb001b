#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

/*
 * Linux 3.14 include/linux/vmalloc.h: virtually contiguous kernel memory in the vmalloc
 * area (VMALLOC_START..VMALLOC_END), built from single pages that need not be physically
 * contiguous.  vmalloc() may sleep: not for atomic context.  /proc/vmallocinfo lists the
 * areas (ioremap mappings too).
 */

#include <linux/types.h>
#include <linux/mm.h>

/* mm/vmalloc.c: provided by the emu4412 kernel */
extern void *vmalloc(unsigned long size);
extern void *vzalloc(unsigned long size);
extern void vfree(const void *addr);
extern struct page *vmalloc_to_page(const void *addr);
extern unsigned long vmalloc_to_pfn(const void *addr);

static inline int is_vmalloc_addr(const void *x)
{
	unsigned long addr = (unsigned long)x;

	return addr >= VMALLOC_START && addr < VMALLOC_END;
}

#endif /* _LINUX_VMALLOC_H */
