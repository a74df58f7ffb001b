"""The allocation fast path with the memory checker on (issue 15 (c)): __kmalloc, kfree,
kmem_cache_alloc and kmem_cache_free in ARM, doing what the checker's Python slow path does
(objects.py, kasan.py) on guest-memory state (kasan_meta.py):

- allocation pops the per-CPU array cache (as fastpath.py), unpoisons the object's first
  `size` bytes in the shadow (a partial last granule records its valid bytes), and writes
  its allocation track (size, caller; pid) and clears its free track;
- free checks the object is an object start of a fast-path slab whose first granule is not
  poisoned (a double or invalid free goes to Python, which reports it), makes room in the
  quarantine by moving its oldest objects to their caches' array caches (as the slow path's
  eviction does), pushes the object, writes its free track (caller, pid) and poisons the
  whole stride KASAN_KMALLOC_FREE.

Anything else goes to the Python service (the stub), with the caller's registers untouched:
the array cache empty or full, flags needing the slow path, atomic context for a sleeping
request, a quarantine eviction the routines cannot do.

Every guest memory access costs tens of nanoseconds while any Unicorn memory hook is armed
(the checker's is), so the routines keep to registers: constants are movw/movt, not loads;
kfree saves two registers. The quarantine ring holds 65536 entries, more than 1 MiB of the
smallest stride (24 bytes), so the byte limit always comes first: the routines do not check
it for fullness. A ring entry's cache word has bit 0 set when its object may not go to an
array cache (outside the window, or a cache without one): the routines leave those to Python.
"""

from .fastpath import (GFP_SLOW, KMALLOC_FAST_MAX, ST_CACHES, ST_OFF, ST_PAGES,
                       ST_PID, ST_Q, ST_SIZE_INDEX, atomic_check, pop_object)
from .kasan import KASAN_KMALLOC_FREE, QUARANTINE_BYTES
from .slab import AC_HEADER, CACHE_FIELDS
from .slab_api import KMALLOC_SIZE_TAG
from ...memory.layout import PAGE_SHIFT

C = CACHE_FIELDS
FREE_WORD = KASAN_KMALLOC_FREE * 0x01010101
RING_ENTRIES = 1 << 16
#: bit 0 of a ring entry's cache word: not for an array cache (see above)
NOT_ARRAY = 1


class _Routines:
    def __init__(self, fast, a, stub):
        self.a, self.stub = a, stub
        self.state, self.win, self.win_bytes = fast.state_va, fast.window_va, fast.window_bytes
        self.track = fast.track_va
        self.shadow, self.ktrack, self.ring = fast.kasan

    def emit(self):
        a = self.a
        for name, body, saved in (("__kmalloc", self._kmalloc, False),
                                  ("kfree", self._kfree, True),
                                  ("kmem_cache_alloc", self._cache_alloc, False),
                                  ("kmem_cache_free", self._cache_free, True)):
            slow = f"{name}_slow"
            a.label(name)
            if name == "kfree":
                a.cmp("r0", 16)
                a.bx("lr", cond="ls")                     # NULL, ZERO_SIZE_PTR
            if saved:
                a.push(["r4", "r5"])
            body(slow, name)
            a.label(slow)
            if saved:
                a.pop(["r4", "r5"])
            a.b(self.stub(name))

    # -- allocation -------------------------------------------------------------------------
    def _gate(self, slow):
        """ip = state; to slow if the fast path is off or the flags (r1) need the slow path;
        a sleeping request (__GFP_WAIT) in atomic context too (r2, r3 scratch)."""
        a = self.a
        a.mov32("ip", self.state)
        a.ldr("r2", "ip", ST_OFF)
        a.mov32("r3", GFP_SLOW)
        a.tst("r1", "r3")
        a.cmp("r2", 0, cond="eq")
        a.b(slow, cond="ne")
        atomic_check(a, slow, slow + "_go")
        a.label(slow + "_go")

    def _allocated(self, size, name):
        """Object r3 of `size` (a register: r0 or r1) bytes is allocated (r2, ip and the
        other of r0/r1 scratch): tracks, shadow; returns it."""
        a, other = self.a, "r1" if size == "r0" else "r0"
        a.mov32("r2", self.win)
        a.sub("r2", "r3", "r2")                           # offset in the window
        a.bic("ip", "r2", 63)                             # its track granule * 64
        a.mov32(other, self.track)
        a.add(other, other, ("ip", "lsr", 3))
        a.str(size, other)                                # size, caller
        a.str("lr", other, 4)
        a.mov32(other, self.ktrack)
        a.add("ip", other, ("ip", "lsr", 2))
        a.mov32(other, self.state)
        a.ldr(other, other, ST_PID)
        a.str(other, "ip")                                # allocating pid
        a.mov(other, 0)
        a.str(other, "ip", 4)                             # no free track
        a.mov32("ip", self.shadow)
        a.add("ip", "ip", ("r2", "lsr", 3))
        a.mov("r2", (size, "lsr", 3))
        _fill(a, "ip", "r2", other, name + "_unpoison")
        a.and_("r2", size, 7, s=True)
        a.strb("r2", "ip", cond="ne")                     # a partial last granule
        a.mov("r0", "r3")
        a.bx("lr")

    def _kmalloc(self, slow, name):
        a = self.a                                        # r0 size, r1 flags
        self._gate(slow)
        a.sub("r2", "r0", 1)
        a.cmp("r2", KMALLOC_FAST_MAX)
        a.b(slow, cond="hs")                              # 0 or above 8 KiB
        a.add("r3", "ip", ST_SIZE_INDEX)
        a.ldrb("r3", "r3", ("r2", "lsr", 6))
        a.add("r3", "ip", ("r3", "lsl", 2))
        a.ldr("r3", "r3", ST_CACHES)                      # the kmalloc cache
        pop_object(self.a, "r3", slow)
        self._allocated("r0", name)

    def _cache_alloc(self, slow, name):
        a = self.a                                        # r0 cache, r1 flags, r2, r3
        # r2/r3 (the SDK's constant-size kmalloc: size, KMALLOC_SIZE_TAG) go to the slow
        # path untouched: decide the size before the gate's scratch use
        a.ldr("ip", "r0", C["object_size"])
        a.push(["r4"])
        a.mov32("r4", KMALLOC_SIZE_TAG)
        a.cmp("r3", "r4")
        a.b(name + "_nohint", cond="ne")
        a.ldr("r4", "r0", C["kmalloc"])
        a.cmp("r4", 0)
        a.b(name + "_nohint", cond="eq")
        a.sub("r4", "r2", 1)
        a.cmp("r4", "ip")
        a.mov("ip", "r2", cond="lo")                      # 0 < r2 <= object_size
        a.label(name + "_nohint")
        a.pop(["r4"])
        a.push(["r2", "r3", "ip"])                        # the slow path's r2, r3; size
        self._gate(name + "_unstack")
        pop_object(self.a, "r0", name + "_unstack")
        a.pop(["r0", "r1", "r2"])                         # r2: the size
        a.mov("r0", "r2")
        self._allocated("r0", name)
        a.label(name + "_unstack")
        a.pop(["r2", "r3", "ip"])
        a.b(slow)

    # -- freeing ----------------------------------------------------------------------------
    def _window(self, obj, slow):
        """ip = state; r2 = obj - window (to slow outside it or when off); r3 = its page's
        cache index (to slow if 0)."""
        a = self.a
        a.mov32("ip", self.state)
        a.ldr("r2", "ip", ST_OFF)
        a.cmp("r2", 0)
        a.b(slow, cond="ne")
        a.mov32("r2", self.win)
        a.sub("r2", obj, "r2")
        a.mov32("r3", self.win_bytes)
        a.cmp("r2", "r3")
        a.b(slow, cond="hs")
        a.add("r3", "ip", ST_PAGES)
        a.ldrb("r3", "r3", ("r2", "lsr", PAGE_SHIFT))
        a.cmp("r3", 0)
        a.b(slow, cond="eq")

    def _object_start(self, obj, cache, slow):
        """To slow unless obj is an object start of cache's slab (fastpath._object_check);
        r3, r4 scratch."""
        a = self.a
        a.ldr("r4", cache, C["slab_mask"])
        a.and_("r3", obj, "r4")
        a.ldr("r4", cache, C["div_inv"])
        a.mul("r3", "r4", "r3")
        a.ldr("r4", cache, C["div_shift"])
        a.mov("r3", ("r3", "ror", "r4"))
        a.ldr("r4", cache, C["objects"])
        a.cmp("r3", "r4")
        a.b(slow, cond="hs")

    def _kfree(self, slow, name):
        a = self.a                                        # r0 object
        self._window("r0", slow)
        a.add("r3", "ip", ("r3", "lsl", 2))
        a.ldr("r1", "r3", ST_CACHES)                      # (kfree has no second argument)
        self._object_start("r0", "r1", slow)
        self._freed("r0", "r1", slow, name)

    def _cache_free(self, slow, name):
        a = self.a                                        # r0 cache, r1 object
        self._window("r1", slow)
        a.ldr("r4", "r0", C["index"])
        a.cmp("r3", "r4")
        a.b(slow, cond="ne")                              # not this cache's page
        self._object_start("r1", "r0", slow)
        self._freed("r1", "r0", slow, name)

    def _freed(self, obj, cache, slow, name):
        """Free obj of cache into the quarantine (r2 = its offset, ip = state)."""
        a = self.a
        a.mov32("r5", self.shadow)
        a.add("r5", "r5", ("r2", "lsr", 3))
        a.ldrb("r3", "r5")
        a.cmp("r3", 0x80)
        a.b(slow, cond="hs")                              # freed already, or never handed out
        evict, room = name + "_evict", name + "_room"
        a.label(evict)                                    # make room: the oldest to its array
        a.ldr("r4", cache, C["size"])
        a.ldr("r3", "ip", ST_Q["bytes"])
        a.add("r3", "r3", "r4")
        a.cmp("r3", QUARANTINE_BYTES)
        a.b(room, cond="ls")
        a.ldr("r2", "ip", ST_Q["head"])                   # not empty: the bytes are > 0
        a.mov32("r3", self.ring)
        a.add("r3", "r3", ("r2", "lsl", 3))
        a.ldr("r4", "r3", 4)                              # the oldest object's cache
        a.tst("r4", NOT_ARRAY)
        a.b(slow, cond="ne")
        a.ldr("r5", "r4", C["avail"])
        a.ldr("r3", "r4", C["limit"])
        a.cmp("r5", "r3")
        a.b(slow, cond="hs")                              # its array cache is full
        a.mov32("r3", self.ring)
        a.add("r3", "r3", ("r2", "lsl", 3))
        a.ldr("r3", "r3")                                 # the oldest object
        a.add("r5", "r5", AC_HEADER // 4)
        a.str("r3", "r4", ("r5", "lsl", 2))               # entry[avail] = it
        a.sub("r5", "r5", AC_HEADER // 4 - 1)
        a.str("r5", "r4", C["avail"])
        a.add("r2", "r2", 1)
        a.bic("r2", "r2", RING_ENTRIES)
        a.str("r2", "ip", ST_Q["head"])
        a.ldr("r3", "r4", C["size"])
        a.ldr("r5", "ip", ST_Q["bytes"])
        a.sub("r5", "r5", "r3")
        a.str("r5", "ip", ST_Q["bytes"])
        a.b(evict)
        a.label(room)                                     # r3: the bytes with obj
        a.ldr("r2", "ip", ST_Q["tail"])
        a.str("r3", "ip", ST_Q["bytes"])
        a.add("r4", "r2", 1)
        a.bic("r4", "r4", RING_ENTRIES)
        a.str("r4", "ip", ST_Q["tail"])
        a.mov32("r4", self.ring)
        a.add("r4", "r4", ("r2", "lsl", 3))
        a.str(obj, "r4")
        a.str(cache, "r4", 4)
        a.mov32("r2", self.win)
        a.sub("r2", obj, "r2")
        a.bic("r4", "r2", 63)
        a.mov32("r5", self.ktrack)
        a.add("r4", "r5", ("r4", "lsr", 2))               # the free track
        a.ldr("r3", "ip", ST_PID)
        a.mov("r5", 1)
        a.str("r5", "r4", 4)
        a.str("lr", "r4", 8)
        a.str("r3", "r4", 12)
        a.mov32("r5", self.shadow)
        a.add("r5", "r5", ("r2", "lsr", 3))
        a.ldr("r3", cache, C["size"])                     # poison the whole stride
        a.mov("r3", ("r3", "lsr", 3))
        a.mov32("r4", FREE_WORD)
        _fill(a, "r5", "r3", "r4", name + "_poison")
        a.pop(["r4", "r5"])
        a.bx("lr")


def assemble_checked(fast, a, stub):
    """The four routines into Asm a; stub(name) is the Python service's stub."""
    _Routines(fast, a, stub).emit()


def _fill(a, ptr, count, value, prefix):
    """count bytes of value's low byte (value: the byte in all four) from ptr on."""
    a.label(prefix + "_b1")                               # bytes up to a word boundary
    a.tst(ptr, 3)
    a.b(prefix + "_w", cond="eq")
    a.cmp(count, 0)
    a.b(prefix + "_end", cond="eq")
    a.strb(value, ptr, 1, post=True)
    a.sub(count, count, 1)
    a.b(prefix + "_b1")
    a.label(prefix + "_w")
    a.sub(count, count, 4, s=True)
    a.str(value, ptr, 4, cond="hs", post=True)
    a.b(prefix + "_w", cond="hs")
    a.add(count, count, 4)
    a.label(prefix + "_b2")
    a.cmp(count, 0)
    a.b(prefix + "_end", cond="eq")
    a.strb(value, ptr, 1, post=True)
    a.sub(count, count, 1)
    a.b(prefix + "_b2")
    a.label(prefix + "_end")


