"""The board's DRAM as the CPU sees it (physical addresses) and a page-frame allocator over it.

Unicorn backs the RAM with anonymous host memory, so untouched pages cost no host RSS.
"""

from .layout import PAGE_SHIFT, PAGE_SIZE


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


class FrameAllocator:
    """Physical page frames of one zone: first-fit over sorted free runs, runs merged on free.

    A simple allocator for the foundation; the buddy allocator of the memory issue replaces it.
    """

    def __init__(self, start_pa, end_pa):
        self.first_pfn = start_pa >> PAGE_SHIFT
        self.end_pfn = end_pa >> PAGE_SHIFT
        self._free = [[self.first_pfn, self.end_pfn]]   # [start, end) runs, sorted
        self.free_pages = self.end_pfn - self.first_pfn

    def alloc(self, npages=1):
        """Return the first pfn of npages contiguous frames, or None when no run is long enough."""
        for run in self._free:
            if run[1] - run[0] >= npages:
                pfn = run[0]
                run[0] += npages
                if run[0] == run[1]:
                    self._free.remove(run)
                self.free_pages -= npages
                return pfn
        return None

    def free(self, pfn, npages=1):
        if not (self.first_pfn <= pfn and pfn + npages <= self.end_pfn):
            raise ValueError(f"pfn {pfn:#x} is outside this zone")
        runs = self._free
        i = 0
        while i < len(runs) and runs[i][0] < pfn:
            i += 1
        if (i > 0 and runs[i - 1][1] > pfn) or (i < len(runs) and runs[i][0] < pfn + npages):
            raise ValueError(f"double free of pfn {pfn:#x}")
        runs.insert(i, [pfn, pfn + npages])
        if i + 1 < len(runs) and runs[i][1] == runs[i + 1][0]:
            runs[i][1] = runs.pop(i + 1)[1]
        if i > 0 and runs[i - 1][1] == runs[i][0]:
            runs[i - 1][1] = runs.pop(i)[1]
        self.free_pages += npages
