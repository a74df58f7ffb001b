"""The memory checker's state in guest memory, shared with the ARM fast path (issue 15 (c)):
the quarantine ring and the allocation/free tracks of slab objects.

The fast path (fastpath_kasan.py) frees into the quarantine and allocates from the array
caches without calling Python, so what KASAN keeps per object (who allocated and freed it,
mm/kasan's alloc/free tracks) and the quarantine's FIFO are guest memory both sides write;
Python reads them only for a report, a double-free check or a leak report.

Quarantine ring (entries of 8 bytes: object va, struct kmem_cache va), its head, tail and byte
count in the fast path's state block (fastpath.py ST_Q_*). Tracks: the window's allocation
track array (size, caller per 64 bytes, as the leak ledger reads it) and the checker's own
(per 64 bytes: allocating pid, free valid, freeing caller, freeing pid).
"""

import struct
from collections import OrderedDict

from ...memory.layout import virt_to_phys
from .layout import TRACK_GRANULE_SHIFT

_ENTRY = struct.Struct("<II")
_KTRACK = struct.Struct("<IIII")


class GuestQuarantine:
    """A FIFO of freed objects in a guest ring; the byte limit is the checker's."""

    def __init__(self, ram, state_pa, ring_va, capacity, limit, fields):
        """fields: byte offsets of head, tail, bytes, limit, mask, ring in the state block."""
        self._ram = ram
        self._ring_pa = virt_to_phys(ring_va)
        self._mask = capacity - 1
        self.limit = limit
        self._head, self._tail, self._bytes = (state_pa + fields[k] for k in ("head", "tail",
                                                                               "bytes"))
        for key, value in (("head", 0), ("tail", 0), ("bytes", 0), ("limit", limit),
                           ("mask", self._mask), ("ring", ring_va)):
            ram.write_u32(state_pa + fields[key], value)

    @property
    def bytes(self):
        return self._ram.read_u32(self._bytes)

    def _set_bytes(self, n):
        self._ram.write_u32(self._bytes, n)

    def __len__(self):
        return (self._ram.read_u32(self._tail) - self._ram.read_u32(self._head)) & self._mask

    def push(self, va, cache_va, nbytes):
        tail = self._ram.read_u32(self._tail)
        if (tail + 1) & self._mask == self._ram.read_u32(self._head):
            raise MemoryError("KASAN quarantine ring full")
        self._ram.write(self._ring_pa + 8 * tail, _ENTRY.pack(va, cache_va))
        self._ram.write_u32(self._tail, (tail + 1) & self._mask)
        self._set_bytes(self.bytes + nbytes)

    def pop(self, size_of):
        """The oldest (va, cache_va); size_of(cache_va) is what it counted for."""
        head = self._ram.read_u32(self._head)
        va, cache_va = _ENTRY.unpack(self._ram.read(self._ring_pa + 8 * head, 8))
        self._ram.write_u32(self._head, (head + 1) & self._mask)
        self._set_bytes(self.bytes - size_of(cache_va))
        return va, cache_va

    def entries(self):
        """[(va, cache_va)] oldest first."""
        head, n = self._ram.read_u32(self._head), len(self)
        if not n:
            return []
        first = min(n, self._mask + 1 - head)
        data = self._ram.read(self._ring_pa + 8 * head, 8 * first)
        if n > first:
            data += self._ram.read(self._ring_pa, 8 * (n - first))
        return list(_ENTRY.iter_unpack(data))

    def rewrite(self, entries, nbytes):
        """Replace the contents (oldest first) and the byte count."""
        data = b"".join(_ENTRY.pack(*e) for e in entries)
        if data:
            self._ram.write(self._ring_pa, data)
        self._ram.write_u32(self._head, 0)
        self._ram.write_u32(self._tail, len(entries))
        self._set_bytes(nbytes)

    def snapshot(self, cache_of):
        """OrderedDict va -> (cache, bytes), oldest first (tests, debugging)."""
        out = OrderedDict()
        for va, cache_va in self.entries():
            cache = cache_of(cache_va & ~1)      # bit 0: fastpath_kasan.NOT_ARRAY
            out[va] = (cache, cache.size if cache is not None else 0)
        return out


class TrackInfo:
    """alloc_info or free_info of the checker: object va -> (caller, comm, pid[, size]).

    Objects of caches with array caches (stride >= 64) in the slab window keep theirs in the
    guest tracks, which the fast path writes (comm is not kept there: None); anything else
    (large kmalloc blocks, pages, small-object caches) in a dict, as before."""

    def __init__(self, ram, kind, track_va, ktrack_va, window_va, window_bytes, tracked):
        """kind: "alloc" or "free"; tracked(va): True when va's entry lives in the tracks."""
        self._ram, self._kind = ram, kind
        self._track_pa, self._ktrack_pa = virt_to_phys(track_va), virt_to_phys(ktrack_va)
        self._win, self._win_bytes = window_va, window_bytes
        self._tracked = tracked
        self._dict = {}

    def _granule(self, va):
        if 0 <= va - self._win < self._win_bytes and self._tracked(va):
            return (va - self._win) >> TRACK_GRANULE_SHIFT
        return None

    def get(self, va, default=None):
        g = self._granule(va)
        if g is None:
            return self._dict.get(va, default)
        apid, valid, fcaller, fpid = _KTRACK.unpack(self._ram.read(self._ktrack_pa + 16 * g,
                                                                   16))
        if self._kind == "free":
            return (fcaller, None, fpid) if valid else default
        size, caller = _ENTRY.unpack(self._ram.read(self._track_pa + 8 * g, 8))
        return (caller, None, apid, size) if size else default

    def __setitem__(self, va, info):
        g = self._granule(va)
        if g is None:
            self._dict[va] = info
        elif self._kind == "free":
            self._ram.write(self._ktrack_pa + 16 * g + 4, struct.pack("<III", 1, info[0],
                                                                      info[2]))
        else:
            self._ram.write(self._track_pa + 8 * g, _ENTRY.pack(info[3], info[0]))
            self._ram.write_u32(self._ktrack_pa + 16 * g, info[2])

    def pop(self, va, default=None):
        g = self._granule(va)
        if g is None:
            return self._dict.pop(va, default)
        old = self.get(va, default)
        if self._kind == "free":
            self._ram.write_u32(self._ktrack_pa + 16 * g + 4, 0)
        else:
            self._ram.write_u32(self._track_pa + 8 * g, 0)
        return old

    def __contains__(self, va):
        return self.get(va) is not None
