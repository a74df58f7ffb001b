#ifndef PAGE_FLAGS_H
#define PAGE_FLAGS_H

/*
 * Linux 3.14 include/linux/page-flags.h: the page->flags bits (32-bit ARM, MMU,
 * CONFIG_PAGEFLAGS_EXTENDED) and the Page*() tests a driver uses.  The emu4412 kernel sets
 * PG_slab on slab pages, PG_head/PG_tail on compound pages (__GFP_COMP, slabs) and
 * PG_reserved on the kernel's own pages; drivers that map pages to user space set
 * PG_reserved themselves.
 */

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/mm_types.h>

enum pageflags {
	PG_locked,		/* Page is locked. Don't touch. */
	PG_error,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_slab,
	PG_owner_priv_1,	/* Owner use. If pagecache, fs may use*/
	PG_arch_1,
	PG_reserved,
	PG_private,		/* If pagecache, has fs-private data */
	PG_private_2,		/* If pagecache, has fs aux data */
	PG_writeback,		/* Page is under writeback */
	PG_head,		/* A head page */
	PG_tail,		/* A tail page */
	PG_swapcache,		/* Swap page: swp_entry_t in private */
	PG_mappedtodisk,	/* Has blocks allocated on-disk */
	PG_reclaim,		/* To be reclaimed asap */
	PG_swapbacked,		/* Page is backed by RAM/swap */
	PG_unevictable,		/* Page is "unevictable"  */
	PG_mlocked,		/* Page is vma mlocked */
	__NR_PAGEFLAGS,
};

#define TESTPAGEFLAG(uname, lname)					\
static inline int Page##uname(const struct page *page)			\
			{ return test_bit(PG_##lname, &page->flags); }

#define SETPAGEFLAG(uname, lname)					\
static inline void SetPage##uname(struct page *page)			\
			{ set_bit(PG_##lname, &page->flags); }

#define CLEARPAGEFLAG(uname, lname)					\
static inline void ClearPage##uname(struct page *page)			\
			{ clear_bit(PG_##lname, &page->flags); }

#define PAGEFLAG(uname, lname) TESTPAGEFLAG(uname, lname)		\
	SETPAGEFLAG(uname, lname) CLEARPAGEFLAG(uname, lname)

PAGEFLAG(Locked, locked)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
TESTPAGEFLAG(Slab, slab)
TESTPAGEFLAG(Head, head)
TESTPAGEFLAG(Tail, tail)

static inline int PageCompound(const struct page *page)
{
	return page->flags & ((1UL << PG_head) | (1UL << PG_tail));
}

#endif /* PAGE_FLAGS_H */
