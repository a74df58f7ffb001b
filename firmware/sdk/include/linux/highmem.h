#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

/*
 * Linux 3.14 include/linux/highmem.h and arch/arm/include/asm/highmem.h: temporary kernel
 * mappings of pages.  A HighMem page (alloc_pages with __GFP_HIGHMEM) has no lowmem
 * address: kmap() maps it into the pkmap window (PKMAP_BASE, may sleep), kmap_atomic()
 * into this CPU's fixmap slots (atomic until kunmap_atomic()).  Lowmem pages map to their
 * linear address.
 */

#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define LAST_PKMAP		512	/* kmap slots from PKMAP_BASE (asm/memory.h) */

/* arch/arm/mm/highmem.c: provided by the emu4412 kernel */
extern void *kmap(struct page *page);
extern void kunmap(struct page *page);
extern void *kmap_atomic(struct page *page);
extern void __kunmap_atomic(void *kvaddr);

#define kunmap_atomic(addr)                                     \
do {                                                            \
	BUILD_BUG_ON(__same_type((addr), struct page *));       \
	__kunmap_atomic(addr);                                  \
} while (0)

static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_atomic(page);
	memset(kaddr, 0, PAGE_SIZE);
	kunmap_atomic(kaddr);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	char *vfrom, *vto;

	vfrom = kmap_atomic(from);
	vto = kmap_atomic(to);
	memcpy(vto, vfrom, PAGE_SIZE);
	kunmap_atomic(vto);
	kunmap_atomic(vfrom);
}

#endif /* _LINUX_HIGHMEM_H */
