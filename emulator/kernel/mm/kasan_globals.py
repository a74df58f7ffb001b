"""Global-variable bounds for the memory checker (issue 16): KASAN's global-out-of-bounds,
from what a binary module's symbol table says.

Linux's KASAN puts a redzone after each global at compile time; a module built without it
has none, so an overflow usually lands in the next variable, which nothing can tell from a
legitimate access. What the symbol table does give: every variable of `.data` and `.bss`
with its size (STT_OBJECT, st_size). The bytes of those sections no variable covers, and
the padding after them up to the next section, are a redzone here: an access there (a
static array read or written past its end into the alignment gap or off the section's end)
is reported as Linux reports it, naming the variable to its left.

The module's own loads and stores are checked by a Unicorn hook over the physical range of
those sections, filtered in C like the slab checker's (Python runs only for a granule that
holds a redzone byte); kernel services (memcpy, copy_to_user, strlen, %s, ...) through the
slab checker's CheckedMemory, which asks `check` here.
"""

import ctypes

from ...cpu import HOOK_MEM_CFUNC, MEM_WRITE, PC

GUARDED = (".data", ".bss")
KASAN_GLOBAL_REDZONE = 0xF9


class _Watch:
    """One module's guarded range: a byte map (1 = redzone) and the C filter's shadow."""

    def __init__(self, name, lo_va, lo_pa, redzone, objects):
        self.name, self.lo_va, self.lo_pa = name, lo_va, lo_pa
        self.redzone = redzone                 # bytearray, one byte per byte of the range
        self.objects = objects                 # sorted [(addr, size, name)]
        granules = (len(redzone) + 7) >> 3
        self.shadow = bytearray(granules)
        for i in range(granules):
            if any(redzone[8 * i:8 * i + 8]):
                self.shadow[i] = KASAN_GLOBAL_REDZONE
        self.hook = None
        self.native = None


class KasanFilter(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct kasan_filter)."""
    _fields_ = [("shadow", ctypes.c_void_p), ("lo", ctypes.c_uint64), ("len", ctypes.c_uint64),
                ("check", ctypes.c_void_p)]


class GlobalBounds:
    def __init__(self, kasan, cpu):
        """kasan: the slab checker (Kasan) that owns this, whose report list, header and
        once-per-place rule this shares (it checks services' ranges here too)."""
        self._kasan, self._cpu = kasan, cpu
        self._watches = {}                     # module name -> _Watch

    def watch(self, name, base, size, pfn, sections, symbols):
        """A module just mapped at base (size bytes, physically contiguous from pfn):
        sections {name: (addr, size)}, symbols [(addr, size, name, kind)]."""
        ordered = sorted(sections.values())
        spans = []
        for sec in GUARDED:
            if sec not in sections or not sections[sec][1]:
                continue
            start, length = sections[sec]
            nxt = min((a for a, _ in ordered if a >= start + length), default=base + size)
            spans.append((start, start + length, nxt))
        if not spans:
            return
        lo, hi = min(s[0] for s in spans), max(s[2] for s in spans)
        redzone = bytearray(hi - lo)
        objects = []
        for start, end, pad_end in spans:
            redzone[start - lo:pad_end - lo] = b"\1" * (pad_end - start)
            for addr, length, sym, kind in symbols:
                if kind == "object" and start <= addr < end and length:
                    redzone[addr - lo:addr - lo + length] = bytes(length)
                    objects.append((addr, length, sym))
        if not any(redzone):
            return
        watch = _Watch(name, lo, (pfn << 12) + (lo - base), redzone, sorted(objects))
        self._arm(watch)
        self._watches[name] = watch

    def forget(self, name):
        watch = self._watches.pop(name, None)
        if watch is not None and watch.hook is not None:
            self._cpu.unhook(watch.hook)

    def _arm(self, watch):
        from ... import _hooks
        check = HOOK_MEM_CFUNC(lambda uc, access, pa, size, value, user:
                               self._access(watch, access, pa, size))
        hi_pa = watch.lo_pa + len(watch.redzone) - 1
        if hasattr(_hooks, "kasan_filter_address"):
            shadow = ctypes.c_char.from_buffer(watch.shadow)
            filt = KasanFilter(ctypes.addressof(shadow), watch.lo_pa, len(watch.shadow),
                                ctypes.cast(check, ctypes.c_void_p))
            watch.native = (check, shadow, filt)
            watch.hook = self._cpu.hook_memory_native(_hooks.kasan_filter_address(),
                                                      ctypes.addressof(filt), watch.lo_pa,
                                                      hi_pa)
        else:
            watch.native = (check,)
            watch.hook = self._cpu.hook_memory_raw(check, watch.lo_pa, hi_pa)

    def _access(self, watch, access, pa, size):
        try:
            off = pa - watch.lo_pa
            bad = next((i for i in range(max(off, 0), min(off + size, len(watch.redzone)))
                        if watch.redzone[i]), None)
            if bad is not None:
                self._report(watch, watch.lo_va + off, watch.lo_va + bad, size,
                             access == MEM_WRITE, self._cpu.reg(PC))
        except BaseException as e:          # noqa: BLE001 - re-raised after emu_start
            self._cpu.defer(e)

    def check(self, va, size, is_write, caller, bytewise=False):
        """A kernel service touching [va, va + size) on behalf of code at caller; bytewise:
        a string service (the first bad byte is reported as a 1-byte read)."""
        for watch in self._watches.values():
            end = watch.lo_va + len(watch.redzone)
            if va >= end or va + size <= watch.lo_va:
                continue
            lo, hi = max(va, watch.lo_va) - watch.lo_va, min(va + size, end) - watch.lo_va
            bad = watch.redzone.find(1, lo, hi)
            if bad >= 0:
                addr = watch.lo_va + bad
                self._report(watch, addr if bytewise else va, addr, 1 if bytewise else size,
                             is_write, caller, via_service=True)
            return

    def _report(self, watch, start, addr, size, is_write, pc, via_service=False):
        left = [o for o in watch.objects if o[0] <= addr]
        obj = left[-1] if left else None
        key = ("global", obj[0] if obj else addr, is_write, via_service)
        lines = self._kasan.access_header("global-out-of-bounds", pc, is_write, size, start,
                                          via_service)
        lines.append("")
        if obj is not None:
            o_addr, o_size, o_name = obj
            lines += ["The buggy address belongs to the variable:",
                      f" {o_name}+{addr - o_addr:#x}/{o_size:#x} [{watch.name}]",
                      f"The buggy address is located {addr - o_addr - o_size} bytes to the "
                      f"right of {o_size}-byte global variable {o_name}"]
        else:
            lines.append(f"The buggy address is in {watch.name}'s data, before its first "
                         f"variable")
        self._kasan.report_once(key, lines)

