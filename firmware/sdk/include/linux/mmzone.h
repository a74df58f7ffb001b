#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

/*
 * Linux 3.14 include/linux/mmzone.h, the constants a driver sees: the buddy allocator's
 * largest block is order MAX_ORDER - 1 (4 MiB), and the zones of the emulated FS4412
 * (no ZONE_DMA on Exynos): Normal is lowmem, HighMem the rest of the 1 GiB.
 * /proc/buddyinfo and /proc/zoneinfo show them.
 */

#define MAX_ORDER		11
#define MAX_ORDER_NR_PAGES	(1 << (MAX_ORDER - 1))
#define PAGE_ALLOC_COSTLY_ORDER	3

enum zone_type {
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE,
	__MAX_NR_ZONES
};

/*
 * SPARSEMEM as on the board (mach-exynos: 256 MiB sections of a 32-bit physical space,
 * SPARSEMEM_EXTREME): page->flags holds the section number in its top 4 bits and the zone
 * number in the 2 bits below (no node bits).
 */
#define SECTION_SIZE_BITS	28
#define MAX_PHYSMEM_BITS	32
#define SECTIONS_SHIFT		(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)
#define SECTIONS_WIDTH		SECTIONS_SHIFT
#define SECTIONS_PGSHIFT	(32 - SECTIONS_WIDTH)
#define SECTIONS_MASK		((1UL << SECTIONS_WIDTH) - 1)
#define ZONES_WIDTH		2
#define ZONES_PGSHIFT		(SECTIONS_PGSHIFT - ZONES_WIDTH)
#define ZONES_MASK		((1UL << ZONES_WIDTH) - 1)
#define MAX_NR_ZONES		__MAX_NR_ZONES

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/page.h>
#include <linux/bitmap.h>	/* issue 16: 3.14's mmzone.h has it through nodemask.h */

/* include/linux/nodemask.h: one node */
typedef struct { unsigned long bits[1]; } nodemask_t;
#define numa_node_id()		0
#define NUMA_NO_NODE		(-1)

struct page;
struct pglist_data;

/*
 * struct zone with the board's size (832 bytes, cache-line aligned); the members a
 * module's inlines read are named, the allocator's bookkeeping is opaque.
 */
struct zone {
	unsigned long		watermark[3];
	unsigned char		__board_allocator_state[768];	/* free_area, lru, vm_stat */
	struct pglist_data	*zone_pgdat;
	unsigned long		zone_start_pfn;
	unsigned long		spanned_pages;
	unsigned long		present_pages;
	unsigned long		managed_pages;
	int			nr_migrate_reserve_block;
	const char		*name;
} __attribute__((aligned(64)));

struct zoneref {
	struct zone *zone;	/* Pointer to actual zone */
	int zone_idx;		/* zone_idx(zoneref->zone) */
};

#define MAX_ZONES_PER_ZONELIST	MAX_NR_ZONES

struct zonelist_cache;
struct zonelist {
	struct zonelist_cache *zlcache_ptr;		     // NULL or &zlcache
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};
#define MAX_ZONELISTS		1

struct task_struct;

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages; /* total number of physical pages */
	unsigned long node_spanned_pages; /* total size of physical page
					     range, including holes */
	int node_id;
	nodemask_t reclaim_nodes;	/* Nodes allowed to reclaim from */
	wait_queue_head_t kswapd_wait;
	wait_queue_head_t pfmemalloc_wait;
	struct task_struct *kswapd;	/* Protected by lock_memory_hotplug() */
	int kswapd_max_order;
	enum zone_type classzone_idx;
} pg_data_t;

/* The one node of a !NUMA kernel (mm/bootmem.c). */
extern struct pglist_data contig_page_data;
#define NODE_DATA(nid)		(&contig_page_data)

static inline int is_highmem_idx(enum zone_type idx)
{
	return idx == ZONE_HIGHMEM || idx == ZONE_MOVABLE;
}

#define zone_idx(zone)		((zone) - (zone)->zone_pgdat->node_zones)

static inline int is_highmem(struct zone *zone)
{
	return is_highmem_idx(zone_idx(zone));
}

/* SPARSEMEM_EXTREME: a root table of sections, each encoding its part of mem_map. */
struct mem_section {
	unsigned long section_mem_map;
	unsigned long *pageblock_flags;
};

#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define NR_MEM_SECTIONS		(1UL << SECTIONS_SHIFT)
#define SECTIONS_PER_ROOT	(PAGE_SIZE / sizeof(struct mem_section))
#define NR_SECTION_ROOTS	DIV_ROUND_UP(NR_MEM_SECTIONS, SECTIONS_PER_ROOT)
#define SECTION_NR_TO_ROOT(sec)	((sec) / SECTIONS_PER_ROOT)
#define SECTION_ROOT_MASK	(SECTIONS_PER_ROOT - 1)
#define SECTION_MARKED_PRESENT	(1UL<<0)
#define SECTION_HAS_MEM_MAP	(1UL<<1)
#define SECTION_MAP_LAST_BIT	(1UL<<2)
#define SECTION_MAP_MASK	(~(SECTION_MAP_LAST_BIT-1))

extern struct mem_section *mem_section[];

static inline struct mem_section *__nr_to_section(unsigned long nr)
{
	if (!mem_section[SECTION_NR_TO_ROOT(nr)])
		return NULL;
	return &mem_section[SECTION_NR_TO_ROOT(nr)][nr & SECTION_ROOT_MASK];
}

static inline struct page *__section_mem_map_addr(struct mem_section *section)
{
	unsigned long map = section->section_mem_map;
	map &= SECTION_MAP_MASK;
	return (struct page *)map;
}

static inline unsigned long pfn_to_section_nr(unsigned long pfn)
{
	return pfn >> PFN_SECTION_SHIFT;
}

static inline struct mem_section *__pfn_to_section(unsigned long pfn)
{
	return __nr_to_section(pfn_to_section_nr(pfn));
}

/* arch/arm/mm/init.c (ARCH_HAS_HOLES_MEMORYMODEL): is there RAM at this frame? */
extern int pfn_valid(unsigned long pfn);
#endif /* __ASSEMBLY__ */

#endif /* _LINUX_MMZONE_H */
