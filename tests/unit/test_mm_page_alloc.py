"""The buddy allocator, zones and the page allocator's exports (emulator/kernel/mm)."""

import io

import pytest

from emulator.kernel.mm.buddy import MAX_ORDER, BuddyArea
from emulator.kernel.mm.gfp import (GFP_ATOMIC, GFP_HIGHUSER, GFP_KERNEL, GFP_USER, __GFP_COMP,
                                    __GFP_NOWARN, __GFP_ZERO, describe)
from emulator.kernel.mm.memmap import PG_head, PG_reserved, PG_tail, ZONE_HIGHMEM
from emulator.machine import Machine

ORDER10 = 1 << 10


def test_split_hands_out_the_lowest_block_and_keeps_the_halves():
    area = BuddyArea(0x40000, 0x40000 + 2 * ORDER10)
    assert area.counts() == [0] * 10 + [2]
    assert area.alloc(0) == 0x40000
    # order 10 split down to 0: one free block of each order 0..9 remains, plus the other 10
    assert area.counts() == [1] * 10 + [1]
    assert area.alloc(0) == 0x40001                  # its buddy, from the order-0 list
    assert area.alloc(1) == 0x40002
    assert area.nr_free == 2 * ORDER10 - 4


def test_free_merges_buddies_back_to_the_largest_block():
    area = BuddyArea(0x40000, 0x40000 + ORDER10)
    pages = [area.alloc(0) for _ in range(8)]
    for pfn in pages:
        area.free(pfn, 0)
    assert area.counts() == [0] * 10 + [1]
    assert area.nr_free == ORDER10


def test_free_lists_are_lifo_and_blocks_aligned():
    area = BuddyArea(0x40000, 0x40000 + ORDER10)
    a, b, c = area.alloc(0), area.alloc(0), area.alloc(2)
    assert c % 4 == 0
    area.free(a, 0)
    assert area.alloc(0) == a                         # freed last, handed out first
    assert area.alloc(MAX_ORDER) is None
    assert area.is_free(c + 4) and not area.is_free(b)


@pytest.fixture(scope="module")
def m():
    return Machine("fs4412", ".", console=io.StringIO().write)


def test_zones_cover_the_board(m):
    normal, high = m.mm.pages.zones
    assert (normal.name, normal.start_pfn, normal.spanned) == ("Normal", 0x40000, 194560)
    assert (high.name, high.start_pfn, high.spanned) == ("HighMem", 0x6F800, 67584)
    assert normal.managed == normal.spanned - 6144          # kernel image, tracks, mem_map
    assert normal.watermark["min"] < normal.watermark["low"] < normal.watermark["high"]
    assert m.mm.pages.min_free_kbytes == 3472                # sqrt(lowmem kB * 16)


def test_highmem_only_with_gfp_highmem(m):
    pages = m.mm.pages
    low = pages.alloc(0, GFP_KERNEL, "kernel")
    high = pages.alloc(0, GFP_HIGHUSER, "kernel")
    assert pages.zone_of(low).name == "Normal" and pages.zone_of(high).name == "HighMem"
    assert m.mm.memmap.flags(high) >> 26 & 3 == ZONE_HIGHMEM
    assert pages.free(low, 0) is None and pages.free(high, 0) is None


def test_struct_page_reflects_allocation(m):
    pages, memmap = m.mm.pages, m.mm.memmap
    pfn = pages.alloc(2, GFP_KERNEL | __GFP_COMP, "kernel")
    assert memmap.count(pfn) == 1 and memmap.flags(pfn) & (1 << PG_head)
    tail = memmap.fields(pfn + 1)
    assert tail[0] & (1 << PG_tail) and tail[7] == memmap.page_of(pfn)   # first_page
    assert memmap.pfn_of(memmap.page_of(pfn)) == pfn
    assert memmap.pfn_of(memmap.page_of(pfn) + 4) is None                # not an entry
    assert pages.free(pfn, 1) == "freed as order 1, allocated as order 2"
    assert pages.free(pfn, 2) is None
    assert pages.free(pfn, 2) == "page is already free"
    assert memmap.flags(0x40000) & (1 << PG_reserved)                   # kernel image


def test_alloc_exact_and_frames(m):
    pages = m.mm.pages
    before = pages.free_pages()
    pfn = pages.alloc_exact(3, GFP_KERNEL, "module")
    assert pages.free_pages() == before - 3
    for p in range(pfn, pfn + 3):
        assert pages.free(p, 0) is None
    assert pages.free_pages() == before
    frames = m.mm.frames("anon")
    pfn = frames.alloc(1)
    assert pages.zone_of(pfn).name == "HighMem"                          # user pages
    frames.free(pfn)
    with pytest.raises(ValueError):
        frames.free(pfn)


def test_watermark_keeps_a_reserve_for_atomic_requests(m):
    zone = m.mm.pages.normal
    assert zone.watermark_ok(0, GFP_KERNEL)
    assert not zone.watermark_ok(17, GFP_KERNEL)     # bigger than the zone


def test_gfp_values_and_names():
    assert (GFP_KERNEL, GFP_ATOMIC, GFP_USER, GFP_HIGHUSER) == (0xD0, 0x20, 0x200D0, 0x200D2)
    assert describe(GFP_KERNEL | __GFP_ZERO) == "GFP_KERNEL|__GFP_ZERO"
    assert describe(GFP_ATOMIC | __GFP_NOWARN) == "GFP_ATOMIC|__GFP_NOWARN"
    assert describe(0) == "GFP_NOWAIT"


def _service(m, caller=0xBF000100):
    m.hypercalls.caller = caller
    return m.mm.page_services


def test_page_exports_refcounts_and_conversions(m):
    ps = _service(m)
    page = ps.alloc_pages_nodemask(GFP_KERNEL, 0, 0, 0)
    va = ps.page_address(page)
    assert 0xC0000000 <= va < 0xEF800000
    assert ps.virt_to_page(va) == page and ps.pfn_to_page(ps.page_to_pfn(page)) == page
    assert m.vm.read(va, 4) == b"kkkk"                        # not zeroed: poison
    pfn = ps.page_to_pfn(page)
    m.mm.memmap.set_count(pfn, 2)                              # get_page() in the module
    ps.free_pages_page(page, 0)
    assert ps.allocated(pfn)                                   # still referenced
    ps.free_pages_page(page, 0)
    assert not ps.allocated(pfn)
    zero = ps.get_zeroed_page(GFP_KERNEL)
    assert m.vm.read(zero, 4096) == bytes(4096)
    ps.free_pages(zero, 0)


def test_highmem_page_has_no_address_until_kmap(m):
    ps, kmap = _service(m), m.mm.kmap
    page = ps.alloc_pages_nodemask(GFP_HIGHUSER, 0, 0, 0)
    assert ps.page_address(page) == 0
    va = kmap.kmap(page)
    assert 0xBFE00000 <= va < 0xC0000000 and ps.page_address(page) == va
    m.vm.write(va, b"high")
    assert kmap.kmap(page) == va                               # shared, counted
    kmap.kunmap(page)
    kmap.kunmap(page)
    assert ps.page_address(page) == 0
    assert m.mm.context.preempt_count() == 0
    va = kmap.kmap_atomic(page)
    assert m.mm.context.preempt_count() == 1 and m.vm.read(va, 4) == b"high"
    kmap.kunmap_atomic(va)
    assert m.mm.context.preempt_count() == 0
    ps.free_pages_page(page, 0)


def test_bad_page_state_and_max_order(m):
    out = io.StringIO()
    mach = Machine("fs4412", ".", console=out.write)
    ps = _service(mach)
    page = ps.alloc_pages_nodemask(GFP_KERNEL, 1, 0, 0)
    ps.free_pages_page(page, 1)
    ps.free_pages_page(page, 1)
    assert ps.alloc_pages_nodemask(GFP_KERNEL, MAX_ORDER, 0, 0) == 0
    text = out.getvalue()
    assert "BUG: Bad page state in process insmod  pfn:" in text
    assert "page dumped because: page is already free" in text
    assert f"order {MAX_ORDER} >= MAX_ORDER ({MAX_ORDER}): returning NULL" in text


def test_proc_buddyinfo_and_zoneinfo_formats(m):
    buddy = m.vfs.read_file("/proc/buddyinfo").decode()
    lines = buddy.splitlines()
    assert lines[0].startswith("Node 0, zone   Normal ") and len(lines[0].split()) == 15
    assert lines[1].startswith("Node 0, zone  HighMem ")
    zone = m.vfs.read_file("/proc/zoneinfo").decode()
    for field in ("pages free", "min", "low", "high", "spanned  194560", "present  194560",
                  "managed", "nr_free_pages", "nr_slab_unreclaimable", "start_pfn:         262144"):
        assert field in zone, field


def _allocator():
    from emulator.kernel.mm.page_alloc import PageAllocator, build_zones

    class MemMap:                                   # mem_map writes are not what is compared
        def set_allocated(self, *args):
            pass

        set_pages = set_free = set_allocated

    start = 0x40000
    zones = build_zones((start, start + 4 * ORDER10), {"general": (start, start + 4 * ORDER10)},
                        None, 0)
    return PageAllocator(MemMap(), zones)


def _state(pages):
    area = pages.normal.areas["general"]
    return ([list(blocks) for blocks in area.free_lists], area.nr_free, dict(pages.normal.stats),
            sorted(pages.blocks))


def test_free_split_leaves_what_page_by_page_frees_leave():
    """(speed, issue 15) A run of single pages freed as the blocks they merge into: the same
    free lists (LIFO order included), counters and live blocks as freeing page by page."""
    import random
    import types

    def page_by_page(self, pfn, npages):
        for p in range(pfn, pfn + npages):
            problem = self.free(p, 0)
            if problem:
                return p, problem
        return None

    rng = random.Random(15)
    for _ in range(40):
        states, seed = [], rng.random()
        for by_blocks in (False, True):
            pages, rng_copy = _allocator(), random.Random(seed)
            if not by_blocks:                      # alloc_exact's tail page by page too
                pages.free_split = types.MethodType(page_by_page, pages)
            live = []
            for _ in range(12):                    # some history: exact runs, some freed
                n = rng_copy.randrange(1, 70)
                pfn = pages.alloc_exact(n, GFP_KERNEL, "process")
                live.append((pfn, n))
                if rng_copy.random() < 0.4:
                    pfn, n = live.pop(rng_copy.randrange(len(live)))
                    lo = rng_copy.randrange(n)
                    hi = rng_copy.randrange(lo + 1, n + 1)
                    if by_blocks:
                        assert pages.free_split(pfn + lo, hi - lo) is None
                    else:
                        for p in range(pfn + lo, pfn + hi):
                            assert pages.free(p, 0) is None
            states.append(_state(pages))
        assert states[0] == states[1]


def test_free_split_stops_at_a_page_it_cannot_free():
    pages = _allocator()
    pfn = pages.alloc_exact(16, GFP_KERNEL, "process")
    assert pages.free(pfn + 5, 0) is None
    assert pages.free_split(pfn, 16) == (pfn + 5, "page is already free")
    assert all(p not in pages.blocks for p in range(pfn, pfn + 6))
    assert all(p in pages.blocks for p in range(pfn + 6, pfn + 16))
