"""The board's DRAM as the CPU sees it (physical addresses), and the boot allocator.

Unicorn backs the RAM with anonymous host memory, so untouched pages cost no host RSS.
"""

from .layout import PAGE_SIZE


class PhysicalMemory:
    """Byte access to guest physical memory (RAM and MMIO alike, as the bus decodes it)."""

    def __init__(self, cpu, base, size):
        self.base, self.size = base, size
        self._read, self._write = cpu.mem_read, cpu.mem_write
        cpu.map_ram(base, size)

    def read(self, pa, n):
        return bytes(self._read(pa, n))

    def write(self, pa, data):
        self._write(pa, bytes(data))

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
