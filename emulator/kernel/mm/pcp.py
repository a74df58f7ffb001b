"""The per-CPU page list of ZONE_NORMAL (mm/page_alloc.c of Linux 3.14: struct
per_cpu_pages, buffered_rmqueue, free_hot_cold_page, rmqueue_bulk, free_pcppages_bulk).

Modules' order-0 allocations without __GFP_HIGHMEM (alloc_pages, __get_free_page(s),
get_zeroed_page) take a page from this list, and freeing such a page puts it back; the list
is refilled from the buddy allocator `batch` pages at a time when it is empty and gives
`batch` pages back when it reaches `high`, as Linux's is (batch 31, high 186 for this
zone). Pages on it are neither free in the buddy lists (/proc/buddyinfo, MemFree and
zoneinfo's "pages free" leave them out, as 3.14's NR_FREE_PAGES does) nor allocated;
zoneinfo's pagesets show their count.

Every page a module gets holds the poison byte 0x6b (or zeros with __GFP_ZERO), as before
the list existed. Poisoning a page costs a thousand guest stores, so the list has two
halves: `clean` pages, poisoned, handed out last in first out; and `freed` pages, given back
since the clean half last ran out. When the clean half is empty, the freed pages are
poisoned (host memset) and become the clean half, the last freed on top; when both are
empty, `batch` pages come from the buddy lists (the zone's general area only: the slab
window stays the slabs'). A page written after its free keeps those bytes once recycled.

The ARM fast path (fastpath_pages.py) does the same on the same guest-memory state, and
calls the service (this code) only to refill, to drain, or for anything unusual. The block:
    0 clean count   4 freed count   8 high   12 batch
    16 the zone's free pages above the min watermark of an order-0 request, by index
       (__GFP_HIGH ? 2 : 0) | (__GFP_WAIT ? 1 : 0) (4 signed words: > 0 passes)
    64 clean[CAPACITY]   64 + 4 * CAPACITY freed[CAPACITY]     (struct page pointers)
and the tag array, one word per page of the general area: 0 not a list page, 1 on the
list, else the caller that allocated it (the leak ledger reads it lazily).
"""

import struct

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, virt_to_phys
from . import gfp
from .memmap import ZONE_NORMAL
from .slab import POISON_FREE

P_CLEAN, P_FREED, P_HIGH, P_BATCH, P_ROOM, P_ARRAYS = 0, 4, 8, 12, 16, 64
CAPACITY = 192
BLOCK_SIZE = P_ARRAYS + 8 * CAPACITY
TAG_FREE = 1
TAG_KERNEL = 2                 # handed out to the kernel itself (no caller)
POISON_PAGE = bytes([POISON_FREE]) * PAGE_SIZE
#: gfp bits that leave the list to the buddy path (HighMem first), or need Python work.
PCP_SLOW = (gfp.__GFP_HIGHMEM | gfp.__GFP_ZERO | ~gfp.BITS_MASK) & 0xFFFFFFFF


def zone_batchsize(managed):
    """zone_batchsize: a quarter of the zone's 1/1024th, at most 512 KiB worth, rounded
    to 2^n - 1 (31 for the board's ZONE_NORMAL)."""
    batch = min(managed // 1024, (512 * 1024) // PAGE_SIZE) // 4
    batch = max(batch, 1)
    return (1 << (batch + batch // 2).bit_length() - 1) - 1


def watermark_index(gfp_mask):
    return (2 if gfp_mask & gfp.HIGH else 0) | (1 if gfp_mask & gfp.WAIT else 0)


class PerCpuPages:
    def __init__(self, ram, pages, block_va, tag_va, tag_first_pfn, tag_pages):
        """pages: the PageAllocator (ZONE_NORMAL's general area feeds the list)."""
        self._ram, self._pages, self._memmap = ram, pages, pages.memmap
        self.zone = pages.normal
        self.block_va, self._pa = block_va, virt_to_phys(block_va)
        self.tag_va, self._tag_pa = tag_va, virt_to_phys(tag_va)
        self.tag_first_pfn, self.tag_pages = tag_first_pfn, tag_pages
        self.batch = zone_batchsize(self.zone.managed)
        self.high = min(6 * self.batch, CAPACITY)
        self.members = set()                 # pfns on the list or handed out from it
        span = ram.host_span(tag_first_pfn << PAGE_SHIFT)        # poisoning goes there
        self._host = (span[0], span[1], memoryview(span[2])) if span else (0, 0, None)
        self._recorded = {}                  # pfn -> caller the ledger has
        ram.write(self._pa, struct.pack("<4I", 0, 0, self.high, self.batch))
        self._free_changed(self.zone)
        pages.free_changed.append(self._free_changed)

    # -- guest state ----------------------------------------------------------------------
    def _mark(self, index):
        """The watermark an order-0 request of that index must stay above (watermark_ok)."""
        mark = self.zone.watermark["min"]
        if index & 2:
            mark -= mark // 2
        if not index & 1:
            mark -= mark // 4
        return mark

    def _room(self):
        free = self.zone.free
        return [free - self._mark(i) for i in range(4)]

    def _free_changed(self, zone):
        if zone is self.zone:
            self._ram.write(self._pa + P_ROOM, struct.pack("<4i", *self._room()))

    def _list(self, which):
        count = self._ram.read_u32(self._pa + (P_CLEAN if which == "clean" else P_FREED))
        base = self._pa + P_ARRAYS + (0 if which == "clean" else 4 * CAPACITY)
        return list(struct.unpack(f"<{count}I", self._ram.read(base, 4 * count)))

    def _store(self, which, entries):
        base = self._pa + P_ARRAYS + (0 if which == "clean" else 4 * CAPACITY)
        self._ram.write(base, struct.pack(f"<{len(entries)}I", *entries))
        self._ram.write_u32(self._pa + (P_CLEAN if which == "clean" else P_FREED),
                            len(entries))

    def _tag_of(self, pfn):
        return self._tag_pa + 4 * (pfn - self.tag_first_pfn)

    def tag(self, pfn):
        if pfn not in self.members:
            return 0
        return self._ram.read_u32(self._tag_of(pfn))

    def _set_tag(self, pfn, value):
        self._ram.write_u32(self._tag_of(pfn), value)

    @property
    def count(self):
        """pcp->count: pages on the list (both halves)."""
        return self._ram.read_u32(self._pa + P_CLEAN) + self._ram.read_u32(self._pa + P_FREED)

    def handed_out(self, pfn):
        """Whether pfn is a page the list gave out and nobody gave back."""
        return self.tag(pfn) > TAG_FREE

    # -- allocation -------------------------------------------------------------------------
    def alloc(self, gfp_mask, caller):
        """(pfn or None, reason): None with "watermark" when the zone is too low, with
        "empty" when the general area has no page left for the list (the buddy path
        decides then)."""
        if not self.zone.watermark_ok(0, gfp_mask):
            return None, "watermark"
        nclean, nfreed = struct.unpack("<2I", self._ram.read(self._pa, 8))
        if nclean:
            nclean -= 1
            page = self._ram.read_u32(self._pa + P_ARRAYS + 4 * nclean)
            self._ram.write_u32(self._pa + P_CLEAN, nclean)
        else:
            clean = self._refill(nfreed)
            if not clean:
                return None, "empty"
            page = clean.pop()
            self._write_block(clean, 0)
        pfn = self._memmap.pfn_of(page)
        self._memmap.set_allocated(pfn, 0, ZONE_NORMAL)
        self._set_tag(pfn, _tag(caller))
        return pfn, None

    def _refill(self, nfreed):
        """The clean half ran out: recycle the freed half, or rmqueue_bulk a batch."""
        if nfreed:
            base = self._pa + P_ARRAYS + 4 * CAPACITY
            freed = list(struct.unpack(f"<{nfreed}I", self._ram.read(base, 4 * nfreed)))
            first, mem_map = self._memmap.first_pfn, self._memmap.base_va
            self._poison([first + ((page - mem_map) >> 5) for page in freed])
            return freed
        pfns = self._pages.take_pages(self.batch, "general")
        for pfn in pfns:
            self.members.add(pfn)
            self._set_tag(pfn, TAG_FREE)
            self._memmap.set_free(pfn, 0, ZONE_NORMAL)
        self._poison(pfns)
        return [self._memmap.page_of(pfn) for pfn in reversed(pfns)]   # the first on top

    def _write_block(self, clean, nfreed):
        """The header (counts, and the zone's free pages, current) and the clean half in
        one write (each write is a call into Unicorn)."""
        data = struct.pack("<4I4i", len(clean), nfreed, self.high, self.batch,
                           *self._room()).ljust(P_ARRAYS, b"\0")
        self._ram.write(self._pa, data + struct.pack(f"<{len(clean)}I", *clean))

    def _poison(self, pfns):
        """Fill the pages with 0x6b, in host memory where it backs them."""
        start, end, buf = self._host
        for pfn in pfns:
            pa = pfn << PAGE_SHIFT
            if start <= pa < end:
                buf[pa - start:pa - start + PAGE_SIZE] = POISON_PAGE
            else:
                self._ram.write(pa, POISON_PAGE)

    # -- freeing --------------------------------------------------------------------------
    def free(self, pfn):
        """free_hot_cold_page of a page the list handed out (its count reached zero)."""
        self._memmap.set_free(pfn, 0, ZONE_NORMAL)
        self._set_tag(pfn, TAG_FREE)
        freed = self._list("freed") + [self._memmap.page_of(pfn)]
        self._store("freed", freed)
        if self.count >= self.high:
            self._drain(self.batch)

    def _drain(self, n):
        """free_pcppages_bulk: the coldest n pages back to the buddy lists (the bottom of
        the clean half, then the oldest freed)."""
        clean, freed = self._list("clean"), self._list("freed")
        out = clean[:n]
        out += freed[:n - len(out)]
        self._store("clean", clean[len(out):])
        self._store("freed", freed[max(0, n - min(n, len(clean))):])
        self._give_back(out)

    def _give_back(self, out):
        pfns = [self._memmap.pfn_of(page) for page in out]
        for pfn in pfns:
            self._set_tag(pfn, 0)
            self.members.discard(pfn)
        self._pages.give_pages(pfns, "general")

    # -- the leak ledger ----------------------------------------------------------------
    def sync(self, ledger):
        """Record the pages the fast path handed out (and forget those given back)."""
        for pfn in list(self._recorded):
            if not self.handed_out(pfn):
                del self._recorded[pfn]
                ledger.release("pages", pfn)
        for pfn in sorted(self.members):
            tag = self.tag(pfn)
            if tag > TAG_FREE and self._recorded.get(pfn) != tag:
                self.record(ledger, pfn, 0 if tag == TAG_KERNEL else tag)

    def record(self, ledger, pfn, caller):
        self._recorded[pfn] = _tag(caller)
        ledger.acquire("pages", pfn, caller, f"order-0 block at pfn {pfn:#x} (1 pages)")

    def unrecord(self, ledger, pfn):
        if self._recorded.pop(pfn, None) is not None:
            ledger.release("pages", pfn)


def _tag(caller):
    return caller if caller > TAG_KERNEL else TAG_KERNEL
