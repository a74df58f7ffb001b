"""The memory-management data objects the board's inlines read, as real guest objects.

A module built against the board's headers reads these kernel variables directly:
  * `kmalloc_caches[]`: SLUB's kmalloc caches by index (a constant-size kmalloc is
    kmem_cache_alloc(kmalloc_caches[i], ...)); they point at the kmalloc caches' real
    struct kmem_cache objects, which kmem_cache_alloc accepts;
  * `mem_section` (SPARSEMEM_EXTREME: one root of 512 sections of 256 MiB): each present
    section encodes mem_map minus its first pfn, so pfn_to_page()/page_to_pfn() inlines
    land in the page allocator's struct page array;
  * `contig_page_data`: the one node; PageHighMem() goes page->flags -> node_zones[zone]
    -> zone_pgdat, so each zone's zone_pgdat points back at it; spans and counts match
    the page allocator's zones, node_zonelists[0] lists HighMem then Normal;
  * `__per_cpu_offset[NR_CPUS]`, `nr_cpu_ids`, `cpu_possible_mask` & co.: consistent with
    the per-CPU allocator (CPU n's copy at ptr + n * PCPU_UNIT_SIZE);
  * `__pv_phys_offset`, `__pv_offset` (ARM_PATCH_PHYS_VIRT's PHYS_OFFSET and offset).
Also the functions beside them: pfn_valid() and __get_page_tail().
"""

import struct

from ...memory.layout import PAGE_OFFSET, PHYS_OFFSET
from ..abi import MEM_SECTION, PGLIST_DATA, PAGE
from ..hypercall import export
from .layout import NR_CPUS, NR_CPU_IDS, PCPU_UNIT_SIZE
from .memmap import (PAGES_PER_SECTION, PFN_SECTION_SHIFT, PG_tail, STRUCT_PAGE_SIZE)

KMALLOC_SHIFT_HIGH = 13
#: kmalloc_caches[] index of each kmalloc size class (include/linux/slab.h, kmalloc_index).
KMALLOC_INDEX = {64: 6, 128: 7, 192: 2, 256: 8, 512: 9, 1024: 10, 2048: 11, 4096: 12,
                 8192: 13}
SECTIONS_PER_ROOT = 4096 // MEM_SECTION.size
SECTION_MARKED_PRESENT, SECTION_HAS_MEM_MAP = 1, 2
#: struct zone (832 bytes) members contig_page_data's zones fill in.
ZONE_SIZE = 832
ZONE_FIELDS = {"zone_pgdat": 780, "zone_start_pfn": 784, "spanned_pages": 788,
               "present_pages": 792, "managed_pages": 796, "name": 804}
MAX_NR_ZONES = 3
NODE_ZONELISTS = 2496                       # struct zonelist: zlcache_ptr, _zonerefs[4]
ZONE_NAMES = ("Normal", "HighMem", "Movable")


class BoardData:
    def __init__(self, vm, alloc, memmap, zones, kmalloc_caches, percpu_unit=PCPU_UNIT_SIZE):
        """alloc(size) -> zeroed kernel memory; zones: the page allocator's zones;
        kmalloc_caches: {size: struct kmem_cache va} of the kmalloc caches."""
        self._vm, self._memmap = vm, memmap
        self.symbols = {}
        self._kmalloc_caches(alloc, kmalloc_caches)
        self._mem_section(alloc, memmap)
        self._contig_page_data(alloc, zones)
        self._cpus(alloc, percpu_unit)
        pv = alloc(16)
        vm.write(pv, struct.pack("<QQ", PHYS_OFFSET, (PHYS_OFFSET - PAGE_OFFSET) & 0xFFFFFFFF))
        self.symbols.update(__pv_phys_offset=pv, __pv_offset=pv + 8)

    def _kmalloc_caches(self, alloc, caches):
        table = [0] * (KMALLOC_SHIFT_HIGH + 1)
        for size, va in caches.items():
            table[KMALLOC_INDEX[size]] = va
        va = alloc(4 * len(table))
        self._vm.write(va, struct.pack(f"<{len(table)}I", *table))
        self.symbols["kmalloc_caches"] = va

    def _mem_section(self, alloc, memmap):
        root = alloc(4096)
        sections = bytearray(4096)
        first = memmap.first_pfn >> PFN_SECTION_SHIFT
        last = (memmap.first_pfn + memmap.npages - 1) >> PFN_SECTION_SHIFT
        for nr in range(first, last + 1):
            # sparse_encode_mem_map: the section's mem_map minus its first pfn, in pages
            mem_map = memmap.page_of(nr * PAGES_PER_SECTION) - \
                nr * PAGES_PER_SECTION * STRUCT_PAGE_SIZE
            value = (mem_map & 0xFFFFFFFF) | SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP
            struct.pack_into("<II", sections, nr * MEM_SECTION.size, value, 0)
        self._vm.write(root, bytes(sections))
        va = alloc(4)
        self._vm.write_u32(va, root)                 # mem_section[NR_SECTION_ROOTS = 1]
        self.symbols["mem_section"] = va

    def _contig_page_data(self, alloc, zones):
        pgdat = alloc(PGLIST_DATA.size)
        names = {}
        for name in ZONE_NAMES:
            names[name] = alloc(len(name) + 1)
            self._vm.write(names[name], name.encode() + b"\0")
        data = bytearray(PGLIST_DATA.size)
        for idx in range(MAX_NR_ZONES):
            base = idx * ZONE_SIZE
            zone = next((z for z in zones if z.index == idx), None)
            fields = {"zone_pgdat": pgdat, "name": names[ZONE_NAMES[idx]]}
            if zone is not None:
                fields.update(zone_start_pfn=zone.start_pfn, spanned_pages=zone.spanned,
                              present_pages=zone.spanned, managed_pages=zone.managed)
            for field, value in fields.items():
                struct.pack_into("<I", data, base + ZONE_FIELDS[field], value)
        refs = sorted(zones, key=lambda z: -z.index)     # highest zone first
        for i, zone in enumerate(refs):
            struct.pack_into("<Ii", data, NODE_ZONELISTS + 4 + 8 * i,
                             pgdat + zone.index * ZONE_SIZE, zone.index)
        start = min(z.start_pfn for z in zones)
        end = max(z.end_pfn for z in zones)
        for field, value in (("nr_zones", len(zones)), ("node_start_pfn", start),
                             ("node_present_pages", end - start),
                             ("node_spanned_pages", end - start), ("node_id", 0)):
            struct.pack_into("<I", data, PGLIST_DATA[field], value)
        self._vm.write(pgdat, bytes(data))
        self.symbols["contig_page_data"] = pgdat

    def _cpus(self, alloc, unit):
        offsets = alloc(4 * NR_CPUS)
        self._vm.write(offsets, struct.pack(f"<{NR_CPUS}I", *(
            cpu * unit if cpu < NR_CPU_IDS else 0 for cpu in range(NR_CPUS))))
        self.symbols["__per_cpu_offset"] = offsets
        nr = alloc(4)
        self._vm.write_u32(nr, NR_CPU_IDS)
        self.symbols["nr_cpu_ids"] = nr
        # cpu_possible_bits & co. and the const pointers to them (kernel/cpu.c)
        for kind in ("possible", "online", "present", "active"):
            bits, ptr = alloc(4), alloc(4)
            self._vm.write_u32(bits, (1 << NR_CPU_IDS) - 1)
            self._vm.write_u32(ptr, bits)
            self.symbols[f"cpu_{kind}_mask"] = ptr

    # -- functions ------------------------------------------------------------------------
    @export()
    def pfn_valid(self, pfn):
        """arch/arm/mm/init.c: memblock_is_memory(pfn << PAGE_SHIFT)."""
        return 1 if self._memmap.valid_pfn(pfn) else 0

    @export("__get_page_tail")
    def get_page_tail(self, page):
        """get_page() of a compound tail page pins the head (mm/swap.c): the head's
        _count goes up; returns false for a page that is not (or no longer) a tail."""
        pfn = self._memmap.pfn_of(page)
        if pfn is None:
            return 0
        flags = self._memmap.flags(pfn)
        if not flags & (1 << PG_tail):
            return 0
        head = self._vm.read_u32(page + PAGE["private"])      # first_page
        head_pfn = self._memmap.pfn_of(head)
        if head_pfn is None:
            return 0
        self._memmap.set_count(head_pfn, self._memmap.count(head_pfn) + 1)
        return 1
