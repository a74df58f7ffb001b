"""kmem_cache_create/destroy/alloc/free/shrink/size: slab caches for modules (mm/slab_common.c,
mm/slub.c of Linux 3.14).

A module gets a real `struct kmem_cache *` (the emulator's layout, see slab.py: the fast path
reads it). kmem_cache_destroy of a cache that still has objects is refused the way 3.14's SLUB
refuses it: a "BUG <cache>: Objects remaining" report naming each object, then
"kmem_cache_destroy <name>: Slab cache still has objects"; the cache stays.
"""

from ..hypercall import export
from ..panic import TAINT_OOT_MODULE, print_tainted
from .fastpath import MAX_CACHES
from . import gfp
from .kasan import redzone
from .kmalloc import KMALLOC_MAX_SIZE
from .slab import SLAB_DESTROY_BY_RCU, SLAB_PANIC

RULE = "=" * 77
#: r3 of an SDK module's constant-size kmalloc (linux/slab.h): r2 is the requested size.
KMALLOC_SIZE_TAG = 0x4B53495A
THIN = "-" * 77


class SlabCaches:
    def __init__(self, objects, kmalloc, vm, env, fast):
        self._objects, self._slab, self._kmalloc = objects, objects.slab, kmalloc
        self._vm, self._printk, self._symbolize = vm, env.printk, env.symbolize
        self._caller, self._context, self._faults = env.caller, env.atomic, env.faults
        self._current = env.current
        self._fast, self._ledger, self._kasan = fast, objects.ledger, objects.kasan
        self.by_va = {}                 # struct kmem_cache * -> KmemCache
        self._free_indices = list(range(MAX_CACHES - 1, 0, -1))

    def adopt(self, cache, va):
        """Give a cache its guest struct (and a fast-path index when one is left)."""
        cache.va = va
        if self._fast is not None and cache.limit and self._free_indices:
            cache.index = self._free_indices.pop()
            self._fast.set_cache(cache.index, va)
        self._slab.write_header(cache)
        self.by_va[va] = cache

    def _lookup(self, va, what):
        cache = self.by_va.get(va)
        if cache is None:
            self._printk(3, f"BUG: {what}: {va:#010x} is not a slab cache (called from "
                            f"{self._symbolize(self._caller())})")
        return cache

    # -- create / destroy -------------------------------------------------------------------
    @export()
    def kmem_cache_create(self, name, size, align, flags, ctor):
        caller = self._caller()
        self._context.might_sleep("slab", caller)        # takes slab_mutex
        label = self._vm.read_cstr(name, 64).decode("utf-8", "replace") if name else ""
        cache = None
        if label and 4 <= size <= KMALLOC_MAX_SIZE:
            rz = redzone(size) if self._kasan is not None else 0
            cache = self._slab.new_cache(label, size, align, flags, ctor, redzone=rz)
            if cache is not None and rz and flags & SLAB_DESTROY_BY_RCU:
                cache.limit = cache.batchcount = 0   # its frees stay in Python (objects.py)
        block = self._kmalloc.alloc(self._slab.block_size(cache), zero=True) if cache else 0
        if not block:
            if cache is not None:
                self._slab.caches.remove(cache)
            message = f"kmem_cache_create({label or '(null)'}) failed with error -22"
            self._printk(4, message)
            if flags & SLAB_PANIC:
                self._printk(0, f"Kernel panic - not syncing: {message}")
            return 0
        cache.creator = caller
        self.adopt(cache, block)
        if self._ledger is not None:
            self._ledger.acquire("kmem_cache", block, caller,
                                 f"cache {label} ({size}-byte objects)")
        return block

    @export()
    def kmem_cache_destroy(self, va):
        if va == 0:
            return
        cache = self._lookup(va, "kmem_cache_destroy")
        if cache is None:
            return
        self._context.might_sleep("slab")
        self._objects.drain(cache)
        live = sorted(self._objects.live(cache))
        if live:
            self._refuse(cache, live)
            return
        self._slab.remove_cache(cache)
        del self.by_va[va]
        if cache.index:
            self._fast.set_cache(cache.index, 0)
            self._free_indices.append(cache.index)
        self._kmalloc.free(va)
        if self._ledger is not None:
            self._ledger.release("kmem_cache", va)

    def _refuse(self, cache, live):
        slab_of = {obj: self._slab.find(obj)[1] for obj in live}
        self._printk(3, RULE)
        self._printk(3, f"BUG {cache.name} ({print_tainted(1 << TAINT_OOT_MODULE)}): Objects remaining in "
                        f"{cache.name} on kmem_cache_close()")
        self._printk(3, THIN)
        self._printk(3, "")
        for obj in live:
            slab = slab_of[obj]
            self._printk(3, f"INFO: Object {obj:#010x} @offset={obj - slab.base}")
        self._printk(3, f"kmem_cache_destroy {cache.name}: Slab cache still has objects")

    # -- objects --------------------------------------------------------------------------
    @export()
    def kmem_cache_alloc(self, va, flags, size_hint=0, tag=0):
        """size_hint/tag: r2/r3, which the board's two-argument function ignores; the SDK's
        constant-size kmalloc() puts the requested size there, tagged KMALLOC_SIZE_TAG."""
        caller = self._caller()
        cache = self._lookup(va, "kmem_cache_alloc")
        if cache is None:
            return 0
        if flags & gfp.WAIT:
            self._context.might_sleep("slab", caller)
        # a kmalloc cache's object is a kmalloc (the board's inline kmalloc of a constant)
        if self._faults.should_fail("kmalloc" if cache.kind == "kmalloc" else "slab", flags,
                                    caller):
            return 0
        size = cache.object_size
        if tag == KMALLOC_SIZE_TAG and cache.kind == "kmalloc" and 0 < size_hint <= size:
            size = size_hint
        obj = self._objects.alloc(cache, flags, size, caller, zero=bool(flags & gfp.ZERO))
        if obj is None:
            self._kmalloc.allocation_failed(flags, cache.order, caller)
            return 0
        return obj

    @export()
    def kmem_cache_free(self, va, obj):
        caller = self._caller()
        cache = self._lookup(va, "kmem_cache_free")
        if cache is None:
            return
        status, owner, start = self._objects.classify(obj, cache)
        if status == "wrong-cache":
            self._printk(4, f"cache_from_obj: Wrong slab cache. {cache.name} but object is "
                            f"from {owner.name}")
            status, cache, start = self._objects.classify(obj)
        if status == "ok":
            self._objects.free(cache, start, caller)
        else:
            self._kmalloc.report_bad_free(status, obj, caller, owner, start,
                                          what="kmem_cache_free")

    @export()
    def kmem_cache_shrink(self, va):
        cache = self._lookup(va, "kmem_cache_shrink")
        if cache is None:
            return 0
        self._objects.drain(cache)
        self._slab.shrink(cache)
        return 0

    def kmem_cache_size(self, va):
        """(An inline on the board, reading object_size; kept for the kernel's own use.)"""
        cache = self._lookup(va, "kmem_cache_size")
        return cache.object_size if cache else 0
