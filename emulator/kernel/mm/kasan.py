"""A KASAN-style memory checker for slab objects and large kmalloc blocks (mm/kasan/, as
Linux 4.x has it; 3.14 had none).

Shadow memory, one byte per 8 bytes of the slab window, kept in Python: 0 all 8 bytes
accessible, 1..7 the first k are, 0xFC a kmalloc redzone, 0xFB a freed object, 0xFE the
tail of a large kmalloc block, 0xFF a free page. A Unicorn memory hook covers the window's
physical range only while the checker is on (no global hook), so guest loads and stores of
slab memory are checked; kernel string and uaccess services check their ranges through
`CheckedMemory`. Freed objects wait in a quarantine (FIFO, 1 MiB) before reuse, so a late
access still hits poisoned shadow. A bad access, double free or invalid free is reported
once per place and object, Linux's way, to dmesg and to `reports`.
"""

import ctypes
import mmap
from collections import OrderedDict

from ...cpu import HOOK_MEM_CFUNC, MEM_WRITE, PC
from ...memory.layout import PAGE_OFFSET, PHYS_OFFSET
from .kasan_globals import GlobalBounds, KasanFilter

KASAN_FREE_PAGE = 0xFF
KASAN_PAGE_REDZONE = 0xFE
KASAN_KMALLOC_REDZONE = 0xFC
KASAN_KMALLOC_FREE = 0xFB
BUG_TYPES = {KASAN_FREE_PAGE: "use-after-free", KASAN_PAGE_REDZONE: "slab-out-of-bounds",
             KASAN_KMALLOC_REDZONE: "slab-out-of-bounds", KASAN_KMALLOC_FREE: "use-after-free"}
SHADOW_SCALE = 3
QUARANTINE_BYTES = 1 << 20
SCAN_GRANULES = 1 << 16          # shadow bytes looked at a time
RULE = "=" * 66


def redzone(size):
    """optimal_redzone of mm/kasan (bytes after each object)."""
    for limit, rz in ((64 - 16, 16), (128 - 32, 32), (512 - 64, 64), (4096 - 128, 128),
                      ((1 << 14) - 256, 256), ((1 << 15) - 512, 512), ((1 << 16) - 1024, 1024)):
        if size <= limit:
            return rz
    return 2048


class Kasan:
    def __init__(self, window_pa, cpu, env, describe, shadow=None, meta=None):
        """describe(va) -> dict(start, size, cache, alloc, free) of the object holding va,
        or None. shadow: the shadow's memory (issue 15 (c): host-backed guest RAM the ARM
        fast path writes too), or None for private memory; meta: (GuestQuarantine,
        alloc TrackInfo, free TrackInfo, cache_of(struct kmem_cache va)) kept in guest
        memory with the fast path (kasan_meta.py), or None for Python-only ones."""
        self.lo, self.hi = window_pa
        self._cpu, self._printk, self._symbolize = cpu, env.printk, env.symbolize
        self._current, self._describe = env.current, describe
        # Anonymous memory, zero and backed by the host only where written: pages never
        # handed out are not checked; slab pages are poisoned when they become slabs and
        # when they are given back. Private (copy-on-write), not mmap's default shared
        # mapping: a forked clone of this board (runner/clone.py) gets its own shadow.
        self.shadow = shadow if shadow is not None else \
            mmap.mmap(-1, (self.hi - self.lo) >> SHADOW_SCALE, flags=mmap.MAP_PRIVATE)
        self.reports = []
        self._seen = set()
        #: GlobalBounds (kasan_globals.py): module globals' redzones, for services too
        self.globals = GlobalBounds(self, cpu)
        self._hook = None
        self._native = None          # what the C shadow check refers to, kept alive
        if meta is None:
            self.alloc_info = {}     # object va -> (caller, comm, pid, size)
            self.free_info = {}      # object va -> (caller, comm, pid)
            self._ring, self._cache_of = None, None
            self._quarantine = OrderedDict()   # object va -> (cache, bytes)
            self._quarantined = 0
        else:
            self._ring, self.alloc_info, self.free_info, self._cache_of = meta

    # -- shadow ---------------------------------------------------------------------------
    def _index(self, va):
        return (va - PAGE_OFFSET + PHYS_OFFSET - self.lo) >> SHADOW_SCALE

    def covers(self, va):
        pa = va - PAGE_OFFSET + PHYS_OFFSET
        return self.lo <= pa < self.hi

    def poison(self, va, size, value):
        if not self.covers(va):
            return
        first, last = self._index(va), self._index(va + size - 1)
        self.shadow[first:last + 1] = bytes([value]) * (last - first + 1)

    def unpoison(self, va, size):
        """[va, va + size) accessible; a partial last granule records its valid bytes."""
        if not self.covers(va) or size <= 0:
            return
        first = self._index(va)
        full, rest = divmod(size, 8)
        self.shadow[first:first + full] = bytes(full)
        if rest:
            self.shadow[first + full] = rest

    def bad(self, va, size):
        """The first inaccessible address in [va, va + size), or None."""
        if not self.covers(va):
            return None
        first = self._index(va)
        last = min(self._index(va + size - 1), len(self.shadow) - 1)
        base = va & ~7
        for chunk in range(first, last + 1, SCAN_GRANULES):   # a guest size can be huge
            granules = self.shadow[chunk:min(chunk + SCAN_GRANULES, last + 1)]
            if not any(granules):
                continue
            for j, s in enumerate(granules):
                if s == 0:
                    continue
                i = chunk - first + j
                lo = max(va, base + 8 * i)
                if s >= 0x80:
                    return lo
                if va + size > base + 8 * i + s:   # beyond the valid bytes of a partial one
                    return max(lo, base + 8 * i + s)
        return None

    # -- the hook -------------------------------------------------------------------------
    def arm(self):
        if self._hook is None:
            self._hook = self._arm_native() or \
                self._cpu.hook_memory_raw(self._access, self.lo, self.hi - 1)
            self._cpu.flush_translations()       # code translated earlier has no hook calls

    def _arm_native(self):
        """The shadow check in C (emulator/native/hooks.c kasan_filter): Python's _access
        runs only for an access whose shadow is not all zero. None where the native module
        predates it (the Python hook then checks every access)."""
        from ... import _hooks
        if not hasattr(_hooks, "kasan_filter_address"):
            return None
        check = HOOK_MEM_CFUNC(self._access)
        shadow = ctypes.c_char.from_buffer(self.shadow)
        self._native = (check, shadow, KasanFilter(ctypes.addressof(shadow), self.lo,
                                                    len(self.shadow), ctypes.cast(check,
                                                                                  ctypes.c_void_p)))
        return self._cpu.hook_memory_native(_hooks.kasan_filter_address(),
                                            ctypes.addressof(self._native[2]),
                                            self.lo, self.hi - 1)

    def disarm(self):
        if self._hook is not None:
            self._cpu.unhook(self._hook)
            self._hook = None
            self._cpu.flush_translations()
            self._native = None

    @property
    def armed(self):
        return self._hook is not None

    def _access(self, _uc, access, pa, size, _value, _user):
        """Unicorn's hook callback (hot: one shadow look-up when the access is fine)."""
        shadow = self.shadow
        last = min((pa + size - 1 - self.lo) >> SHADOW_SCALE, len(shadow) - 1)
        if not shadow[(pa - self.lo) >> SHADOW_SCALE] and not shadow[last]:
            return
        try:
            va = pa - PHYS_OFFSET + PAGE_OFFSET
            addr = self.bad(va, size)
            if addr is not None:
                self.report_access(addr, size, access == MEM_WRITE, self._cpu.reg(PC),
                                   start=va)
        except BaseException as e:          # noqa: BLE001 - re-raised after emu_start
            self._cpu.defer(e)

    def check(self, va, size, is_write, caller):
        """A kernel service touching [va, va + size) on behalf of code at caller."""
        addr = self.bad(va, size)
        if addr is not None:
            self.report_access(addr, size, is_write, caller, via_service=True, start=va)
        elif self.globals is not None:
            self.globals.check(va, size, is_write, caller)

    def check_bytewise(self, va, size, caller):
        """A string service scanning [va, va + size) a byte at a time: like the instrumented
        lib/string.c, the first inaccessible byte is reported as a 1-byte read."""
        addr = self.bad(va, size)
        if addr is not None:
            self.report_access(addr, 1, False, caller, via_service=True, start=addr)
        elif self.globals is not None:
            self.globals.check(va, size, False, caller, bytewise=True)

    # -- reports --------------------------------------------------------------------------
    def report_access(self, addr, size, is_write, pc, via_service=False, start=None):
        """addr: the first inaccessible byte (it decides the bug type); start: where the
        access begins (what Linux prints, and the object it describes)."""
        start = addr if start is None else start
        obj = self._describe(addr)
        bug = self._bug_type(addr)
        key = (obj["start"] if obj else addr, bug, is_write, via_service)
        if key in self._seen:                # one report per object and kind of access
            return
        self._seen.add(key)
        lines = self.access_header(bug, pc, is_write, size, start, via_service)
        self._report(lines + self._object_lines(start, obj) + self._shadow_lines(addr))

    def access_header(self, bug, pc, is_write, size, start, via_service):
        """The first lines of a bad-access report, as Linux's KASAN prints them."""
        comm, pid = self._current()
        lines = [f"BUG: KASAN: {bug} in {self._symbolize(pc)}",
                 f"{'Write' if is_write else 'Read'} of size {size} at addr {start:08x} "
                 f"by task {comm}/{pid}"]
        if via_service:
            lines.append("(the access was made by a kernel function it called: memcpy, "
                         "memset, copy_from_user, ...)")
        return lines

    def _bug_type(self, addr):
        """From the shadow byte (a partial granule's neighbour tells what lies beyond)."""
        i = self._index(addr)
        value = self.shadow[i]
        if 0 < value < 8 and i + 1 < len(self.shadow):
            value = self.shadow[i + 1]
        return BUG_TYPES.get(value, "out-of-bounds")

    def report_free(self, kind, va, caller, obj=None):
        """kind: "double-free" or "invalid-free"."""
        key = (kind, caller, va)
        if key in self._seen:
            return
        self._seen.add(key)
        comm, pid = self._current()
        lines = [f"BUG: KASAN: {kind} in {self._symbolize(caller)}",
                 f"Free of addr {va:08x} by task {comm}/{pid}"]
        if obj is not None:
            lines += self._object_lines(va, obj)
        else:
            lines += ["", f"The address {va:08x} does not belong to the slab allocator "
                          f"or is not the start of an object"]
        self._report(lines)

    def report_once(self, key, lines):
        """(issue 16) A report of another checker (module globals, kasan_globals.py) in this
        one's list, once per key."""
        if key not in self._seen:
            self._seen.add(key)
            self._report(lines)

    def _report(self, lines):
        self.reports.append("\n".join(lines))
        for line in [RULE] + lines + [RULE]:
            self._printk(3, line)

    def _object_lines(self, addr, obj):
        if obj is None:
            return []
        start, size = obj["start"], obj["size"]
        lines = []
        for title, info in (("Allocated by", obj.get("alloc")), ("Freed by", obj.get("free"))):
            if info is not None:
                lines += ["", f"{title} task {info[2]}:", f" {self._symbolize(info[0])}"
                          if info[0] else " kernel"]
        where = ("inside of" if start <= addr < start + size else
                 "to the right of" if addr >= start + size else "to the left of")
        distance = addr - start if where == "inside of" else \
            addr - (start + size) if where == "to the right of" else start - addr
        lines += ["", f"The buggy address belongs to the object at {start:08x}",
                  f" which belongs to the cache {obj['cache']}" if obj.get("cache") else
                  " which is a large kmalloc block (pages)",
                  f"The buggy address is located {distance} bytes {where}",
                  f" {size}-byte region [{start:08x}, {start + size:08x})"]
        return lines

    def _shadow_lines(self, addr):
        row_bytes = 16 << SHADOW_SCALE
        row = addr & ~(row_bytes - 1)
        lines = ["", "Memory state around the buggy address:"]
        for r in (row - row_bytes, row, row + row_bytes):
            if not self.covers(r):
                continue
            i = self._index(r)
            cells = " ".join(f"{b:02x}" for b in self.shadow[i:i + 16])
            lines.append(f"{'>' if r == row else ' '}{r:08x}: {cells}")
            if r == row:
                col = (addr - row) >> SHADOW_SCALE
                lines.append(" " * (11 + 3 * col) + "^")
        return lines

    # -- quarantine -----------------------------------------------------------------------
    @property
    def quarantine(self):
        """va -> (cache, bytes), oldest first (a copy when the ring is in guest memory)."""
        if self._ring is None:
            return self._quarantine
        return self._ring.snapshot(self._cache_of)

    def quarantined(self):
        """The set of objects in quarantine."""
        if self._ring is None:
            return set(self._quarantine)
        return {va for va, _ in self._ring.entries()}

    def is_free(self, va):
        """A slab object in the window whose shadow says freed or never allocated (first
        granule poisoned); None outside the window (the caller asks the quarantine)."""
        if not self.covers(va):
            return None
        return self.shadow[self._index(va)] >= 0x80

    def hold(self, va, cache, nbytes):
        """Quarantine a freed object; returns the (va, cache) pairs now old enough to reuse."""
        evicted = []
        if self._ring is not None:
            # bit 0: not for an array cache (fastpath_kasan.py NOT_ARRAY)
            arrayable = self.covers(va) and cache.limit
            self._ring.push(va, cache.va | (0 if arrayable else 1), nbytes)
            while self._ring.bytes > QUARANTINE_BYTES:
                old, old_cache_va = self._ring.pop(lambda c: self._cache_of(c & ~1).size)
                evicted.append((old, self._cache_of(old_cache_va & ~1)))
            return evicted
        self._quarantine[va] = (cache, nbytes)
        self._quarantined += nbytes
        while self._quarantined > QUARANTINE_BYTES:
            old, (old_cache, n) = self._quarantine.popitem(last=False)
            self._quarantined -= n
            evicted.append((old, old_cache))
        return evicted

    def release_cache(self, cache):
        """Take a cache's objects out of quarantine (kmem_cache_destroy, shrink)."""
        if self._ring is not None:
            entries = self._ring.entries()
            mine = [va for va, c in entries if c & ~1 == cache.va]
            if mine:
                rest = [e for e in entries if e[1] & ~1 != cache.va]
                self._ring.rewrite(rest, self._ring.bytes - len(mine) * cache.size)
            return mine
        mine = [va for va, (c, _) in self._quarantine.items() if c is cache]
        for va in mine:
            self._quarantined -= self._quarantine.pop(va)[1]
        return mine


class CheckedMemory:
    """VirtualMemory for kernel services, checking kernel ranges against the shadow first."""

    def __init__(self, vm, kasan, caller):
        self._vm, self._kasan, self._caller = vm, kasan, caller

    def __getattr__(self, name):
        return getattr(self._vm, name)

    def check_range(self, va, n, is_write):
        """The whole range a service is about to touch, reported once with its full size."""
        if n:
            self._kasan.check(va, n, is_write, self._caller())

    def read(self, va, n, user=False):
        if not user and n:
            self._kasan.check(va, n, False, self._caller())
        return self._vm.read(va, n, user)

    def write(self, va, data, user=False):
        if not user and len(data):
            self._kasan.check(va, len(data), True, self._caller())
        self._vm.write(va, data, user)

    def read_u32(self, va):
        return int.from_bytes(self.read(va, 4), "little")

    def write_u32(self, va, value):
        self.write(va, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def read_cstr(self, va, limit=4096, user=False):
        """A string service's read (strlen, strcmp, strcpy, %s, ...): the bytes it scans,
        the NUL included when found within limit, must be accessible."""
        data = self._vm.read_cstr(va, limit, user)
        if not user:
            scanned = len(data) + (1 if len(data) < limit else 0)
            if scanned:
                self._kasan.check_bytewise(va, scanned, self._caller())
        return data
