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

/* page->flags holds the zone number in its top ZONES_WIDTH bits (no node/section bits). */
#define ZONES_WIDTH		2
#define ZONES_PGSHIFT		(32 - ZONES_WIDTH)
#define ZONES_MASK		((1UL << ZONES_WIDTH) - 1)

struct zonelist;

/* include/linux/nodemask.h: one node */
typedef struct { unsigned long bits[1]; } nodemask_t;
#define numa_node_id()		0
#define NUMA_NO_NODE		(-1)

#endif /* _LINUX_MMZONE_H */
