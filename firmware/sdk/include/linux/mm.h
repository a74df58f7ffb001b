#ifndef _LINUX_MM_H
#define _LINUX_MM_H

/*
 * Linux 3.14 include/linux/mm.h, the constants and helpers a driver uses: struct page and
 * its reference count, the address conversions, the page allocator (linux/gfp.h).
 * As on the board (SPARSEMEM), pfn_to_page() and page_to_pfn() decode mem_section[] and
 * the section bits of page->flags inline, virt_to_page() goes through the patched __pa(),
 * PageHighMem() reads the zone through contig_page_data, and get_page() of a compound
 * tail calls __get_page_tail(); page_address() is a call (HIGHMEM).
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

/* mm/highmem.c: provided by the kernel */
void *page_address(const struct page *page);
void put_page(struct page *page);
extern bool __get_page_tail(struct page *page);

static inline unsigned long page_to_section(const struct page *page)
{
	return (page->flags >> SECTIONS_PGSHIFT) & SECTIONS_MASK;
}

/* include/asm-generic/memory_model.h, SPARSEMEM without VMEMMAP */
#define __pfn_to_page(pfn)					\
({	unsigned long __pfn = (pfn);				\
	struct mem_section *__sec = __pfn_to_section(__pfn);	\
	__section_mem_map_addr(__sec) + __pfn;			\
})
#define __page_to_pfn(pg)					\
({	const struct page *__pg = (pg);				\
	int __sec = page_to_section(__pg);			\
	(unsigned long)(__pg - __section_mem_map_addr(__nr_to_section(__sec)));	\
})
#define page_to_pfn __page_to_pfn
#define pfn_to_page __pfn_to_page

#define virt_to_page(kaddr)	pfn_to_page(__pa(kaddr) >> PAGE_SHIFT)
#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define lowmem_page_address(page)	__va(page_to_pfn(page) << PAGE_SHIFT)

static inline int page_count(struct page *page)
{
	return atomic_read(&page->_count);
}

static inline void get_page(struct page *page)
{
	if (unlikely(PageTail(page)))
		if (likely(__get_page_tail(page)))
			return;
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

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(0)->node_zones[page_zonenum(page)];
}

#define PageHighMem(page)	is_highmem(page_zone(page))


#include <linux/mm_vma.h>	/* vm_operations_struct, remap_pfn_range (emu4412 split) */

#endif /* _LINUX_MM_H */
