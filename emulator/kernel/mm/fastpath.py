"""The allocation fast path: __kmalloc, kfree, kmem_cache_alloc and kmem_cache_free as small
ARM routines next to the service stubs.

A kernel service call costs a Python call (~3 us); these routines instead pop and push the
per-CPU array caches in guest memory (SLAB's ____cache_alloc / __cache_free) and branch to
the Python service (the same-named stub, with the caller's registers untouched) only when:
the array cache is empty or full, the request needs more (gfp.ZERO, sizes above 8 KiB,
an object the page table does not know), a sleeping request comes from atomic context (so
the service reports it), or the fast path is switched off (memory checker, failure
injection, call tracing). Each allocation stores its caller and size in the window's track
array, from which the leak report learns the owners of objects it never saw.

With the memory checker on (issue 15 (c)) the routines are fastpath_kasan.py's: the same
array caches, plus the checker's shadow, tracks and quarantine in guest memory.

The state block (guest memory, read by the routines):
    0 off   4 gfp_mask mask sent to the slow path   8 &preempt_count of the running task
    12 window start   16 window size   20 track array   24 shadow   28 checker tracks
    32 pid of the running task   36..56 quarantine ring: head, tail, bytes, limit, mask, ring
    0x40 kmalloc cache index by (size - 1) >> 6
    0x100 struct kmem_cache * by cache index   0x800 cache index of each window page
"""

import struct

from ...memory.layout import PAGE_SHIFT, virt_to_phys
from .armasm import Asm
from .layout import TRACK_GRANULE_SHIFT
from . import gfp
from .slab import AC_HEADER, CACHE_FIELDS

ST_OFF, ST_GFP_SLOW, ST_PREEMPT, ST_WIN_LO, ST_WIN_SIZE, ST_TRACK = 0, 4, 8, 12, 16, 20
ST_SHADOW, ST_KTRACK, ST_PID = 24, 28, 32
ST_Q = {"head": 36, "tail": 40, "bytes": 44, "limit": 48, "mask": 52, "ring": 56}
ST_SIZE_INDEX, ST_CACHES, ST_PAGES = 0x40, 0x100, 0x800
MAX_CACHES = 256
CPSR_I = 0x80
KMALLOC_FAST_MAX = 8192
GFP_SLOW = (gfp.ZERO | gfp.HIGHMEM | gfp.DMA32 | ~gfp.BITS_MASK) & 0xFFFFFFFF
C = CACHE_FIELDS
ROUTINES = ("__kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free")


def state_size(window_bytes):
    return ST_PAGES + (window_bytes >> PAGE_SHIFT)


def atomic_check(a, slow, done):
    """A sleeping request (__GFP_WAIT, flags in r1) in atomic context (the running task's
    preempt count, read through ip = state, or IRQs off) goes to slow; else to done."""
    a.tst("r1", gfp.WAIT)
    a.b(done, cond="eq")
    a.ldr("r3", "ip", ST_PREEMPT)
    a.ldr("r3", "r3")
    a.cmp("r3", 0)
    a.b(slow, cond="ne")
    a.mrs_cpsr("r3")
    a.tst("r3", CPSR_I)
    a.b(slow, cond="ne")


def atomic_bits(a, acc, scratch):
    """atomic_check without branches: acc |= nonzero when a sleeping request (__GFP_WAIT,
    flags in r1) comes from atomic context (ip = state). One branch on acc then decides,
    and every branch ends a translated block."""
    a.tst("r1", gfp.WAIT)
    a.ldr(scratch, "ip", ST_PREEMPT, cond="ne")
    a.ldr(scratch, scratch, cond="ne")
    a.orr(acc, acc, scratch, cond="ne")
    a.mrs_cpsr(scratch, cond="ne")
    a.and_(scratch, scratch, CPSR_I, cond="ne")
    a.orr(acc, acc, scratch, cond="ne")


def pop_object(a, cache, slow):
    """r3 = cache->entry[--avail] of the per-CPU array cache (r2 scratch; cache may be r3);
    an empty cache goes to slow."""
    a.ldr("r2", cache, C["avail"])
    a.sub("r2", "r2", 1, s=True)
    a.b(slow, cond="mi")
    a.str("r2", cache, C["avail"])
    a.add("r3", cache, AC_HEADER)
    a.ldr("r3", "r3", ("r2", "lsl", 2))


class FastPath:
    def __init__(self, ram, state_va, preempt_va, window_va, window_bytes, track_va,
                 kasan=None):
        """track_va: the allocation track array, or None (no ownership tracking); kasan:
        (shadow va, checker tracks va) when the memory checker is on."""
        self._ram = ram
        self.kasan = kasan
        self.state_va, self.window_va, self.window_bytes = state_va, window_va, window_bytes
        self.track_va = track_va
        self._state_pa = virt_to_phys(state_va)
        self._win_pfn = virt_to_phys(window_va) >> PAGE_SHIFT
        self.off_reasons = set()
        self.addresses = {}
        self.pages = None          # fastpath_pages.PageRoutines (set before assemble)
        ram.write(self._state_pa, bytes(state_size(window_bytes)))
        ram.write(self._state_pa, struct.pack("<6I", 0, GFP_SLOW, preempt_va, window_va,
                                              window_bytes, track_va or 0))
        if kasan is not None:
            ram.write(self._state_pa + ST_SHADOW, struct.pack("<2I", *kasan[:2]))

    @property
    def state_pa(self):
        return self._state_pa

    def set_current(self, preempt_va, pid):
        """The running task's preempt count and pid (a task switch)."""
        self._ram.write_u32(self._state_pa + ST_PREEMPT, preempt_va)
        self._ram.write_u32(self._state_pa + ST_PID, pid)

    # -- state ----------------------------------------------------------------------------
    @property
    def on(self):
        return not self.off_reasons

    def switch(self, reason, off):
        """Turn the fast path off for a reason (or drop the reason); True if it changed."""
        was = self.on
        (self.off_reasons.add if off else self.off_reasons.discard)(reason)
        self._ram.write_u32(self._state_pa + ST_OFF, 0 if self.on else 1)
        return was != self.on

    def set_size_index(self, table):
        self._ram.write(self._state_pa + ST_SIZE_INDEX, bytes(table))

    def set_cache(self, index, cache_va):
        self._ram.write_u32(self._state_pa + ST_CACHES + 4 * index, cache_va)

    def set_pages(self, pfn, npages, index):
        """The cache index of window pages [pfn, pfn + npages) (0: not a fast-path slab)."""
        first = pfn - self._win_pfn
        if 0 <= first < self.window_bytes >> PAGE_SHIFT:
            self._ram.write(self._state_pa + ST_PAGES + first, bytes([index]) * npages)

    # -- the routines -----------------------------------------------------------------------
    def assemble(self, base, stub):
        """ARM code for the four routines at base; stub(name) is the Python service's stub.
        Returns the bytes; self.addresses maps each name to its entry."""
        a = Asm(base)
        if self.kasan is not None:
            from .fastpath_kasan import assemble_checked
            assemble_checked(self, a, stub)
        else:
            self._kmalloc(a, stub("__kmalloc"))
            self._kfree(a, stub("kfree"))
            self._cache_alloc(a, stub("kmem_cache_alloc"))
            self._cache_free(a, stub("kmem_cache_free"))
        names = ROUTINES
        if self.pages is not None:                    # the same with the checker on
            self.pages.emit(a, stub)
            names += self.pages.ROUTINES
        code = a.assemble()
        self.addresses = {name: a.labels[name] for name in names}
        self.code_end = base + len(code)
        return code

    def _gate(self, a, slow, size=None):
        """ip = state; one branch to slow if the fast path is off, the flags (r1) need the
        slow path, a sleeping request comes from atomic context, or (size: the register
        holding kmalloc's size) the size is 0 or above KMALLOC_FAST_MAX."""
        a.ldr_lit("ip", self.state_va)
        a.ldr("r2", "ip", ST_OFF)
        a.ldr("r3", "ip", ST_GFP_SLOW)
        a.and_("r3", "r1", "r3")
        a.orr("r2", "r2", "r3")
        if size is not None:
            a.sub("r3", size, 1)
            a.cmp("r3", KMALLOC_FAST_MAX)
            a.orr("r2", "r2", 1, cond="hs")
        atomic_bits(a, "r2", "r3")
        a.cmp("r2", 0)
        a.b(slow, cond="ne")

    def _track(self, a, size_reg):
        """Store {size, caller} in the track entry of the object in r3 (clobbers r2, ip)."""
        if self.track_va is None:
            return
        a.ldr("r2", "ip", ST_WIN_LO)
        a.sub("r2", "r3", "r2")
        a.mov("r2", ("r2", "lsr", TRACK_GRANULE_SHIFT))   # the entry Python reads
        a.ldr("ip", "ip", ST_TRACK)
        a.add("ip", "ip", ("r2", "lsl", 3))
        a.stm("ip", [size_reg, "lr"])

    def _kmalloc(self, a, slow):
        a.label("__kmalloc")                          # r0 size, r1 flags
        self._gate(a, slow, size="r0")
        a.sub("r2", "r0", 1)
        a.add("r3", "ip", ST_SIZE_INDEX)
        a.ldrb("r3", "r3", ("r2", "lsr", 6))
        a.add("r3", "ip", ("r3", "lsl", 2))
        a.ldr("r3", "r3", ST_CACHES)                  # the kmalloc cache
        pop_object(a, "r3", slow)
        self._track(a, "r0")
        a.mov("r0", "r3")
        a.bx("lr")

    def _cache_alloc(self, a, slow):
        a.label("kmem_cache_alloc")                   # r0 cache, r1 flags
        self._gate(a, slow)
        pop_object(a, "r0", slow)
        if self.track_va is not None:
            a.ldr("r1", "r0", C["object_size"])       # flags are no longer needed
            self._track(a, "r1")
        a.mov("r0", "r3")
        a.bx("lr")

    def _object_check(self, a, obj, cache, scratch, slow):
        """To slow unless obj is an object start of cache's slab (r2 scratch): with the
        size d = m * 2^k (m odd), ror(off * m^-1 mod 2^32, k) is off / d when d divides
        off and larger than any index otherwise."""
        a.ldr(scratch, cache, C["slab_mask"])
        a.and_("r2", obj, scratch)                    # offset in the slab
        a.ldr(scratch, cache, C["div_inv"])
        a.mul("r2", scratch, "r2")
        a.ldr(scratch, cache, C["div_shift"])
        a.mov("r2", ("r2", "ror", scratch))           # the index if a multiple of the size
        a.ldr(scratch, cache, C["objects"])
        a.cmp("r2", scratch)
        a.b(slow, cond="hs")

    def _push(self, a, cache, obj, scratch, slow):
        """cache->entry[avail++] = obj, unless full or obj is the last object freed (the
        commonest double free goes to the service, which reports it)."""
        a.ldr("r2", cache, C["avail"])
        a.ldr("ip", cache, C["limit"])
        a.cmp("r2", "ip")
        a.b(slow, cond="hs")                          # full (or no array cache)
        a.add("ip", cache, AC_HEADER)
        a.add(scratch, "ip", ("r2", "lsl", 2))
        a.ldr(scratch, scratch, -4)                   # entry[avail - 1] (header word if 0)
        a.cmp(scratch, obj)
        a.b(slow, cond="eq")
        a.ldr(scratch, "ip", ("r2", "lsl", 2))       # a store costs ten loads: the slot
        a.cmp(scratch, obj)                           # often still holds obj (popped last)
        a.str(obj, "ip", ("r2", "lsl", 2), cond="ne")
        a.add("r2", "r2", 1)
        a.str("r2", cache, C["avail"])
        a.bx("lr")

    def _window_index(self, a, obj, slow):
        """r3 = cache index of obj's page (0 outside fast-path slabs); r2 = obj - window."""
        a.ldr_lit("ip", self.state_va)
        a.ldr("r2", "ip", ST_OFF)
        a.cmp("r2", 0)
        a.b(slow, cond="ne")
        a.ldr("r2", "ip", ST_WIN_LO)
        a.sub("r2", obj, "r2")
        a.ldr("r3", "ip", ST_WIN_SIZE)
        a.cmp("r2", "r3")
        a.b(slow, cond="hs")
        a.add("r3", "ip", ST_PAGES)
        a.ldrb("r3", "r3", ("r2", "lsr", PAGE_SHIFT))

    def _kfree(self, a, slow):
        a.label("kfree")                              # r0 object
        a.cmp("r0", 16)
        a.bx("lr", cond="ls")                         # NULL, ZERO_SIZE_PTR
        self._window_index(a, "r0", slow)
        a.cmp("r3", 0)
        a.b(slow, cond="eq")
        a.add("r3", "ip", ("r3", "lsl", 2))
        a.ldr("r3", "r3", ST_CACHES)
        self._object_check(a, "r0", "r3", "r1", slow)
        self._push(a, "r3", "r0", "r1", slow)

    def _cache_free(self, a, slow):
        a.label("kmem_cache_free")                    # r0 cache, r1 object
        self._window_index(a, "r1", slow)
        a.ldr("ip", "r0", C["index"])
        a.cmp("r3", "ip")
        a.b(slow, cond="ne")                          # not this cache's page (or none)
        self._object_check(a, "r1", "r0", "ip", slow)
        self._push(a, "r0", "r1", "r3", slow)


class ArrayCache:
    """The guest `array_cache` of a cache, as Python reads and rewrites it."""

    def __init__(self, ram):
        self._ram = ram

    def entries(self, cache):
        pa = virt_to_phys(cache.va)
        avail = self._ram.read_u32(pa)
        if not avail:
            return []
        return list(struct.unpack(f"<{avail}I", self._ram.read(pa + AC_HEADER, 4 * avail)))

    def store(self, cache, objs):
        pa = virt_to_phys(cache.va)
        if objs:
            self._ram.write(pa + AC_HEADER, struct.pack(f"<{len(objs)}I", *objs))
        self._ram.write_u32(pa, len(objs))
