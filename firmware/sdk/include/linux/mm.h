#ifndef _LINUX_MM_H
#define _LINUX_MM_H

/*
 * Linux 3.14 include/linux/mm.h, the constants and helpers a driver uses: struct page and
 * its reference count, the address conversions, the page allocator (linux/gfp.h).
 * page_address(), virt_to_page(), pfn_to_page() and page_to_pfn() are functions of the
 * emu4412 kernel (macros over mem_map in Linux), so modules need not know where mem_map is.
 */

#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <asm/page.h>
#include <linux/mmzone.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>

struct vm_area_struct;

/* to align the pointer to the (next) page boundary */
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)

/* test whether an address (unsigned long or pointer) is aligned to PAGE_SIZE */
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)addr, PAGE_SIZE)

#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

/*
 * vm_flags in vm_area_struct, see mm_types.h.
 */
#define VM_NONE		0x00000000

#define VM_READ		0x00000001	/* currently active flags */
#define VM_WRITE	0x00000002
#define VM_EXEC		0x00000004
#define VM_SHARED	0x00000008

#define VM_MAYREAD	0x00000010	/* limits for mprotect() etc */
#define VM_MAYWRITE	0x00000020
#define VM_MAYEXEC	0x00000040
#define VM_MAYSHARE	0x00000080

#define VM_IO           0x00004000	/* Memory mapped I/O or similar */
#define VM_DONTEXPAND	0x00040000	/* Cannot expand with mremap() */
#define VM_DONTDUMP	0x04000000	/* Do not include in the core dump */
#define VM_PFNMAP	0x00000400	/* Page-ranges managed without "struct page", just pure PFN */

/* mm/highmem.c, arch/arm/include/asm/memory.h: provided by the emu4412 kernel */
void *page_address(const struct page *page);
struct page *virt_to_page(const void *kaddr);
#define virt_to_page(kaddr)	virt_to_page((const void *)(kaddr))
struct page *pfn_to_page(unsigned long pfn);
unsigned long page_to_pfn(const struct page *page);
void put_page(struct page *page);

#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define pfn_valid(pfn)		((pfn) >= PHYS_PFN_OFFSET && \
				 (pfn) < PHYS_PFN_OFFSET + (SZ_1G >> PAGE_SHIFT))
#define lowmem_page_address(page)	page_address(page)

static inline int page_count(struct page *page)
{
	return atomic_read(&page->_count);
}

static inline void get_page(struct page *page)
{
	atomic_inc(&page->_count);
}

static inline int put_page_testzero(struct page *page)
{
	return atomic_dec_and_test(&page->_count);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (page->flags >> ZONES_PGSHIFT) & ZONES_MASK;
}

#define PageHighMem(page)	(page_zonenum(page) == ZONE_HIGHMEM)

static inline int get_order(unsigned long size)
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

#include <linux/mm_vma.h>	/* vm_operations_struct, remap_pfn_range (emu4412 split) */

#endif /* _LINUX_MM_H */
