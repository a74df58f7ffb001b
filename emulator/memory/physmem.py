"""The board's DRAM as the CPU sees it (physical addresses), and the boot allocator.

Unicorn backs the RAM with anonymous host memory, so untouched pages cost no host RSS.
Ranges named ``host_backed`` are mapped from host memory this object owns (``host(pa)``),
so native code can read them without asking Unicorn (the memory checker's shadow).
"""

import ctypes
import mmap

from .layout import PAGE_SIZE


class PhysicalMemory:
    """Byte access to guest physical memory (RAM and MMIO alike, as the bus decodes it)."""

    def __init__(self, cpu, base, size, host_backed=()):
        """host_backed: (pa, size) page-aligned ranges inside the RAM, in address order."""
        self.base, self.size = base, size
        self._read, self._write = cpu.mem_read, cpu.mem_write
        self._host = {}
        self._spans = []                 # (start pa, end pa, mmap) of host-backed ranges
        at = base
        for pa, n in host_backed:
            if pa > at:
                cpu.map_ram(at, pa - at)
            # Private anonymous memory: zero, paid for only where written, and copied on
            # write by a forked clone of the board (runner/clone.py), as Unicorn's own RAM.
            buf = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE)
            cpu.map_ram_host(pa, n, ctypes.addressof(ctypes.c_char.from_buffer(buf)))
            self._host[pa] = buf
            self._spans.append((pa, pa + n, buf))
            at = pa + n
        if base + size > at:
            cpu.map_ram(at, base + size - at)

    def host(self, pa):
        """The host memory of the host-backed range starting at pa (an mmap)."""
        return self._host[pa]

    def read(self, pa, n):
        return bytes(self._read(pa, n))

    def write(self, pa, data):
        self._write(pa, bytes(data))

    def host_span(self, pa):
        """(start pa, end pa, mmap) of the host-backed range holding pa, or None: data the
        guest does not run (page poison) may be written there directly, without Unicorn's
        write path (and its invalidation of translated code, which data needs none of)."""
        return next((span for span in self._spans if span[0] <= pa < span[1]), None)

    def read_u32(self, pa):
        return int.from_bytes(self._read(pa, 4), "little")

    def write_u32(self, pa, value):
        self._write(pa, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def fill(self, pa, byte, n):
        self._write(pa, bytes([byte]) * n)


class BootAllocator:
    """Bump allocation of the pages the kernel image would own (page tables, stubs, stacks)."""

    def __init__(self, start, end):
        self._next, self._end = start, end

    def alloc(self, size, align=PAGE_SIZE):
        pa = (self._next + align - 1) // align * align
        if pa + size > self._end:
            raise MemoryError("boot memory exhausted")
        self._next = pa + size
        return pa
