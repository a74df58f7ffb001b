"""Slab caches: objects of one size carved from buddy blocks (mm/slub.c, mm/slab_common.c).

Sizing follows SLUB: calculate_alignment (SLAB_HWCACHE_ALIGN: the 64-byte L1 line, halved
while the object fits in half), and calculate_order (at least 4 * (fls(nr_cpus) + 1) = 16
objects a slab, at most order 3, little waste). Slabs come from the slab window of
ZONE_NORMAL; a constructor runs in guest code once for each object of a new slab, as SLUB's
setup_object does. Objects are handed out lowest address first and reused last freed first.

Each cache also has a per-CPU object cache in guest memory, SLAB's `struct array_cache`
(avail, limit, batchcount): the fast path of kmalloc/kfree (fastpath.py) pops and pushes it
in ARM code and calls the kernel only when it is empty or full. Python knows which objects it
has handed out (`out`); the ones back in the array cache are read from guest memory when the
counts matter.
"""

import struct
from dataclasses import dataclass, field

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, phys_to_virt, virt_to_phys
from .buddy import MAX_ORDER

# include/linux/slab.h (3.14)
SLAB_DEBUG_FREE = 0x00000100
SLAB_RED_ZONE = 0x00000400
SLAB_POISON = 0x00000800
SLAB_HWCACHE_ALIGN = 0x00002000
SLAB_CACHE_DMA = 0x00004000
SLAB_STORE_USER = 0x00010000
SLAB_PANIC = 0x00040000
SLAB_DESTROY_BY_RCU = 0x00080000
SLAB_RECLAIM_ACCOUNT = 0x00020000
SLAB_NOTRACK = 0x01000000

L1_CACHE_BYTES = 64
ARCH_SLAB_MINALIGN = 8
NR_CPUS = 4
SLUB_MAX_ORDER = 3                     # PAGE_ALLOC_COSTLY_ORDER
MIN_PARTIAL = 5
POISON_FREE = 0x6B
AC_HEADER = 64                         # struct kmem_cache (emulator layout) before entry[]
FAST_MIN_STRIDE = 64                   # one allocation track per 64 bytes of the window

#: struct kmem_cache as the fast path reads it (emulator layout), with SLUB's `size` and
#: `object_size` where the board's struct has them (abi.KMEM_CACHE): the board's
#: kmem_cache_size() is an inline that reads object_size.
CACHE_FIELDS = {"avail": 0, "limit": 4, "batchcount": 8, "size": 12, "object_size": 16,
                "touched": 20, "index": 24, "div_shift": 28, "div_inv": 32, "objects": 36,
                "slab_mask": 40, "kmalloc": 44}
_CACHE_HEAD = struct.Struct("<12I")


def calculate_alignment(flags, align, size):
    if flags & SLAB_HWCACHE_ALIGN:
        ralign = L1_CACHE_BYTES
        while size <= ralign // 2:
            ralign //= 2
        align = max(align, ralign)
    align = max(align, ARCH_SLAB_MINALIGN)
    return (align + 3) & ~3


def _slab_order(size, min_objects, max_order, fract_leftover):
    order = max(0, (min_objects * size - 1).bit_length() - PAGE_SHIFT)
    while order <= max_order:
        slab_size = PAGE_SIZE << order
        if slab_size >= min_objects * size and slab_size % size <= slab_size // fract_leftover:
            break
        order += 1
    return order


def calculate_order(size):
    """SLUB's calculate_order for nr_cpu_ids = 4 (slub_min_objects 16)."""
    min_objects = min(4 * (NR_CPUS.bit_length() + 1), (PAGE_SIZE << SLUB_MAX_ORDER) // size)
    while min_objects > 1:
        fraction = 16
        while fraction >= 4:
            order = _slab_order(size, min_objects, SLUB_MAX_ORDER, fraction)
            if order <= SLUB_MAX_ORDER:
                return order
            fraction //= 2
        min_objects -= 1
    for max_order in (SLUB_MAX_ORDER, MAX_ORDER - 1):
        order = _slab_order(size, 1, max_order, 1)
        if order <= max_order:
            return order
    return None


def tunables(size):
    """enable_cpucache's limit for an object size (mm/slab.c); batchcount is half of it."""
    limit = next(lim for bound, lim in ((131072, 1), (PAGE_SIZE, 8), (1024, 24), (256, 54),
                                        (0, 120)) if size > bound)
    return limit, (limit + 1) // 2


def divisibility(stride):
    """(k, m^-1 mod 2^32) for stride = m * 2^k, m odd: the fast path's exact-division test
    (ror(off * m^-1, k) is off / stride when stride divides off, huge otherwise)."""
    shift = (stride & -stride).bit_length() - 1
    odd = stride >> shift
    return shift, pow(odd, -1, 1 << 32)


@dataclass(eq=False)
class Slab:
    """One slab: its pages and its free objects."""
    base: int                      # virtual address of the first object
    pfn: int
    order: int
    free: dict                     # object va -> None, LIFO (popitem gives the next one)
    objects: int

    @property
    def inuse(self):
        return self.objects - len(self.free)


@dataclass(eq=False)
class KmemCache:
    """A slab cache (struct kmem_cache): object size, alignment, slabs."""
    name: str
    object_size: int               # what the creator asked for
    size: int                      # the stride: object plus alignment (plus redzone)
    align: int
    flags: int
    ctor: int
    order: int
    objects: int                   # per slab
    va: int = 0                    # guest struct kmem_cache
    index: int = 0                 # page-table index for the fast path (0: none)
    limit: int = 0
    batchcount: int = 0
    kind: str = "slab"             # "kmalloc" for the kmalloc caches
    creator: int = 0               # caller of kmem_cache_create
    slabs: dict = field(default_factory=dict)      # base va -> Slab
    partial: dict = field(default_factory=dict)    # base va -> Slab with free objects
    out: set = field(default_factory=set)          # objects not on a slab freelist

    @property
    def slab_bytes(self):
        return PAGE_SIZE << self.order


class SlabAllocator:
    """Caches, their slabs and objects; no policy about who may free what (callers check)."""

    def __init__(self, ram, pages, call_guest, set_page_index=None):
        """pages: PageAllocator; call_guest(fn, args) runs a constructor;
        set_page_index(pfn, npages, cache index): the fast path's page table (or None)."""
        self._ram, self._pages, self._call = ram, pages, call_guest
        self._set_page_index = set_page_index
        self.caches = []
        self.by_pfn = {}            # pfn of every slab page -> (cache, Slab)
        self.on_new_slab = []       # callables(cache, slab): KASAN poisons it
        self.on_slab_freed = []     # callables(cache, slab)
        self.before_ctor = []       # callables(cache, obj) around a constructor call
        self.after_ctor = []

    # -- caches ---------------------------------------------------------------------------
    def new_cache(self, name, object_size, align, flags, ctor, redzone=0, kind="slab"):
        align = calculate_alignment(flags, align, object_size)
        size = (object_size + redzone + 3) & ~3
        size = (size + align - 1) // align * align
        order = calculate_order(size)
        if order is None:
            return None
        limit, batch = tunables(size) if size >= FAST_MIN_STRIDE else (0, 0)
        cache = KmemCache(name, object_size, size, align, flags, ctor, order,
                          (PAGE_SIZE << order) // size, limit=limit, batchcount=batch, kind=kind)
        self.caches.append(cache)
        return cache

    def block_size(self, cache):
        """Bytes of the guest struct kmem_cache of cache (header + array cache entries)."""
        return AC_HEADER + 4 * cache.limit

    def write_header(self, cache):
        shift, inv = divisibility(cache.size)
        self._ram.write(virt_to_phys(cache.va), _CACHE_HEAD.pack(
            0, cache.limit, cache.batchcount, cache.size, cache.object_size, 0, cache.index,
            shift, inv, cache.objects, cache.slab_bytes - 1, int(cache.kind == "kmalloc")))

    def remove_cache(self, cache):
        """Free every slab (all objects must be free) and forget the cache."""
        for slab in list(cache.slabs.values()):
            self._discard(cache, slab)
        self.caches.remove(cache)

    # -- objects --------------------------------------------------------------------------
    def alloc(self, cache, gfp_mask):
        """An object from a partial slab, growing the cache when none has room; None if the
        page allocator cannot give a slab."""
        slab = next(reversed(cache.partial.values()), None) if cache.partial else None
        if slab is None:
            slab = self._grow(cache, gfp_mask)
            if slab is None:
                return None
        obj, _ = slab.free.popitem()
        if not slab.free:
            del cache.partial[slab.base]
        cache.out.add(obj)
        return obj

    def release(self, cache, obj):
        """Put an object back on its slab; discard the slab when it is empty and the cache
        already keeps enough partial slabs."""
        cache.out.discard(obj)
        _, slab = self.by_pfn[virt_to_phys(obj) >> PAGE_SHIFT]
        slab.free[obj] = None
        cache.partial[slab.base] = slab
        if slab.inuse == 0 and len(cache.partial) > MIN_PARTIAL:
            self._discard(cache, slab)

    def shrink(self, cache):
        """kmem_cache_shrink: give back every empty slab."""
        for slab in [s for s in cache.slabs.values() if s.inuse == 0]:
            self._discard(cache, slab)

    def _grow(self, cache, gfp_mask):
        pfn = self._pages.alloc(cache.order, gfp_mask & ~0x8000, "slab")
        if pfn is None:
            return None
        pa = pfn << PAGE_SHIFT
        self._ram.fill(pa, POISON_FREE, cache.slab_bytes)
        base = phys_to_virt(pa)
        objs = [base + i * cache.size for i in range(cache.objects)]
        slab = Slab(base, pfn, cache.order, dict.fromkeys(reversed(objs)), cache.objects)
        cache.slabs[base] = slab
        cache.partial[base] = slab
        for p in range(pfn, pfn + (1 << cache.order)):
            self.by_pfn[p] = (cache, slab)
        if self._set_page_index is not None:
            self._set_page_index(pfn, 1 << cache.order, cache.index)
        for hook in self.on_new_slab:
            hook(cache, slab)
        if cache.ctor:
            for obj in objs:
                for hook in self.before_ctor:
                    hook(cache, obj)
                self._call(cache.ctor, (obj,))
                for hook in self.after_ctor:
                    hook(cache, obj)
        return slab

    def _discard(self, cache, slab):
        del cache.slabs[slab.base]
        cache.partial.pop(slab.base, None)
        for p in range(slab.pfn, slab.pfn + (1 << slab.order)):
            del self.by_pfn[p]
        if self._set_page_index is not None:
            self._set_page_index(slab.pfn, 1 << slab.order, 0)
        for hook in self.on_slab_freed:
            hook(cache, slab)
        self._pages.free(slab.pfn, slab.order)

    # -- lookups --------------------------------------------------------------------------
    def find(self, va):
        """(cache, slab, object start) of a slab address, or None."""
        entry = self.by_pfn.get(virt_to_phys(va) >> PAGE_SHIFT) if va >= 0xC0000000 else None
        if entry is None:
            return None
        cache, slab = entry
        index = (va - slab.base) // cache.size
        if index >= slab.objects:
            return cache, slab, None            # the tail a slab cannot use
        return cache, slab, slab.base + index * cache.size

    def is_free(self, cache, obj):
        _, slab = self.by_pfn[virt_to_phys(obj) >> PAGE_SHIFT]
        return obj in slab.free

    def stats(self, cache, cached=0):
        """(active_objs, num_objs, active_slabs, num_slabs); cached: objects sitting in the
        per-CPU array cache, which count as free."""
        num_slabs = len(cache.slabs)
        active_slabs = sum(1 for s in cache.slabs.values() if s.inuse)
        return len(cache.out) - cached, num_slabs * cache.objects, active_slabs, num_slabs
