"""/dev/mem (major 1, minor 1) and the console's `devmem`: physical addresses from user space.

Linux 3.14 drivers/char/mem.c with CONFIG_STRICT_DEVMEM (ARM's devmem_is_allowed): mmap
maps device pages (uncached) but refuses System RAM with -EPERM; read()/write() accept
only RAM (valid_phys_addr_range), which the same check then refuses, so they fail.
`devmem ADDR [WIDTH [VALUE]]` does what busybox devmem does through a mapping of
/dev/mem: one access of WIDTH bits to the physical address, reaching the device model.
"""

from .abi import MKDEV, VM_AREA_STRUCT
from .errno import EFAULT, EINVAL, EPERM
from .files import File

MEM_RDEV = MKDEV(1, 1)
O_ACCMODE = 3
FMODES = {0: 1, 1: 2, 2: 3}


class DevMemFile(File):
    def __init__(self, flags, mmap, vm, is_ram):
        self.fmode = FMODES.get(flags & O_ACCMODE, 0)
        self._mmap, self._vm, self._is_ram = mmap, vm, is_ram

    def mmap_direct(self, vma):
        """mmap_mem: remap_pfn_range of [vm_pgoff, +size) once every page is allowed."""
        start, end, pgoff, prot = (self._vm.read_u32(vma + VM_AREA_STRUCT[f]) for f in
                                   ("vm_start", "vm_end", "vm_pgoff", "vm_page_prot"))
        npages = (end - start) >> 12
        if pgoff + npages > 1 << 20:
            return -EINVAL
        if any(self._is_ram((pgoff + i) << 12) for i in range(npages)):
            return -EPERM
        prot &= ~0x3C                                   # pgprot_noncached
        return self._mmap.remap_pfn_range(vma, start, pgoff, end - start, prot) and -EINVAL

    def read(self, vm, buf, count):
        return -EFAULT

    def write(self, vm, buf, count):
        return -EFAULT


class DevMem:
    def __init__(self, mmap, vm, bus, ram, forget_code=None):
        """forget_code(pfn): drop the CPU's translated code of a frame written here (code
        written through /dev/mem runs as written, in a fresh board and a clone alike)."""
        self._mmap, self._vm, self._bus, self._ram = mmap, vm, bus, ram
        self._forget_code = forget_code or (lambda pfn: None)

    def open(self, flags):
        return DevMemFile(flags, self._mmap, self._vm, self._bus.is_ram)

    def access(self, pa, width, value=None):
        """One access of width bits at physical pa; the value read (or None after a write)."""
        size = width // 8
        if width not in (8, 16, 32) or pa % size:
            raise ValueError(f"width {width} at {pa:#x}: 8, 16 or 32 bits, aligned")
        if not 0 <= pa < 1 << 32:
            raise ValueError(f"address {pa:#x} is not a 32-bit physical address")
        if value is not None and not 0 <= value < 1 << width:
            raise ValueError(f"value {value:#x} does not fit in {width} bits")
        if self._bus.is_ram(pa):
            if value is None:
                return int.from_bytes(self._ram.read(pa, size), "little")
            self._ram.write(pa, (value & ((1 << width) - 1)).to_bytes(size, "little"))
            self._forget_code(pa >> 12)
            return None
        self._bus.cover(pa)
        region = self._bus.region_at(pa)
        if value is None:
            self._bus.reads += 1
            return region.read(pa - region.base, size)
        self._bus.writes += 1
        region.write(pa - region.base, size, value & ((1 << width) - 1))
        return None
