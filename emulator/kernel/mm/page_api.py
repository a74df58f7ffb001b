"""The page allocator's exports (mm/page_alloc.c, mm/highmem.c, mm/swap.c of Linux 3.14).

alloc_pages() is the SDK's inline over __alloc_pages_nodemask (the zonelist and nodemask
are ignored: one node); the result is a `struct page *` into mem_map. Pages are not zeroed
unless __GFP_ZERO: fresh ones hold the poison byte 0x6b. A block is freed when its
reference count (`_count`, which the SDK's get_page() raises in guest memory) drops to zero;
freeing a free page, or with another order than it was allocated with, is reported as
3.14's "BUG: Bad page state". page_address is a function (HIGHMEM); virt_to_page,
pfn_to_page and page_to_pfn are the board's inlines over mem_section (mm/board_data.py), kept
here as methods for the kernel's own use.
"""

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, is_lowmem_virt, phys_to_virt, virt_to_phys
from ..hypercall import export
from .buddy import MAX_ORDER
from . import gfp
from .kasan import KASAN_FREE_PAGE, KASAN_PAGE_REDZONE
from .memmap import PG_head, describe_flags
from .slab import POISON_FREE

#: r3 of an SDK module's kmalloc_large() (linux/slab.h): r2 is the requested size.
KMALLOC_SIZE_TAG = 0x4B53495A


class PageServices:
    def __init__(self, pages, ram, env, kmap, kasan=None, pcp=None):
        """kmap: the Kmap of highmem.py (page_address of a kmapped HighMem page); kasan: the
        memory checker (Kasan) or None; pcp: ZONE_NORMAL's per-CPU page list (pcp.py)."""
        self.pcp = pcp
        self._pages, self._memmap, self._ram = pages, pages.memmap, ram
        self._printk, self._symbolize, self._caller = env.printk, env.symbolize, env.caller
        self._context, self._faults, self._current = env.atomic, env.faults, env.current
        self._ledger, self._kmap = env.ledger, kmap
        self.exact = {}                  # alloc_pages_exact va -> pages
        self._warned = set()
        self.kasan = kasan
        #: kmalloc_large() blocks of SDK modules the checker watches: head pfn -> size asked
        self.kmalloc_large = {}

    # -- the core of every allocation -----------------------------------------------------
    def allocate(self, gfp_mask, order, caller, kind="kernel", listed=False):
        """The head pfn of a fresh block for a module (checks, poison or zero, ledger);
        listed: an order-0 lowmem request may come from the per-CPU page list."""
        if gfp_mask & gfp.WAIT:
            self._context.might_sleep("page", caller)
        if order >= MAX_ORDER:
            if not gfp_mask & gfp.NOWARN and ("order", caller) not in self._warned:
                self._warned.add(("order", caller))
                _, pid = self._current()
                self._printk(4, f"WARNING: CPU: 0 PID: {pid} at mm/page_alloc.c:2580 "
                                f"__alloc_pages_slowpath()")
                self._printk(4, f"order {order} >= MAX_ORDER ({MAX_ORDER}): returning NULL")
                self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")
            return None
        if self._faults.should_fail("page", gfp_mask, caller):
            return None
        if listed and order == 0 and self.pcp is not None and not gfp_mask & gfp.HIGHMEM:
            pfn, why = self.pcp.alloc(gfp_mask, caller)
            if pfn is not None:
                if gfp_mask & gfp.ZERO:
                    self._ram.fill(pfn << PAGE_SHIFT, 0, PAGE_SIZE)
                if self._ledger is not None:
                    self.pcp.record(self._ledger, pfn, caller)
                return pfn
            if why == "watermark":
                return self._failed(gfp_mask, order, caller)
        pfn = self._pages.alloc(order, gfp_mask, kind, compound=bool(gfp_mask & gfp.COMP))
        if pfn is None:
            return self._failed(gfp_mask, order, caller)
        self._ram.fill(pfn << PAGE_SHIFT, 0 if gfp_mask & gfp.ZERO else POISON_FREE,
                       PAGE_SIZE << order)
        if self._ledger is not None:
            self._ledger.acquire("pages", pfn, caller, f"order-{order} block at pfn "
                                 f"{pfn:#x} ({1 << order} pages)")
        return pfn

    def _failed(self, gfp_mask, order, caller):
        if not gfp_mask & gfp.NOWARN:
            comm, _ = self._current()
            self._printk(4, f"{comm}: page allocation failure: order:{order}, "
                            f"mode:{gfp_mask:#x}")
            self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")
        return None

    def release(self, pfn, order, caller):
        """Give a block back (its count reached zero); reports what is wrong instead."""
        if self.pcp is not None and self.pcp.handed_out(pfn):
            if order:
                self.bad_page(pfn, f"freed as order {order}, allocated as order 0", caller)
                return False
            self.pcp.free(pfn)
            if self._ledger is not None:
                self.pcp.unrecord(self._ledger, pfn)
            return True
        problem = self._pages.free(pfn, order)
        if problem:
            self.bad_page(pfn, problem, caller)
            return False
        if self._ledger is not None:
            self._ledger.release("pages", pfn)
        if self.kmalloc_large.pop(pfn, None) is not None:     # issue 16: a late access is
            va = phys_to_virt(pfn << PAGE_SHIFT)                  # a use-after-free
            self.kasan.poison(va, PAGE_SIZE << order, KASAN_FREE_PAGE)
            self.kasan.free_info[va] = (caller, *self._current())
        return True

    def allocated(self, pfn):
        """Whether pfn heads a block (or is a listed page) that is handed out."""
        return pfn in self._pages.blocks or (self.pcp is not None and self.pcp.handed_out(pfn))

    def bad_page(self, pfn, reason, caller):
        comm, _ = self._current()
        fields = self._memmap.fields(pfn) if self._memmap.valid_pfn(pfn) else (0,) * 8
        self._printk(1, f"BUG: Bad page state in process {comm}  pfn:{pfn:05x}")
        self._printk(1, f"page:{self._memmap.page_of(pfn):08x} count:{fields[4]} "
                        f"mapcount:{fields[3] + 1} mapping:  (null) index:{fields[2]:#x}")
        self._printk(1, f"page flags: {describe_flags(fields[0])}")
        self._printk(1, f"page dumped because: {reason}")
        self._printk(1, f"[<{caller:08x}>] ({self._symbolize(caller)})")

    def put(self, pfn, order, caller):
        """put_page_testzero: drop a reference; free the block at zero."""
        if not self._memmap.valid_pfn(pfn):
            self.bad_page(pfn, "not a page frame of this board", caller)
            return
        count = self._memmap.count(pfn)
        if count <= 0:
            self.bad_page(pfn, "page is already free" if self._pages.blocks.get(pfn) is None
                          else "page reference count underflow", caller)
            return
        if count > 1:
            self._memmap.set_count(pfn, count - 1)
            return
        self.release(pfn, order, caller)

    def compound_order(self, va):
        """The order of the compound block whose head page is at lowmem address va (SLUB's
        kfree/ksize of a kmalloc_large() block: __get_free_pages with __GFP_COMP), else
        None."""
        if va & (PAGE_SIZE - 1) or not is_lowmem_virt(va):
            return None
        pfn = virt_to_phys(va) >> PAGE_SHIFT
        block = self._pages.blocks.get(pfn)
        if block is None or not self._memmap.flags(pfn) & (1 << PG_head):
            return None
        return block.order

    def _pfn(self, page, caller):
        pfn = self._memmap.pfn_of(page)
        if pfn is None:
            self._printk(1, f"BUG: {page:#010x} is not a struct page (called from "
                            f"{self._symbolize(caller)})")
        return pfn

    def address(self, pfn):
        if pfn is None:
            return 0
        pa = pfn << PAGE_SHIFT
        zone = self._pages.zone_of(pfn)
        if zone is not None and zone is self._pages.highmem:
            return self._kmap.address_of(pfn)
        return phys_to_virt(pa)

    # -- exports --------------------------------------------------------------------------
    @export("__alloc_pages_nodemask")
    def alloc_pages_nodemask(self, gfp_mask, order, zonelist, nodemask):
        pfn = self.allocate(gfp_mask, order, self._caller(), listed=True)
        return 0 if pfn is None else self._memmap.page_of(pfn)

    @export("__get_free_pages")
    def get_free_pages(self, gfp_mask, order, size_hint=0, tag=0):
        """size_hint/tag: r2/r3, which the board's two-argument function ignores; an SDK
        module's kmalloc_large() puts the requested size there, tagged KMALLOC_SIZE_TAG: the
        memory checker then watches the block as Linux's KASAN does a large kmalloc."""
        caller = self._caller()
        large = (self.kasan is not None and tag == KMALLOC_SIZE_TAG and gfp_mask & gfp.COMP
                 and 0 < size_hint <= PAGE_SIZE << min(order, MAX_ORDER))
        pfn = self.allocate(gfp_mask & ~gfp.HIGHMEM, order, caller,
                            "kmalloc" if large else "kernel", listed=not large)
        if pfn is None:
            return 0
        va = phys_to_virt(pfn << PAGE_SHIFT)
        if large:                                   # issue 16: kasan_kmalloc_large
            self.kmalloc_large[pfn] = size_hint
            self.kasan.poison(va, PAGE_SIZE << order, KASAN_PAGE_REDZONE)
            self.kasan.unpoison(va, size_hint)
            self.kasan.alloc_info[va] = (caller, *self._current(), size_hint)
            self.kasan.free_info.pop(va, None)
        return va

    def large_block(self, va):
        """(start, requested size) of the watched kmalloc_large() block holding va, or None
        (the memory checker's report names it)."""
        for pfn, size in self.kmalloc_large.items():
            start = phys_to_virt(pfn << PAGE_SHIFT)
            if start <= va < start + (PAGE_SIZE << self._pages.blocks[pfn].order):
                return start, size
        return None

    @export()
    def get_zeroed_page(self, gfp_mask):
        return self.get_free_pages(gfp_mask | gfp.ZERO, 0)

    @export("__free_pages")
    def free_pages_page(self, page, order):
        caller = self._caller()
        pfn = self._pfn(page, caller)
        if pfn is not None:
            self.put(pfn, order, caller)

    @export()
    def free_pages(self, addr, order):
        if addr == 0:
            return
        caller = self._caller()
        if not is_lowmem_virt(addr):
            self._printk(1, f"BUG: free_pages({addr:#010x}): not a lowmem address "
                            f"(virt_addr_valid), called from {self._symbolize(caller)}")
            return
        self.put(virt_to_phys(addr) >> PAGE_SHIFT, order, caller)

    @export()
    def put_page(self, page):
        caller = self._caller()
        pfn = self._pfn(page, caller)
        if pfn is None:
            return
        block = self._pages.blocks.get(pfn)
        self.put(pfn, block.order if block else 0, caller)

    @export()
    def alloc_pages_exact(self, size, gfp_mask):
        caller = self._caller()
        npages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT
        order = max(0, (npages - 1).bit_length())
        pfn = self.allocate(gfp_mask & ~gfp.HIGHMEM, order, caller)
        if pfn is None:
            return 0
        if self._ledger is not None:
            self._ledger.release("pages", pfn)
        self._pages.split(pfn)
        for extra in range(pfn + npages, pfn + (1 << order)):
            self._pages.free(extra, 0)
        va = phys_to_virt(pfn << PAGE_SHIFT)
        self.exact[va] = npages
        if self._ledger is not None:
            self._ledger.acquire("pages", pfn, caller, f"alloc_pages_exact({size}) at "
                                 f"{va:#010x} ({npages} pages)")
        return va

    @export()
    def free_pages_exact(self, va, size):
        caller = self._caller()
        npages = self.exact.pop(va, None)
        if npages is None:
            self._printk(1, f"BUG: free_pages_exact({va:#010x}, {size}): not from "
                            f"alloc_pages_exact (called from {self._symbolize(caller)})")
            return
        pfn = virt_to_phys(va) >> PAGE_SHIFT
        for p in range(pfn, pfn + npages):
            self._pages.free(p, 0)
        if self._ledger is not None:
            self._ledger.release("pages", pfn)

    @export()
    def page_address(self, page):
        return self.address(self._memmap.pfn_of(page))

    def virt_to_page(self, addr):
        """(Inline on the board: SPARSEMEM's pfn_to_page(__pa(addr) >> PAGE_SHIFT).)"""
        if not is_lowmem_virt(addr):
            return 0
        return self._memmap.page_of(virt_to_phys(addr) >> PAGE_SHIFT)

    def pfn_to_page(self, pfn):
        return self._memmap.page_of(pfn) if self._memmap.valid_pfn(pfn) else 0

    def page_to_pfn(self, page):
        pfn = self._memmap.pfn_of(page)
        return 0 if pfn is None else pfn
