"""kmalloc/kfree over the simulated RAM: SLUB's ARM size classes carved from page frames.

A simple but honest allocator for the foundation (the buddy/slab model of the memory issue
replaces it): objects come from per-class free lists filled a page at a time, larger requests
take contiguous frames, everything is returned in the lowmem linear map. Like Linux, kmalloc
does not zero: fresh pages hold the poison byte 0x6b, so uninitialised reads show.
"""

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, phys_to_virt, virt_to_phys
from ..hypercall import export

KMALLOC_SIZES = (64, 128, 192, 256, 512, 1024, 2048, 4096, 8192)
KMALLOC_MAX_SIZE = 4 << 20
GFP_ZERO = 0x8000          # __GFP_ZERO
GFP_NOWARN = 0x200         # __GFP_NOWARN
POISON_FREE = 0x6B


def size_class(size):
    for cls in KMALLOC_SIZES:
        if size <= cls:
            return cls
    return None


class Kmalloc:
    def __init__(self, ram, frames, ledger, kernel_printk, caller):
        """caller() -> the guest return address of the current service call (for the ledger)."""
        self._ram, self._frames, self._ledger = ram, frames, ledger
        self._printk, self._caller = kernel_printk, caller
        self._free = {cls: [] for cls in KMALLOC_SIZES}
        self._live = {}            # va -> (requested size, class size or None, pfn, npages)
        self.allocations = 0

    # -- kernel-internal API --------------------------------------------------------------
    def alloc(self, size, zero=False, caller=None):
        if size == 0:
            return 16                                   # ZERO_SIZE_PTR
        if size > KMALLOC_MAX_SIZE:
            return 0
        cls = size_class(size)
        if cls is None:
            npages = (size + PAGE_SIZE - 1) // PAGE_SIZE
            pfn = self._frames.alloc(npages)
            if pfn is None:
                return 0
            va = phys_to_virt(pfn << PAGE_SHIFT)
            self._ram.fill(pfn << PAGE_SHIFT, POISON_FREE, npages * PAGE_SIZE)
            self._live[va] = (size, None, pfn, npages)
        else:
            free = self._free[cls]
            if not free and not self._grow(cls):
                return 0
            va = free.pop()
            self._live[va] = (size, cls, None, 0)
        if zero:
            self._ram.write(virt_to_phys(va), bytes(size))
        self.allocations += 1
        self._ledger.acquire("kmalloc", va, caller, f"{size} bytes at {va:#010x}")
        return va

    def _grow(self, cls):
        npages = max(1, cls // PAGE_SIZE)
        pfn = self._frames.alloc(npages)
        if pfn is None:
            return False
        pa = pfn << PAGE_SHIFT
        self._ram.fill(pa, POISON_FREE, npages * PAGE_SIZE)
        base = phys_to_virt(pa)
        objs = range(base, base + npages * PAGE_SIZE - cls + 1, cls)
        self._free[cls].extend(reversed(objs))
        return True

    def free(self, va):
        """Returns False when va was not allocated here (the caller reports it)."""
        if va == 0 or va == 16:
            return True
        entry = self._live.pop(va, None)
        if entry is None:
            return False
        _, cls, pfn, npages = entry
        if cls is None:
            self._frames.free(pfn, npages)
        else:
            self._free[cls].append(va)
        self._ledger.release("kmalloc", va)
        return True

    def usable_size(self, va):
        entry = self._live.get(va)
        if entry is None:
            return 0
        size, cls, _, npages = entry
        return cls if cls is not None else npages * PAGE_SIZE

    # -- exports --------------------------------------------------------------------------
    @export("__kmalloc")
    def kmalloc(self, size, flags):
        va = self.alloc(size, zero=bool(flags & GFP_ZERO), caller=self._caller())
        if va == 0 and size > KMALLOC_MAX_SIZE and not flags & GFP_NOWARN:
            self._printk(4, f"WARNING: kmalloc of {size} bytes exceeds KMALLOC_MAX_SIZE "
                            f"({KMALLOC_MAX_SIZE}): returning NULL")
        return va

    @export("kfree")
    def kfree(self, va):
        if not self.free(va):
            self._printk(3, f"BUG: kfree() of invalid pointer {va:08x}")

    @export("ksize")
    def ksize(self, va):
        return self.usable_size(va)
