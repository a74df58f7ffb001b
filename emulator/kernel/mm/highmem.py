"""kmap/kunmap and kmap_atomic/__kunmap_atomic: temporary kernel mappings of HighMem pages
(mm/highmem.c, arch/arm/mm/highmem.c of Linux 3.14).

A HighMem page has no address in the linear map, so page_address() is NULL until kmap()
maps it into the pkmap window (0xBFE00000, 512 slots; a page kmapped twice shares its slot,
counted). kmap may sleep (waiting for a free slot). kmap_atomic maps into this CPU's fixmap
slots (0xFFF00000 + idx pages, a stack of KM_TYPE_NR) and disables page faults, which
raises the preempt count: the code up to __kunmap_atomic is atomic. Lowmem pages map to
their linear address in both cases.
"""

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, phys_to_virt
from ...memory.mmu import KERNEL_RW
from ..hypercall import export
from .layout import FIXADDR_START, KM_TYPE_NR, LAST_PKMAP, PKMAP_BASE


class Kmap:
    def __init__(self, memmap, tables, cpu, is_highmem, env):
        self._memmap, self._tables, self._cpu = memmap, tables, cpu
        self._is_highmem, self._context = is_highmem, env.atomic
        self._printk, self._symbolize, self._caller = env.printk, env.symbolize, env.caller
        self.pkmap = {}             # pfn -> [slot, count]
        self._slots = [None] * LAST_PKMAP
        self.atomic = []            # fixmap stack: pfns (None for lowmem pages)

    def address_of(self, pfn):
        """page_address of a HighMem page: its pkmap address while kmapped, else 0."""
        entry = self.pkmap.get(pfn)
        return PKMAP_BASE + entry[0] * PAGE_SIZE if entry else 0

    def _pfn(self, page):
        pfn = self._memmap.pfn_of(page)
        if pfn is None:
            self._printk(1, f"BUG: kmap of {page:#010x}, not a struct page (called from "
                            f"{self._symbolize(self._caller())})")
        return pfn

    @export()
    def kmap(self, page):
        self._context.might_sleep("kmap")
        pfn = self._pfn(page)
        if pfn is None:
            return 0
        if not self._is_highmem(pfn):
            return phys_to_virt(pfn << PAGE_SHIFT)
        entry = self.pkmap.get(pfn)
        if entry is None:
            if None not in self._slots:
                self._printk(3, "kmap: no free pkmap slot (would sleep until one is free)")
                return 0
            slot = self._slots.index(None)
            self._slots[slot] = pfn
            entry = self.pkmap[pfn] = [slot, 0]
            self._tables.map_page(PKMAP_BASE + slot * PAGE_SIZE, pfn << PAGE_SHIFT, KERNEL_RW)
        entry[1] += 1
        return PKMAP_BASE + entry[0] * PAGE_SIZE

    @export()
    def kunmap(self, page):
        pfn = self._pfn(page)
        if pfn is None or not self._is_highmem(pfn):
            return
        entry = self.pkmap.get(pfn)
        if entry is None:
            self._printk(3, f"BUG: kunmap of a page that is not kmapped (pfn {pfn:#x}), "
                            f"called from {self._symbolize(self._caller())}")
            return
        entry[1] -= 1
        if entry[1] == 0:
            del self.pkmap[pfn]
            self._slots[entry[0]] = None
            self._tables.unmap_page(PKMAP_BASE + entry[0] * PAGE_SIZE)
            self._cpu.flush_tlb()

    @export()
    def kmap_atomic(self, page):
        pfn = self._pfn(page)
        if pfn is None:
            return 0
        self._context.preempt_add(1)                 # pagefault_disable()
        if not self._is_highmem(pfn):
            self.atomic.append(None)
            return phys_to_virt(pfn << PAGE_SHIFT)
        if len(self.atomic) >= KM_TYPE_NR:
            self._printk(1, "BUG: kmap_atomic: more than KM_TYPE_NR nested mappings")
            self._context.preempt_add(-1)
            return 0
        va = FIXADDR_START + len(self.atomic) * PAGE_SIZE
        self.atomic.append(pfn)
        self._tables.map_page(va, pfn << PAGE_SHIFT, KERNEL_RW)
        self._cpu.flush_tlb()
        return va

    @export("__kunmap_atomic")
    def kunmap_atomic(self, kvaddr):
        if not self.atomic:
            self._printk(3, f"BUG: __kunmap_atomic({kvaddr:#010x}) without kmap_atomic, "
                            f"called from {self._symbolize(self._caller())}")
            return
        pfn = self.atomic.pop()
        if pfn is not None:
            self._tables.unmap_page(FIXADDR_START + len(self.atomic) * PAGE_SIZE)
            self._cpu.flush_tlb()
        self._context.preempt_add(-1)                # pagefault_enable()
