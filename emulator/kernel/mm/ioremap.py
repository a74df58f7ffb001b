"""ioremap/iounmap: map device registers into the vmalloc area (ARM Linux 3.14 semantics).

Each mapping gets its own virtual range (plus a guard page, as vmalloc does), keeps the low
12 bits of the physical address, and may map a physical page another mapping also maps.
ioremap of System RAM is refused with a WARN, like 3.14's __arm_ioremap_pfn_caller.
"""

from ...memory.layout import PAGE_SIZE, VMALLOC_START, VMALLOC_END
from ...memory.vmarea import VmArea
from ...memory.mmu import KERNEL_DEVICE
from ..hypercall import export


class Ioremap:
    def __init__(self, tables, cpu, bus, is_ram, ledger, kernel_printk, caller):
        self._tables, self._cpu, self._bus, self._is_ram = tables, cpu, bus, is_ram
        self._ledger, self._printk, self._caller = ledger, kernel_printk, caller
        self.vmalloc = VmArea(VMALLOC_START, VMALLOC_END)
        self.mappings = {}       # va of area -> (phys base, size)

    @export("__arm_ioremap")
    def arm_ioremap(self, phys, size, mtype):
        caller = self._caller()
        offset = phys & (PAGE_SIZE - 1)
        base = phys - offset
        npages = (offset + size + PAGE_SIZE - 1) // PAGE_SIZE
        if size == 0 or base + npages * PAGE_SIZE > 1 << 32:
            return 0
        if any(self._is_ram(base + i * PAGE_SIZE) for i in range(npages)):
            self._printk(4, f"WARNING: at arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: "
                            f"ioremap on RAM at {phys:#010x} refused")
            return 0
        va = self.vmalloc.alloc(npages * PAGE_SIZE)
        if va is None:
            return 0
        for i in range(npages):
            self._bus.cover(base + i * PAGE_SIZE)
            self._tables.map_page(va + i * PAGE_SIZE, base + i * PAGE_SIZE, KERNEL_DEVICE)
        self.mappings[va] = (base, npages * PAGE_SIZE)
        self._ledger.acquire("ioremap", va, caller,
                             f"ioremap({phys:#010x}, {size}) = {va + offset:#010x}")
        return va + offset

    @export("__arm_iounmap")
    def arm_iounmap(self, addr):
        va = addr & ~(PAGE_SIZE - 1)
        if va not in self.mappings:
            self._printk(4, f"WARNING: iounmap: Trying to vfree() nonexistent vm area "
                            f"({addr:08x})")
            return
        _, size = self.mappings.pop(va)
        for off in range(0, size, PAGE_SIZE):
            self._tables.unmap_page(va + off)
        self.vmalloc.free(va)
        self._cpu.flush_tlb()
        self._ledger.release("ioremap", va)
