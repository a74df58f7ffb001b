"""Slab objects with their bookkeeping: who holds each (the rmmod leak ledger and the
allocation tracks), what the memory checker may touch (KASAN shadow, quarantine), and the
per-CPU array caches the fast path shares with Python.

`alloc` and `free` are the slow paths of kmalloc/kfree and kmem_cache_alloc/free: an empty
array cache is refilled with up to `batchcount` objects, a full one gives `batchcount` back
to the slabs (SLAB's cache_alloc_refill / cache_flusharray). Objects allocated by the fast
path reach the ledger lazily: `sync` reads the tracks of the objects handed out and not back
in an array cache.
"""

import struct

from ...memory.layout import virt_to_phys
from .slab import SLAB_DESTROY_BY_RCU
from .kasan import KASAN_FREE_PAGE, KASAN_KMALLOC_FREE, KASAN_KMALLOC_REDZONE
from .layout import TRACK_GRANULE_SHIFT

_TRACK = struct.Struct("<II")


class SlabObjects:
    def __init__(self, ram, slab, fast, array_cache, kasan, ledger, current):
        """fast: FastPath or None; kasan: Kasan or None; ledger: Ledger or None (leak check
        off); current() -> (comm, pid)."""
        self._ram, self.slab, self.fast, self._ac = ram, slab, fast, array_cache
        self.kasan, self.ledger, self._current = kasan, ledger, current
        self._recorded = {}          # object -> (cache, caller, size) as the ledger holds it
        if kasan is not None:
            slab.on_new_slab.append(lambda c, s: kasan.poison(s.base, c.slab_bytes,
                                                              KASAN_KMALLOC_REDZONE))
            slab.on_slab_freed.append(lambda c, s: kasan.poison(s.base, c.slab_bytes,
                                                                KASAN_FREE_PAGE))
            slab.before_ctor.append(lambda c, o: kasan.unpoison(o, c.object_size))
            slab.after_ctor.append(lambda c, o: kasan.poison(o, c.size, KASAN_KMALLOC_REDZONE))

    def _fast_cache(self, cache):
        return self.fast is not None and self.fast.on and cache.limit and cache.va

    # -- allocation -------------------------------------------------------------------------
    def alloc(self, cache, gfp_mask, size, caller, zero=False):
        obj = self._from_array(cache, gfp_mask) if self._fast_cache(cache) else \
            self.slab.alloc(cache, gfp_mask)
        if obj is None:
            return None
        self._allocated(cache, obj, size, caller)
        if zero:
            self._ram.write(virt_to_phys(obj), bytes(cache.object_size))
        return obj

    def _from_array(self, cache, gfp_mask):
        """Take the array cache's last object, or refill it: the first new object is
        returned and the next ones wait in the array cache, lowest address on top."""
        entries = self._ac.entries(cache)
        if entries:
            obj = entries.pop()
            self._ac.store(cache, entries)
            return obj
        first = self.slab.alloc(cache, gfp_mask)
        batch = []
        while first is not None and len(batch) < cache.batchcount:
            obj = self.slab.alloc(cache, gfp_mask)
            if obj is None or not self._in_window(obj):
                if obj is not None:
                    self.slab.release(cache, obj)
                break
            batch.append(obj)
        self._ac.store(cache, batch[::-1])
        return first

    def _in_window(self, obj):
        return 0 <= obj - self.fast.window_va < self.fast.window_bytes

    def _allocated(self, cache, obj, size, caller):
        if self.kasan is not None:
            self.kasan.unpoison(obj, size)
            self.kasan.alloc_info[obj] = (caller, *self._current(), size)
            self.kasan.free_info.pop(obj, None)
        if self.ledger is not None:
            self._record(cache, obj, caller, size)
            if self.fast is not None and self.fast.track_va and self._in_window(obj) and \
                    self.kasan is None:        # (with the checker, alloc_info wrote it)
                self._ram.write(self._track_pa(obj), _TRACK.pack(size, caller))

    def _track_pa(self, obj):
        return virt_to_phys(self.fast.track_va) + \
            ((obj - self.fast.window_va) >> TRACK_GRANULE_SHIFT) * _TRACK.size

    def _record(self, cache, obj, caller, size):
        self._recorded[obj] = (cache, caller, size)
        kind = "kmalloc" if cache.kind == "kmalloc" else "slab"
        what = f"{size} bytes at {obj:#010x}" if kind == "kmalloc" else \
            f"{cache.name} object ({size} bytes) at {obj:#010x}"
        self.ledger.acquire(kind, obj, caller, what)

    def _unrecord(self, obj):
        entry = self._recorded.pop(obj, None)
        if entry is not None:
            self.ledger.release("kmalloc" if entry[0].kind == "kmalloc" else "slab", obj)

    # -- freeing --------------------------------------------------------------------------
    def classify(self, va, cache=None):
        """("ok" | "invalid" | "double" | "wrong-cache", cache, object start)."""
        found = self.slab.find(va)
        if found is None:
            return "invalid", None, None
        owner, _, obj = found
        if obj != va:
            return "invalid", owner, obj
        if cache is not None and owner is not cache:
            return "wrong-cache", owner, obj
        if obj not in owner.out:
            return "double", owner, obj
        if self.kasan is not None:
            # issue 15 (c): a freed object's first granule is poisoned (quarantined, back in
            # an array cache, or on its slab); outside the window, ask the quarantine
            freed = self.kasan.is_free(obj)
            if freed or (freed is None and obj in self.kasan.quarantined()):
                return "double", owner, obj
            return "ok", owner, obj
        if self._fast_cache(owner) and obj in self._ac.entries(owner):
            return "double", owner, obj
        return "ok", owner, obj

    def free(self, cache, obj, caller):
        """Free an object classify() found "ok"."""
        if self.ledger is not None:
            self._unrecord(obj)
        if self.kasan is not None and cache.flags & SLAB_DESTROY_BY_RCU:
            # Typesafe by RCU: a freed object stays a valid object of its type until the
            # slab itself goes, so readers may still look at it (Linux's KASAN neither
            # poisons nor quarantines such objects).
            self.kasan.free_info[obj] = (caller, *self._current())
            self.slab.release(cache, obj)
        elif self.kasan is not None:         # quarantined: off the slab, not reusable yet
            self.kasan.poison(obj, cache.size, KASAN_KMALLOC_FREE)
            self.kasan.free_info[obj] = (caller, *self._current())
            for old, old_cache in self.kasan.hold(obj, cache, cache.size):
                if self._fast_cache(old_cache) and self._in_window(old):
                    self._to_array(old_cache, old)     # as the fast path evicts (issue 15)
                else:
                    self.slab.release(old_cache, old)
        elif self._fast_cache(cache) and self._in_window(obj):
            self._to_array(cache, obj)
        else:
            self.slab.release(cache, obj)

    def _to_array(self, cache, obj):
        entries = self._ac.entries(cache)
        if len(entries) >= cache.limit:
            for old in entries[:cache.batchcount]:
                self.slab.release(cache, old)
            entries = entries[cache.batchcount:]
        self._ac.store(cache, entries + [obj])

    # -- array caches and lazy ownership ----------------------------------------------------
    def cached(self, cache):
        """Objects waiting in the cache's array cache (free, but off the slabs)."""
        return len(self._ac.entries(cache)) if cache.limit and cache.va else 0

    def live(self, cache, quarantined=None):
        """Objects allocated and not freed (quarantined: the quarantine's set, if known)."""
        if self.kasan is not None:       # issue 15 (c): the shadow tells, in the window
            out = []
            for obj in cache.out:
                freed = self.kasan.is_free(obj)
                if freed is None:
                    if quarantined is None:
                        quarantined = self.kasan.quarantined()
                    freed = obj in quarantined
                if not freed:
                    out.append(obj)
            return set(out)
        held = set(self._ac.entries(cache)) if cache.limit and cache.va else set()
        return cache.out - held

    def drain_array(self, cache):
        """Give the array cache's objects back to the slabs."""
        if cache.limit and cache.va:
            for obj in self._ac.entries(cache):
                self.slab.release(cache, obj)
            self._ac.store(cache, [])

    def drain(self, cache):
        """Give the array cache's objects back to the slabs (and the quarantine's)."""
        self.drain_array(cache)
        if self.kasan is not None:
            for obj in self.kasan.release_cache(cache):
                self.slab.release(cache, obj)

    def sync(self):
        """Bring the ledger up to date with what the fast path did since the last sync."""
        if self.ledger is None or self.fast is None or not self.fast.track_va:
            return
        live = {cache: self.live(cache) for cache in self.slab.caches if cache.limit}
        for obj, (cache, _, _) in list(self._recorded.items()):
            if cache.limit and obj not in live.get(cache, ()):     # freed, or cache gone
                self._unrecord(obj)
        for cache, objs in live.items():
            for obj in objs:
                if self._in_window(obj):
                    size, caller = _TRACK.unpack(self._ram.read(self._track_pa(obj), 8))
                    if self._recorded.get(obj) != (cache, caller, size):
                        self._unrecord(obj)
                        self._record(cache, obj, caller, size)
