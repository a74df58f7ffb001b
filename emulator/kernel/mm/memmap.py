"""mem_map: one `struct page` per physical page frame, in guest memory (FLATMEM).

Modules get real `struct page *` pointers into this array (alloc_pages, virt_to_page, ...),
read fields with the SDK's inlines (page_count, PageHighMem) and may change `_count` with
get_page(); the kernel reads `_count` back when the page is put. The layout is Linux 3.14's
on 32-bit ARM without debug options (include/linux/mm_types.h), 32 bytes a page:

    0 flags     4 mapping     8 index     12 _mapcount     16 _count     20 lru (2 words)
    28 private (compound tail pages: first_page)

The top bits of flags are the board's (SPARSEMEM, 256 MiB sections, 3 zones): the section
number in bits 28-31 (SECTIONS_PGSHIFT 28) and the zone in bits 26-27 (ZONES_PGSHIFT 26), so
a genuine module's page_to_pfn() and PageHighMem() inlines decode them. The array lives at the
top of lowmem, where ARM's memblock puts it. Entries are written when a block is handed out
or given back; never-allocated pages read as zero.
"""

import struct

from ...memory.layout import PAGE_SHIFT, PHYS_OFFSET, phys_to_virt

STRUCT_PAGE_SIZE = 32
PAGE_FIELDS = {"flags": 0, "mapping": 4, "index": 8, "_mapcount": 12, "_count": 16,
               "lru": 20, "private": 28}
PHYS_PFN_OFFSET = PHYS_OFFSET >> PAGE_SHIFT

# enum pageflags (include/linux/page-flags.h, 3.14 with CONFIG_PAGEFLAGS_EXTENDED, CONFIG_MMU)
PG_locked, PG_error, PG_referenced, PG_uptodate, PG_dirty, PG_lru, PG_active = range(7)
PG_slab, PG_owner_priv_1, PG_arch_1, PG_reserved, PG_private = range(7, 12)
PG_head, PG_tail = 14, 15
ZONES_PGSHIFT = 26
SECTIONS_PGSHIFT = 28
SECTION_SIZE_BITS = 28
PFN_SECTION_SHIFT = SECTION_SIZE_BITS - PAGE_SHIFT
PAGES_PER_SECTION = 1 << PFN_SECTION_SHIFT
ZONE_NORMAL, ZONE_HIGHMEM, ZONE_MOVABLE = 0, 1, 2
FLAG_NAMES = {PG_slab: "slab", PG_reserved: "reserved", PG_head: "head", PG_tail: "tail"}

_PAGE = struct.Struct("<IIIiiIII")


class MemMap:
    def __init__(self, ram, base_pa, first_pfn, npages):
        self._ram = ram
        self.base_pa, self.first_pfn, self.npages = base_pa, first_pfn, npages
        self.base_va = phys_to_virt(base_pa)
        self.size = npages * STRUCT_PAGE_SIZE

    # -- addresses ------------------------------------------------------------------------
    def page_of(self, pfn):
        """The guest `struct page *` of pfn."""
        return self.base_va + (pfn - self.first_pfn) * STRUCT_PAGE_SIZE

    def pfn_of(self, page):
        """The pfn a `struct page *` describes, or None if it does not point at an entry."""
        off = page - self.base_va
        if off < 0 or off >= self.size or off % STRUCT_PAGE_SIZE:
            return None
        return self.first_pfn + off // STRUCT_PAGE_SIZE

    def valid_pfn(self, pfn):
        return self.first_pfn <= pfn < self.first_pfn + self.npages

    def _pa(self, pfn, field=0):
        return self.base_pa + (pfn - self.first_pfn) * STRUCT_PAGE_SIZE + field

    # -- fields ---------------------------------------------------------------------------
    def count(self, pfn):
        return struct.unpack("<i", self._ram.read(self._pa(pfn, PAGE_FIELDS["_count"]), 4))[0]

    def set_count(self, pfn, value):
        self._ram.write(self._pa(pfn, PAGE_FIELDS["_count"]), struct.pack("<i", value))

    def flags(self, pfn):
        return self._ram.read_u32(self._pa(pfn))

    def fields(self, pfn):
        """(flags, mapping, index, _mapcount, _count, lru.next, lru.prev, private)."""
        return _PAGE.unpack(self._ram.read(self._pa(pfn), STRUCT_PAGE_SIZE))

    def set_allocated(self, pfn, order, zone, flags=0, compound=False):
        """Entries of a block just handed out: the head holds the reference (_count 1)."""
        flags |= page_flags(pfn, zone)          # a buddy block never spans two sections
        head_flags = flags | ((1 << PG_head) if compound else 0)
        tail_flags = flags | ((1 << PG_tail) if compound else 0)
        first_page = self.page_of(pfn) if compound else 0
        tail = _PAGE.pack(tail_flags, 0, 0, -1, 0, 0, 0, first_page)
        data = _PAGE.pack(head_flags, 0, 0, -1, 1, 0, 0, 0) + tail * ((1 << order) - 1)
        self._ram.write(self._pa(pfn), data)

    def set_pages(self, pfn, npages, zone, flags=0, count=1):
        """Independent pages (split_page, reserved ranges): each with its own reference."""
        for start, n in _by_section(pfn, npages):
            entry = _PAGE.pack(page_flags(start, zone) | flags, 0, 0, -1, count, 0, 0, 0)
            self._ram.write(self._pa(start), entry * n)

    def set_free(self, pfn, order, zone):
        entry = _PAGE.pack(page_flags(pfn, zone), 0, 0, -1, 0, 0, 0, 0)
        self._ram.write(self._pa(pfn), entry * (1 << order))


def page_flags(pfn, zone):
    """The section and zone bits of page->flags (include/linux/mm.h, set_page_links)."""
    return ((pfn >> PFN_SECTION_SHIFT) << SECTIONS_PGSHIFT) | (zone << ZONES_PGSHIFT)


def _by_section(pfn, npages):
    """(first pfn, count) pieces of a pfn range, one per memory section it touches."""
    end = pfn + npages
    while pfn < end:
        stop = min(end, (pfn // PAGES_PER_SECTION + 1) * PAGES_PER_SECTION)
        yield pfn, stop - pfn
        pfn = stop


def describe_flags(flags):
    names = [name for bit, name in sorted(FLAG_NAMES.items()) if flags & (1 << bit)]
    return f"{flags:#x}({'|'.join(names)})"
