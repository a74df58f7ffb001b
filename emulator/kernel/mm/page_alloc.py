"""Zones and the page allocator core: which zone and buddy area serves a request, watermarks,
struct page upkeep and per-zone accounting (mm/page_alloc.c, Linux 3.14).

ZONE_NORMAL is lowmem (the linear map), ZONE_HIGHMEM the rest of the 1 GiB. A request with
__GFP_HIGHMEM tries HighMem first, then Normal (the zonelist, highest zone first); others use
Normal only. ZONE_NORMAL has two buddy areas: the slab window, which slab caches and large
kmalloc blocks prefer, and the rest, which everything else prefers; either falls back to the
other. ZONE_NORMAL's per-CPU page list (pcp.py) takes its pages from here in batches
(`take_pages`, `give_pages`); the kernel's own order-0 pages come straight from the buddy lists.
"""

from dataclasses import dataclass, field
from math import isqrt

from .buddy import MAX_ORDER, BuddyArea
from . import gfp
from .memmap import PG_reserved, PG_slab, ZONE_HIGHMEM, ZONE_NORMAL

#: Kinds of page owners whose pages prefer the slab window, and their page flags.
SLAB_KINDS = {"slab", "kmalloc"}
KIND_FLAGS = {"slab": 1 << PG_slab}
#: zoneinfo/vmstat counter of each kind of page owner (None: not a vmstat item of 3.14).
KIND_STAT = {"slab": "nr_slab_unreclaimable", "kmalloc": "nr_slab_unreclaimable",
             "anon": "nr_anon_pages", "file": "nr_file_pages", "kernel": None,
             "vmalloc": None, "module": None, "percpu": None}


@dataclass
class Block:
    """An allocated block of pages: its order, zone and owner kind."""
    order: int
    zone: int
    kind: str


@dataclass
class Zone:
    """A memory zone: its page range, free areas and watermarks."""
    name: str
    index: int
    start_pfn: int
    end_pfn: int
    areas: dict                    # name -> BuddyArea
    reserved: int = 0              # present but not managed (kernel image, mem_map, tracks)
    watermark: dict = field(default_factory=lambda: {"min": 0, "low": 0, "high": 0})
    stats: dict = field(default_factory=dict)     # pages in use by kind of owner

    @property
    def spanned(self):
        return self.end_pfn - self.start_pfn

    @property
    def managed(self):
        return self.spanned - self.reserved

    @property
    def free(self):
        return sum(a.nr_free for a in self.areas.values())

    def counts(self):
        rows = [a.counts() for a in self.areas.values()]
        return [sum(col) for col in zip(*rows)]

    def vmstat(self, name):
        """A zone counter of /proc/zoneinfo (nr_slab_unreclaimable, nr_anon_pages, ...)."""
        return sum(n for kind, n in self.stats.items() if KIND_STAT[kind] == name)

    def area_of(self, pfn):
        return next((a for a in self.areas.values() if pfn in a), None)

    def watermark_ok(self, order, gfp_mask):
        """__zone_watermark_ok against the min watermark (ALLOC_HIGH, ALLOC_HARDER)."""
        mark = self.watermark["min"]
        if gfp_mask & gfp.HIGH:
            mark -= mark // 2
        if not gfp_mask & gfp.WAIT:
            mark -= mark // 4
        free = self.free - (1 << order) + 1
        if free <= mark:
            return False
        counts = self.counts() if order else ()
        for o in range(order):
            free -= counts[o] << o
            mark >>= 1
            if free <= mark:
                return False
        return True


def build_zones(normal, normal_areas, highmem, reserved_pages):
    """Zone Normal over the pfn span `normal` with buddy areas {name: (start, end)} (its
    reserved pages are the rest of the span) and zone HighMem over `highmem` (or None)."""
    zones = [Zone("Normal", ZONE_NORMAL, normal[0], normal[1],
                  {name: BuddyArea(*span) for name, span in normal_areas.items()},
                  reserved_pages)]
    if highmem and highmem[1] > highmem[0]:
        zones.append(Zone("HighMem", ZONE_HIGHMEM, highmem[0], highmem[1],
                          {"general": BuddyArea(*highmem)}))
    return zones


def set_watermarks(zones):
    """setup_per_zone_wmarks: min_free_kbytes = sqrt(lowmem_kbytes * 16), shared by lowmem
    zones; highmem zones get managed/1024 pages clamped to [32, 128]."""
    lowmem = [z for z in zones if z.index != ZONE_HIGHMEM]
    lowmem_pages = sum(z.managed for z in lowmem)
    min_free_kbytes = min(max(isqrt(lowmem_pages * 4 * 16), 128), 65536)
    pages_min = min_free_kbytes // 4
    for z in zones:
        tmp = pages_min * z.managed // lowmem_pages
        low_min = min(max(z.managed // 1024, 32), 128) if z.index == ZONE_HIGHMEM else tmp
        z.watermark = {"min": low_min, "low": low_min + tmp // 4, "high": low_min + tmp // 2}
    return min_free_kbytes


class PageAllocator:
    """Hands out 2^order blocks of page frames; keeps mem_map and the zone counters right."""

    def __init__(self, memmap, zones):
        self.memmap = memmap
        self.zones = zones
        self.on_alloc = []            # callables(pfn, order, kind, area name) after an alloc
        self.on_free = []             # callables(pfn, order, kind, area name) after a free
        self.normal = zones[0]
        self.highmem = zones[1] if len(zones) > 1 else None
        self.blocks = {}              # allocated head pfn -> Block
        self.free_changed = []        # callables(zone) after its free page count changed
        self.min_free_kbytes = set_watermarks(zones)

    # -- lookups --------------------------------------------------------------------------
    def zone_of(self, pfn):
        return next((z for z in self.zones if z.start_pfn <= pfn < z.end_pfn), None)

    def free_pages(self):
        return sum(z.free for z in self.zones)

    def kind_pages(self, *kinds):
        return sum(z.stats.get(k, 0) for z in self.zones for k in kinds)

    # -- allocation -------------------------------------------------------------------------
    def alloc(self, order, gfp_mask, kind, compound=None):
        """The head pfn of a fresh 2^order block, or None (order too big, zones too low).
        compound: head/tail page flags (default: __GFP_COMP, and always for slabs)."""
        if order >= MAX_ORDER:
            return None
        zones = [self.highmem, self.normal] if gfp_mask & gfp.HIGHMEM and self.highmem \
            and kind not in SLAB_KINDS else [self.normal]
        for zone in zones:
            if not zone.watermark_ok(order, gfp_mask):
                continue
            for name, area in self._areas(zone, kind):
                pfn = area.alloc(order)
                if pfn is not None:
                    for hook in self.on_alloc:
                        hook(pfn, order, kind, name)
                    if compound is None:
                        compound = kind == "slab" or bool(gfp_mask & gfp.COMP)
                    self._record(pfn, order, zone, kind, compound)
                    self._changed(zone)
                    return pfn
        return None

    def _changed(self, zone):
        for listener in self.free_changed:
            listener(zone)

    def take_pages(self, n, name):
        """rmqueue_bulk: up to n order-0 pages of a ZONE_NORMAL buddy area for the per-CPU
        list, in the order single allocations would give them (no Block: the list owns
        them)."""
        zone = self.normal
        area, pfns = zone.areas[name], []
        while len(pfns) < n and (pfn := area.alloc(0)) is not None:
            for hook in self.on_alloc:
                hook(pfn, 0, "kernel", name)
            pfns.append(pfn)
        self._changed(zone)
        return pfns

    def give_pages(self, pfns, name):
        """free_pcppages_bulk: order-0 pages of the per-CPU list back to the buddy area
        (their struct pages already read free)."""
        zone = self.normal
        area = zone.areas[name]
        for pfn in pfns:
            area.free(pfn, 0)
            for hook in self.on_free:
                hook(pfn, 0, "kernel", name)
        self._changed(zone)

    @staticmethod
    def _areas(zone, kind):
        """(name, BuddyArea) in the order kind prefers them."""
        first = "slab" if kind in SLAB_KINDS else "general"
        return sorted(zone.areas.items(), key=lambda item: item[0] != first)

    def take_area(self, name, kind):
        """Allocate every frame of a zone Normal buddy area at boot, as blocks of the largest
        order (issue 15 (c): the memory checker's shadow, tracks and quarantine)."""
        zone, order = self.normal, MAX_ORDER - 1
        area = zone.areas[name]
        while (pfn := area.alloc(order)) is not None:
            self._record(pfn, order, zone, kind, False)
        self._changed(zone)

    def _record(self, pfn, order, zone, kind, compound):
        self.blocks[pfn] = Block(order, zone.index, kind)
        self._count(zone, kind, 1 << order)
        self.memmap.set_allocated(pfn, order, zone.index, KIND_FLAGS.get(kind, 0),
                                  compound and order > 0)

    @staticmethod
    def _count(zone, kind, n):
        zone.stats[kind] = zone.stats.get(kind, 0) + n

    def alloc_exact(self, npages, gfp_mask, kind):
        """npages contiguous frames, each its own order-0 page (alloc_pages_exact)."""
        order = max(0, (npages - 1).bit_length())
        pfn = self.alloc(order, gfp_mask, kind)
        if pfn is None:
            return None
        self.split(pfn)
        self.free_split(pfn + npages, (1 << order) - npages)
        return pfn

    def split(self, pfn):
        """split_page: an order-n block becomes 2^n order-0 pages, each with _count 1."""
        block = self.blocks[pfn]
        for i in range(1, 1 << block.order):
            self.blocks[pfn + i] = Block(0, block.zone, block.kind)
        self.memmap.set_pages(pfn, 1 << block.order, block.zone, KIND_FLAGS.get(block.kind, 0))
        block.order = 0

    # -- freeing --------------------------------------------------------------------------
    def check_free(self, pfn, order):
        """Why freeing (pfn, order) would be wrong, or None (bad_page's reasons)."""
        block = self.blocks.get(pfn)
        if block is None:
            zone = self.zone_of(pfn)
            area = zone.area_of(pfn) if zone else None
            if area is not None and area.is_free(pfn):
                return "page is already free"
            return "page was not allocated by the page allocator"
        if block.order != order:
            return f"freed as order {order}, allocated as order {block.order}"
        return None

    def free(self, pfn, order):
        """Give a block back; returns the reason it is wrong (nothing freed) or None."""
        problem = self.check_free(pfn, order)
        if problem:
            return problem
        block = self.blocks.pop(pfn)
        zone = self.zones[0] if block.zone == ZONE_NORMAL else self.highmem
        self._count(zone, block.kind, -(1 << order))
        self.memmap.set_free(pfn, order, block.zone)
        area = zone.area_of(pfn)
        area.free(pfn, order)
        for hook in self.on_free:
            hook(pfn, order, block.kind, next(n for n, a in zone.areas.items() if a is area))
        self._changed(zone)
        return None

    def free_split(self, pfn, npages):
        """free(p, 0) for each page of [pfn, pfn + npages), in increasing order: pages each
        allocated on its own (split_page), as a process's frames and alloc_pages_exact's
        tail are. (speed, issue 15) Freed as the aligned blocks they merge into, which
        leaves the same free lists, counters and mem_map as page by page; a block with a
        page that cannot be freed goes page by page. Returns (pfn, reason) for the first
        such page (the pages before it are freed, none from it on), or None."""
        end = pfn + npages
        while pfn < end:
            order = 0
            while order < MAX_ORDER - 1 and not pfn & (1 << order) and pfn + (2 << order) <= end:
                order += 1
            if order and not self._free_block_of_pages(pfn, order):
                order = 0
            if not order:
                problem = self.free(pfn, 0)
                if problem:
                    return pfn, problem
            pfn += 1 << order
        return None

    def _free_block_of_pages(self, pfn, order):
        """Free 2^order single pages from pfn as one block if they are all live order-0
        blocks of one zone and kind; False (nothing done) otherwise."""
        blocks, head = self.blocks, self.blocks.get(pfn)
        if head is None or head.order:
            return False
        for p in range(pfn + 1, pfn + (1 << order)):
            block = blocks.get(p)
            if block is None or block.order or block.zone != head.zone or block.kind != head.kind:
                return False
        for p in range(pfn, pfn + (1 << order)):
            del blocks[p]
        zone = self.zones[0] if head.zone == ZONE_NORMAL else self.highmem
        self._count(zone, head.kind, -(1 << order))
        self.memmap.set_free(pfn, order, head.zone)
        area = zone.area_of(pfn)
        area.free(pfn, order)
        for hook in self.on_free:
            hook(pfn, order, head.kind, next(n for n, a in zone.areas.items() if a is area))
        self._changed(zone)
        return True

    def reserve(self, start_pfn, end_pfn):
        """Mark struct pages of reserved ranges (PG_reserved, _count 1)."""
        zone = self.zone_of(start_pfn)
        self.memmap.set_pages(start_pfn, end_pfn - start_pfn, zone.index, 1 << PG_reserved)


class Frames:
    """machine.frames' interface (alloc(n) -> first pfn of n contiguous frames, free(pfn, n))
    for the kernel's own users: process pages, the page cache, module images."""

    def __init__(self, pages, gfp_mask, kind):
        self._pages, self._gfp, self._kind = pages, gfp_mask, kind

    def alloc(self, npages=1):
        return self._pages.alloc_exact(npages, self._gfp, self._kind)

    def free(self, pfn, npages=1):
        failed = self._pages.free_split(pfn, npages)
        if failed:
            raise ValueError(f"pfn {failed[0]:#x}: {failed[1]}")

    @property
    def free_pages(self):
        return self._pages.free_pages()
