"""The page fast path (issue 15 (c)): __alloc_pages_nodemask, __get_free_pages,
__free_pages, free_pages and page_address as ARM routines over ZONE_NORMAL's per-CPU page
list (pcp.py), beside the slab routines.

An order-0 request without __GFP_HIGHMEM/__GFP_ZERO pops the list's clean half (after the
min-watermark check Python's path makes, and the sleeping-in-atomic check), sets the page's
_count to 1 and stores the caller in the page's tag (the leak ledger's record, read lazily);
freeing such a page with _count 1 sets it to 0 and pushes it on the freed half. Anything
else goes to the Python service (the same-named stub), which runs the same algorithm on
the same state: the clean half empty, the list reaching `high`, the fast path off, and a
struct page that does not read exactly as Python wrote it (a driver changed its flags or
fields: Python rewrites it, so the routines leave it to Python). r2 and r3 are not kept for
the service of __alloc_pages_nodemask (it reads two arguments), __free_pages, free_pages
(two) and page_address (one); __get_free_pages keeps them (kmalloc_large's size and tag).

A guest store costs ~48 ns in Unicorn 2.1.4 (every RAM page stays "not dirty", so each store
takes the slow path that looks for translated code to invalidate), a load ~2 ns (~23 with a
memory hook armed) and each conditional branch ends a translated block, so the routines
check with loads and conditional instructions and store only what changes: 3 stores to
allocate, 4 to free.
"""

from ...memory.layout import PAGE_OFFSET, PAGE_SHIFT, PHYS_OFFSET
from .fastpath import CPSR_I, ST_OFF, ST_PREEMPT
from .memmap import PAGE_FIELDS, PFN_SECTION_SHIFT, SECTIONS_PGSHIFT, STRUCT_PAGE_SIZE
from .pcp import CAPACITY, P_ARRAYS, P_CLEAN, P_FREED, P_ROOM, PCP_SLOW
from . import gfp
from .page_api import KMALLOC_SIZE_TAG

ROUTINES = ("__alloc_pages_nodemask", "__get_free_pages", "__free_pages", "free_pages",
            "page_address")
COUNT = PAGE_FIELDS["_count"]
#: struct page words that read 0 in a free or allocated order-0 page (mapping, index, lru,
#: private); _mapcount reads -1.
ZERO_WORDS = (4, 8, 20, 24, 28)


class PageRoutines:
    ROUTINES = ROUTINES

    def __init__(self, fast, pcp, memmap, normal_pages):
        self.a = None
        self.state = fast.state_va
        self.pcp = pcp.block_va
        self.memmap_va, self.first_pfn = memmap.base_va, memmap.first_pfn
        self.normal_bytes = normal_pages * STRUCT_PAGE_SIZE
        self.tag_va, self.tag_first = pcp.tag_va, pcp.tag_first_pfn
        self.high = pcp.high
        self.tag_bytes = pcp.tag_pages * STRUCT_PAGE_SIZE
        #: the struct page of the first tagged pfn
        self.tag_page = memmap.page_of(pcp.tag_first_pfn)
        assert memmap.first_pfn << PAGE_SHIFT == PHYS_OFFSET     # page_address's sum

    def emit(self, a, stub):
        """The three routines into Asm a; stub(name) is the Python service's stub."""
        self.a = a
        self._alloc(stub("__alloc_pages_nodemask"))
        self._get_free_pages(stub("__get_free_pages"))
        self._free(stub("__free_pages"))
        self._free_pages(stub("free_pages"))
        self._address(stub("page_address"))

    def _slow1(self, name, stub):
        """The slow path with r1 = 0 again (the order the routine checked)."""
        a = self.a
        a.label(name)
        a.mov("r1", 0)
        a.b(stub)

    def _check_fields(self, page, count, scratch, other, slow):
        """To slow unless the struct page at `page` reads as Python writes an order-0
        non-compound page with _count `count` (flags checked apart)."""
        a = self.a
        a.ldr(scratch, page, ZERO_WORDS[0])
        for off in ZERO_WORDS[1:]:
            a.ldr(other, page, off)
            a.orr(scratch, scratch, other, s=off == ZERO_WORDS[-1])
        a.b(slow, cond="ne")
        a.ldr(scratch, page, PAGE_FIELDS["_mapcount"])
        a.cmn(scratch, 1)
        a.b(slow, cond="ne")
        a.ldr(scratch, page, COUNT)
        a.cmp(scratch, count)
        a.b(slow, cond="ne")

    def _check_flags(self, page, pfn, scratch, slow):
        """To slow unless page->flags is just the section bits of pfn (ZONE_NORMAL is 0);
        clobbers pfn."""
        a = self.a
        a.mov(pfn, (pfn, "lsr", PFN_SECTION_SHIFT))
        a.mov(pfn, (pfn, "lsl", SECTIONS_PGSHIFT))
        a.ldr(scratch, page)
        a.cmp(scratch, pfn)
        a.b(slow, cond="ne")

    def _alloc(self, stub):
        a = self.a                                    # r0 gfp_mask, r1 order
        a.label("__alloc_pages_nodemask")
        self._alloc_body("pages_alloc", stub, stub)
        a.mov("r0", "r3")
        a.bx("lr")

    def _get_free_pages(self, stub):
        """__get_free_pages(gfp_mask, order[, size, tag]): the page's lowmem address. r2/r3
        (an SDK module's kmalloc_large() puts size and KMALLOC_SIZE_TAG there) are kept
        for the service, and a tagged request is its (the checker watches the block)."""
        a = self.a
        a.label("__get_free_pages")
        a.push(["r2", "r3"])
        a.mov32("ip", KMALLOC_SIZE_TAG)
        a.cmp("r3", "ip")
        a.b("gfp_pages_back", cond="eq")
        self._alloc_body("gfp_pages", "gfp_pages_back", "gfp_pages_back1")
        a.mov32("ip", self.memmap_va)                 # page_address of a lowmem page
        a.sub("r0", "r3", "ip")
        a.mov("r0", ("r0", "lsl", PAGE_SHIFT - 5))
        a.mov32("ip", PAGE_OFFSET)
        a.add("r0", "r0", "ip")
        a.pop(["r2", "r3"])
        a.bx("lr")
        self._slow1("gfp_pages_back1", "gfp_pages_back")
        a.label("gfp_pages_back")
        a.pop(["r2", "r3"])
        a.b(stub)

    def _alloc_body(self, prefix, slow_to, slow1_to):
        """Pop a page for gfp_mask r0, order r1 into r3 (its count, the list, its tag
        written), or go to slow_to (r0, r1 as called) or slow1_to (with r1 = 0 again)."""
        a = self.a
        slow, slow1 = f"{prefix}_slow", f"{prefix}_slow1"
        a.mov32("ip", self.state)
        a.ldr("r2", "ip", ST_OFF)
        a.orr("r2", "r2", "r1")                       # order 0 only
        a.mov32("r3", PCP_SLOW)
        a.and_("r3", "r0", "r3")
        a.orr("r2", "r2", "r3")
        a.tst("r0", gfp.WAIT)                         # might_sleep in atomic context: the
        a.ldr("r3", "ip", ST_PREEMPT, cond="ne")      # service reports it
        a.ldr("r3", "r3", cond="ne")
        a.orr("r2", "r2", "r3", cond="ne")
        a.mrs_cpsr("r3", cond="ne")
        a.and_("r3", "r3", CPSR_I, cond="ne")
        a.orr("r2", "r2", "r3", cond="ne")
        a.cmp("r2", 0)
        a.b(slow, cond="ne")
        a.mov32("ip", self.pcp)
        a.and_("r2", "r0", gfp.WAIT | gfp.HIGH)       # the watermark for these flags
        a.add("r2", "ip", ("r2", "lsr", 2))
        a.ldr("r2", "r2", P_ROOM)
        a.cmp("r2", 0)
        a.b(slow, cond="le")
        a.ldr("r2", "ip", P_CLEAN)
        a.sub("r2", "r2", 1, s=True)
        a.b(slow, cond="mi")                          # the clean half is empty
        a.add("r3", "ip", P_ARRAYS)
        a.ldr("r3", "r3", ("r2", "lsl", 2))           # the page on top
        self._check_fields("r3", 0, "r1", "ip", slow1)
        a.mov32("ip", self.memmap_va)
        a.sub("ip", "r3", "ip")
        a.mov("ip", ("ip", "lsr", 5))
        a.add("ip", "ip", self.first_pfn)
        self._check_flags("r3", "ip", "r1", slow1)
        a.mov("r1", 1)
        a.str("r1", "r3", COUNT)                      # _count = 1
        a.mov32("ip", self.pcp)
        a.str("r2", "ip", P_CLEAN)
        a.mov32("ip", self.tag_page)
        a.sub("r2", "r3", "ip")
        a.mov32("ip", self.tag_va)
        a.str("lr", "ip", ("r2", "lsr", 3))           # tag: the caller
        a.b(f"{prefix}_done")
        a.label(slow)
        a.b(slow_to)
        self._slow1(slow1, slow1_to)
        a.label(f"{prefix}_done")

    def _free(self, stub):
        a = self.a                                    # r0 page, r1 order
        a.label("__free_pages")
        self._free_body("pages_free", stub, stub)

    def _free_pages(self, stub):
        """free_pages(addr, order): __free_pages(virt_to_page(addr), order) for lowmem;
        the service gets the page's address back on its slow paths (it reads no more)."""
        a = self.a                                    # r0 addr, r1 order
        a.label("free_pages")
        a.cmp("r0", 0)
        a.bx("lr", cond="eq")                         # free_pages(0, n) does nothing
        a.mov32("ip", PAGE_OFFSET)
        a.sub("r2", "r0", "ip")
        a.mov32("ip", self.normal_bytes << (PAGE_SHIFT - 5))
        a.cmp("r2", "ip")
        a.b(stub, cond="hs")                          # not lowmem: the service reports it
        a.mov("r2", ("r2", "lsr", PAGE_SHIFT))
        a.mov32("ip", self.memmap_va)
        a.add("r0", "ip", ("r2", "lsl", 5))           # virt_to_page
        back = "free_pages_back"
        self._free_body("free_pages", back, back)
        a.label(back)                                 # r0: the page again its address
        a.mov32("ip", self.memmap_va)
        a.sub("r0", "r0", "ip")
        a.mov("r0", ("r0", "lsl", PAGE_SHIFT - 5))
        a.mov32("ip", PAGE_OFFSET)
        a.add("r0", "r0", "ip")
        a.b(stub)

    def _free_body(self, prefix, slow_to, slow1_to):
        """Free the page r0 (order r1) onto the list, or go to slow_to (r1 as called) or
        slow1_to (with r1 = 0 again) for the service."""
        a = self.a
        slow, slow1 = f"{prefix}_slow", f"{prefix}_slow1"
        a.mov32("ip", self.state)
        a.ldr("r2", "ip", ST_OFF)
        a.cmp("r2", 0)
        a.cmp("r1", 0, cond="eq")
        a.b(slow, cond="ne")
        a.mov32("r2", self.tag_page)
        a.sub("r2", "r0", "r2")                       # (pfn - tag_first) * 32
        a.mov32("r3", self.tag_bytes)
        a.cmp("r2", "r3")
        a.b(slow, cond="hs")
        a.tst("r2", STRUCT_PAGE_SIZE - 1)
        a.b(slow, cond="ne")
        a.mov32("r3", self.tag_va)
        a.ldr("r1", "r3", ("r2", "lsr", 3))
        a.cmp("r1", 1)
        a.b(slow1, cond="ls")                         # not handed out by the list
        self._check_fields("r0", 1, "r1", "r3", slow1)   # (a count above 1: Python drops it)
        a.mov("r3", ("r2", "lsr", 5))
        a.mov32("r1", self.tag_first)
        a.add("r3", "r3", "r1")
        self._check_flags("r0", "r3", "r1", slow1)
        a.mov32("ip", self.pcp)
        a.ldr("r1", "ip", P_CLEAN)
        a.ldr("r3", "ip", P_FREED)
        a.add("r1", "r1", "r3")
        a.add("r1", "r1", 1)
        a.cmp("r1", self.high)                        # (high is fixed at boot)
        a.b(slow1, cond="hs")                         # Python frees it and drains a batch
        a.mov("r1", 0)
        a.str("r1", "r0", COUNT)                      # _count = 0
        a.mov32("ip", self.tag_va)
        a.mov("r1", 1)
        a.str("r1", "ip", ("r2", "lsr", 3))           # tag: on the list
        a.mov32("ip", self.pcp)
        a.add("r1", "ip", P_ARRAYS + 4 * CAPACITY)
        a.str("r0", "r1", ("r3", "lsl", 2))           # freed[nfreed] = page
        a.add("r3", "r3", 1)
        a.str("r3", "ip", P_FREED)
        a.bx("lr")
        a.label(slow)
        a.b(slow_to)
        self._slow1(slow1, slow1_to)

    def _address(self, stub):
        a = self.a                                    # r0 page
        slow = "page_address_slow"
        a.label("page_address")
        a.mov32("ip", self.state)
        a.ldr("r2", "ip", ST_OFF)
        a.cmp("r2", 0)
        a.b(slow, cond="ne")
        a.mov32("r1", self.memmap_va)
        a.sub("r1", "r0", "r1")
        a.mov32("r2", self.normal_bytes)
        a.cmp("r1", "r2")
        a.b(slow, cond="hs")                          # HighMem (kmap) or not a struct page
        a.tst("r1", STRUCT_PAGE_SIZE - 1)
        a.b(slow, cond="ne")
        a.mov("r0", ("r1", "lsl", PAGE_SHIFT - 5))    # (pfn - first) << PAGE_SHIFT
        a.mov32("r1", PAGE_OFFSET)
        a.add("r0", "r0", "r1")
        a.bx("lr")
        a.label(slow)
        a.b(stub)
