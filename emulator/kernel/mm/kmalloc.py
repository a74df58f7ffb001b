"""The kmalloc family over the slab caches (mm/slub.c, mm/slab_common.c, mm/util.c, 3.14).

SLUB's ARM size classes (64-byte L1, so no 8/16/32/96): kmalloc-64 ... kmalloc-8192,
including 192. Larger requests take pages straight from the page allocator up to
KMALLOC_MAX_SIZE (4 MiB, the largest buddy block); beyond it kmalloc returns NULL with a
WARN. kmalloc does not zero: fresh slabs hold the poison byte 0x6b and reused objects what
their last user left; kzalloc/__GFP_ZERO zero. Kernel code of the emulator itself (struct
file, inode, cdev) uses `alloc`/`free`; modules reach the exports, mostly through the ARM
fast path (fastpath.py) which calls these only when it cannot serve a request itself.
"""

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, phys_to_virt, virt_to_phys
from ..hypercall import export
from ..panic import TAINT_OOT_MODULE, print_tainted
from . import gfp
from .gfp import GFP_KERNEL, GFP_SLAB_BUG_MASK, describe
from .kasan import KASAN_FREE_PAGE, KASAN_KMALLOC_REDZONE, KASAN_PAGE_REDZONE, redzone
from .slab import POISON_FREE

KMALLOC_SIZES = (64, 128, 192, 256, 512, 1024, 2048, 4096, 8192)
KMALLOC_MAX_CACHE_SIZE = 8192
KMALLOC_MAX_SIZE = 4 << 20
ARCH_KMALLOC_MINALIGN = 64
ZERO_SIZE_PTR = 16
GFP_ZERO = gfp.ZERO
GFP_NOWARN = gfp.NOWARN


def size_class(size):
    for cls in KMALLOC_SIZES:
        if size <= cls:
            return cls
    return None


def get_order(size):
    return max(0, ((size - 1) >> PAGE_SHIFT).bit_length())


def size_index_table(cache_indices):
    """The fast path's table: kmalloc cache index for (size - 1) >> 6, size 1..8192."""
    by_class = dict(zip(KMALLOC_SIZES, cache_indices))
    return [by_class[size_class(i * 64 + 1)] for i in range(KMALLOC_MAX_CACHE_SIZE // 64)]


class Kmalloc:
    def __init__(self, objects, pages, ram, vm, env, pages_api=None):
        """pages_api: PageServices: a kmalloc_large() block is __get_free_pages with
        __GFP_COMP from the board's inline kmalloc; kfree/ksize take it as SLUB does."""
        self._objects, self._slab, self._pages = objects, objects.slab, pages
        self._ram, self._vm, self._printk, self._symbolize = ram, vm, env.printk, env.symbolize
        self._caller, self._context, self._faults = env.caller, env.atomic, env.faults
        self._current = env.current
        self._kasan, self._ledger = objects.kasan, objects.ledger
        rz = redzone if self._kasan is not None else (lambda size: 0)
        # Power-of-two sizes are naturally aligned (kmalloc(PAGE_SIZE) is a page), also
        # with the checker's redzones, as Linux guarantees since 5.4.
        self.caches = [self._slab.new_cache(f"kmalloc-{n}", n,
                                            n if n & (n - 1) == 0 else ARCH_KMALLOC_MINALIGN,
                                            0, 0, redzone=rz(n), kind="kmalloc")
                       for n in KMALLOC_SIZES]
        self.large = {}            # va -> (size, pfn, npages)
        self.freed_large = {}      # recently freed large blocks, for reports
        self._warned = set()
        self.pages_api = pages_api

    def cache_for(self, size):
        return self.caches[KMALLOC_SIZES.index(size_class(size))]

    # -- kernel-internal API --------------------------------------------------------------
    def alloc(self, size, zero=False, caller=None, gfp_mask=GFP_KERNEL):
        """A kmalloc'd block (0 on failure, ZERO_SIZE_PTR for size 0); caller: the guest
        return address to charge it to (None: the kernel itself)."""
        if size == 0:
            return ZERO_SIZE_PTR
        if size > KMALLOC_MAX_SIZE:
            return 0
        caller = caller or 0
        if size > KMALLOC_MAX_CACHE_SIZE:
            return self._alloc_large(size, zero, caller, gfp_mask)
        obj = self._objects.alloc(self.cache_for(size), gfp_mask, size, caller, zero)
        return obj or 0

    def _alloc_large(self, size, zero, caller, gfp_mask):
        npages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT
        pfn = self._pages.alloc_exact(npages, gfp_mask, "kmalloc")
        if pfn is None:
            return 0
        va = phys_to_virt(pfn << PAGE_SHIFT)
        self._ram.fill(pfn << PAGE_SHIFT, 0 if zero else POISON_FREE, npages * PAGE_SIZE)
        self.large[va] = (size, pfn, npages)
        self.freed_large.pop(va, None)
        if self._kasan is not None:
            self._kasan.poison(va, npages * PAGE_SIZE, KASAN_PAGE_REDZONE)
            self._kasan.unpoison(va, size)
            self._kasan.alloc_info[va] = (caller, *self._current(), size)
        if self._ledger is not None:
            self._ledger.acquire("kmalloc", va, caller, f"{size} bytes at {va:#010x}")
        return va

    def free(self, va, caller=0):
        """False when va is not a live kmalloc block (the caller reports it)."""
        if va <= ZERO_SIZE_PTR:
            return True
        if va in self.large:
            self._free_large(va, caller)
            return True
        status, cache, obj = self._objects.classify(va)
        if status != "ok":
            return False
        self._objects.free(cache, obj, caller)
        return True

    def _free_large(self, va, caller):
        size, pfn, npages = self.large.pop(va)
        for p in range(pfn, pfn + npages):
            self._pages.free(p, 0)
        self.freed_large[va] = (size, pfn, npages)
        if len(self.freed_large) > 64:
            self.freed_large.pop(next(iter(self.freed_large)))
        if self._kasan is not None:
            self._kasan.poison(va, npages * PAGE_SIZE, KASAN_FREE_PAGE)
            self._kasan.free_info[va] = (caller, *self._current())
        if self._ledger is not None:
            self._ledger.release("kmalloc", va)

    def usable_size(self, va):
        if va in self.large:
            return self.large[va][2] * PAGE_SIZE
        found = self._slab.find(va)
        if found is None or found[2] != va or va not in found[0].out:
            return 0
        return found[0].object_size

    def describe(self, va):
        """The block holding va for a memory-checker report (see Kasan), or None."""
        # A live block first, then a slab object; a freed large block's record last: its
        # pages may since belong to a slab, whose object is the one to name.
        for start, (size, _, npages) in self.large.items():
            if start <= va < start + npages * PAGE_SIZE:
                return self._info(start, size, None)
        found = self._slab.find(va)
        block = self.pages_api.large_block(va) if self.pages_api is not None else None
        if block is not None:                   # issue 16: an SDK module's kmalloc_large()
            return self._info(*block, None)
        if found is None or found[2] is None:
            for start, (size, _, npages) in self.freed_large.items():
                if start <= va < start + npages * PAGE_SIZE:
                    return self._info(start, size, None)
            return None
        cache, _, obj = found
        alloc = self._kasan.alloc_info.get(obj) if self._kasan is not None else None
        size = alloc[3] if alloc is not None and len(alloc) > 3 else cache.object_size
        return self._info(obj, size, f"{cache.name} of size {cache.object_size}")

    def _info(self, start, size, cache):
        kasan = self._kasan
        return {"start": start, "size": size, "cache": cache,
                "alloc": kasan.alloc_info.get(start) if kasan else None,
                "free": kasan.free_info.get(start) if kasan else None}

    # -- reports --------------------------------------------------------------------------
    def report_bad_free(self, status, va, caller, cache=None, obj=None, what="kfree"):
        if self._kasan is not None:
            kind = "double-free" if status == "double" else "invalid-free"
            info = self.describe(obj) if obj is not None else None
            self._kasan.report_free(kind, va, caller, info)
            return
        if status == "double":
            self._printk(3, f"BUG {cache.name} ({print_tainted(1 << TAINT_OOT_MODULE)}): Object already free")
            self._printk(3, f"INFO: Object {obj:#010x} freed again by "
                            f"{self._symbolize(caller)}")
        else:
            self._printk(3, f"BUG: {what}() of invalid pointer {va:08x} at "
                            f"{self._symbolize(caller)}")

    def _warn_once(self, key, lines):
        if key in self._warned:
            return
        self._warned.add(key)
        comm, pid = self._current()
        self._printk(4, f"WARNING: CPU: 0 PID: {pid} at {lines[0]}")
        for line in lines[1:]:
            self._printk(4, line)

    def allocation_failed(self, gfp_mask, order, caller):
        """warn_alloc_failed: '<comm>: page allocation failure: order:N, mode:0x...'."""
        if gfp_mask & gfp.NOWARN:
            return
        comm, _ = self._current()
        self._printk(4, f"{comm}: page allocation failure: order:{order}, mode:{gfp_mask:#x} "
                        f"({describe(gfp_mask)})")
        self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")

    # -- exports --------------------------------------------------------------------------
    def _checked_alloc(self, size, flags, caller):
        """__kmalloc's policy around alloc: context, size limit, failure injection."""
        if flags & gfp.WAIT:
            self._context.might_sleep("slab", caller)
        if flags & GFP_SLAB_BUG_MASK:
            self._warn_once(("bugmask", caller), [
                "mm/slub.c:1350 new_slab()",
                f"kmalloc with {describe(flags & GFP_SLAB_BUG_MASK)}: slab memory is never "
                f"HighMem (Linux: kernel BUG); the flag is ignored",
                f"[<{caller:08x}>] ({self._symbolize(caller)})"])
            flags &= ~GFP_SLAB_BUG_MASK
        if size > KMALLOC_MAX_SIZE:
            if not flags & gfp.NOWARN:
                self._warn_once(("max", caller), [
                    "mm/page_alloc.c:2580 __alloc_pages_slowpath()",
                    f"kmalloc of {size} bytes exceeds KMALLOC_MAX_SIZE ({KMALLOC_MAX_SIZE}): "
                    f"returning NULL",
                    f"[<{caller:08x}>] ({self._symbolize(caller)})"])
            return 0
        if size and self._faults.should_fail("kmalloc", flags, caller):
            return 0
        va = self.alloc(size, bool(flags & gfp.ZERO), caller, flags)
        if va == 0:
            order = get_order(size) if size > KMALLOC_MAX_CACHE_SIZE else \
                self.cache_for(size).order
            self.allocation_failed(flags, order, caller)
        return va

    @export("__kmalloc")
    def kmalloc(self, size, flags):
        return self._checked_alloc(size, flags, self._caller())

    def _compound_order(self, va):
        return self.pages_api.compound_order(va) if self.pages_api is not None else None

    @export("kfree")
    def kfree(self, va):
        caller = self._caller()
        if va <= ZERO_SIZE_PTR or va in self.large:
            self.free(va, caller)
            return
        status, cache, obj = self._objects.classify(va)
        if status == "ok":
            self._objects.free(cache, obj, caller)
            return
        order = self._compound_order(va) if cache is None else None
        if order is not None:               # !PageSlab: __free_kmem_pages(page, order)
            self.pages_api.put(virt_to_phys(va) >> PAGE_SHIFT, order, caller)
        else:
            self.report_bad_free(status, va, caller, cache, obj)

    @export("ksize")
    def ksize(self, va):
        order = self._compound_order(va) if va not in self.large else None
        if order is not None and self._slab.find(va) is None:
            if self._kasan is not None:             # the caller may use all of it now
                self._kasan.unpoison(va, PAGE_SIZE << order)
            return PAGE_SIZE << order
        size = self.usable_size(va)
        if size and self._kasan is not None and va not in self.large:
            self._kasan.unpoison(va, size)          # the caller may use all of it now
        return size

    @export("krealloc")
    def krealloc(self, va, new_size, flags):
        """__krealloc + kfree: grow into a new block (old contents copied) when needed."""
        caller = self._caller()
        if new_size == 0:
            self.kfree(va)
            return ZERO_SIZE_PTR
        old = self.usable_size(va) if va > ZERO_SIZE_PTR else 0
        if va > ZERO_SIZE_PTR and not old:
            status, cache, obj = self._objects.classify(va)
            self.report_bad_free(status, va, caller, cache, obj, what="krealloc")
            return 0
        if old >= new_size:
            if self._kasan is not None:
                self._kasan_resize(va, old, new_size)
            return va
        new = self._checked_alloc(new_size, flags, caller)
        if new and old:
            self._ram.write(virt_to_phys(new), self._ram.read(virt_to_phys(va), old))
            self.free(va, caller)
        return new

    def _kasan_resize(self, va, old, new_size):
        """kasan_krealloc: exactly new_size bytes accessible, the rest of the block redzone
        again (a shrunk tail is re-poisoned, a large block grown in place unpoisoned)."""
        kasan = self._kasan
        if va in self.large:
            _, pfn, npages = self.large[va]
            self.large[va] = (new_size, pfn, npages)
            kasan.poison(va, npages * PAGE_SIZE, KASAN_PAGE_REDZONE)
        else:
            kasan.poison(va, old, KASAN_KMALLOC_REDZONE)
        kasan.unpoison(va, new_size)
        info = kasan.alloc_info.get(va)
        if info is not None:
            kasan.alloc_info[va] = info[:3] + (new_size,)

    @export("kstrdup")
    def kstrdup(self, s, gfp_mask):
        if not s:
            return 0
        data = self._vm.read_cstr(s, 1 << 20) + b"\0"
        va = self._checked_alloc(len(data), gfp_mask, self._caller())
        if va:
            self._ram.write(virt_to_phys(va), data)
        return va

    @export("kmemdup")
    def kmemdup(self, src, length, gfp_mask):
        va = self._checked_alloc(length, gfp_mask, self._caller())
        if va and length:
            self._ram.write(virt_to_phys(va), self._vm.read(src, length))
        return va
