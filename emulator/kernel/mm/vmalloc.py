"""vmalloc/vzalloc/vfree: virtually contiguous, physically scattered kernel memory
(mm/vmalloc.c, Linux 3.14).

Each area takes a range of the vmalloc space 0xF0000000-0xFF7FFFFF plus a guard page, from
the same VmArea as ioremap (so the two never overlap), and maps one page at a time, each
allocated on its own (GFP_KERNEL | gfp.HIGHMEM: HighMem first), so neighbouring virtual
pages sit on unrelated frames. vmalloc may sleep. /proc/vmallocinfo lists vmalloc areas and
ioremap mappings the way 3.14 does.
"""

from dataclasses import dataclass

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, VMALLOC_END, VMALLOC_START
from ...memory.mmu import KERNEL_RW
from ..hypercall import export
from . import gfp
from .gfp import GFP_KERNEL
from .slab import POISON_FREE


@dataclass
class VmallocArea:
    """A vmalloc'd area: its size, pages and caller."""
    size: int               # requested bytes
    pfns: list
    caller: int


class Vmalloc:
    def __init__(self, pages, vmarea, tables, cpu, ram, env, ioremaps):
        """vmarea: the VmArea ioremap allocates from; ioremaps() -> {va: (phys, size)}."""
        self._pages, self._area, self._tables, self._cpu = pages, vmarea, tables, cpu
        self._ram, self._printk, self._symbolize = ram, env.printk, env.symbolize
        self._caller, self._context, self._faults = env.caller, env.atomic, env.faults
        self._current, self._ledger, self._ioremaps = env.current, env.ledger, ioremaps
        self.areas = {}

    def vmalloc(self, size, gfp_mask, caller):
        self._context.might_sleep("vmalloc", caller)
        npages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT
        if size == 0 or npages > self._pages.normal.managed + \
                (self._pages.highmem.managed if self._pages.highmem else 0):
            return self._failed(size, gfp_mask, caller)
        if self._faults.should_fail("vmalloc", gfp_mask, caller):
            return 0
        va = self._area.alloc(npages * PAGE_SIZE)
        if va is None:
            return self._failed(size, gfp_mask, caller)
        pfns = []
        for i in range(npages):
            pfn = self._pages.alloc(0, gfp_mask | gfp.HIGHMEM, "vmalloc")
            if pfn is None:
                self._unmap(va, pfns)
                return self._failed(size, gfp_mask, caller)
            self._ram.fill(pfn << PAGE_SHIFT, 0 if gfp_mask & gfp.ZERO else POISON_FREE, PAGE_SIZE)
            self._tables.map_page(va + i * PAGE_SIZE, pfn << PAGE_SHIFT, KERNEL_RW)
            pfns.append(pfn)
        self.areas[va] = VmallocArea(size, pfns, caller)
        if self._ledger is not None:
            self._ledger.acquire("vmalloc", va, caller,
                                 f"{size} bytes at {va:#010x} ({npages} pages)")
        return va

    def _failed(self, size, gfp_mask, caller):
        if not gfp_mask & gfp.NOWARN:
            comm, _ = self._current()
            self._printk(4, f"{comm}: vmalloc: allocation failure: {size} bytes")
            self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")
        return 0

    def _unmap(self, va, pfns):
        for i, pfn in enumerate(pfns):
            self._tables.unmap_page(va + i * PAGE_SIZE)
            self._pages.free(pfn, 0)
        self._area.free(va)
        self._cpu.flush_tlb()

    # -- exports --------------------------------------------------------------------------
    @export("vmalloc")
    def vmalloc_export(self, size):
        return self.vmalloc(size, GFP_KERNEL, self._caller())

    @export()
    def vzalloc(self, size):
        return self.vmalloc(size, GFP_KERNEL | gfp.ZERO, self._caller())

    @export()
    def vfree(self, addr):
        if addr == 0:
            return
        area = self.areas.pop(addr, None)
        if area is None:
            _, pid = self._current()
            why = "bad address" if addr & (PAGE_SIZE - 1) else "nonexistent vm area"
            self._printk(4, f"WARNING: CPU: 0 PID: {pid} at mm/vmalloc.c:1468 __vunmap()")
            self._printk(4, f"Trying to vfree() {why} ({addr:08x})")
            self._printk(4, f"[<{self._caller():08x}>] ({self._symbolize(self._caller())})")
            return
        self._unmap(addr, area.pfns)
        if self._ledger is not None:
            self._ledger.release("vmalloc", addr)

    @export()
    def vmalloc_to_pfn(self, addr):
        mapping = self._tables.mapping(addr)
        return 0 if mapping is None else mapping[0] >> PAGE_SHIFT

    @export()
    def vmalloc_to_page(self, addr):
        pfn = self.vmalloc_to_pfn(addr)
        return self._pages.memmap.page_of(pfn) if pfn else 0

    # -- /proc ----------------------------------------------------------------------------
    def used_bytes(self):
        """VmallocUsed: every area of the vmalloc space, guard pages included (3.14)."""
        return sum(self._area.areas.values())

    def largest_free(self):
        free = getattr(self._area, "_free", [[VMALLOC_START, VMALLOC_END]])
        return max((end - start for start, end in free), default=0)

    def proc_vmallocinfo(self, ioremap_caller):
        """ioremap_caller(va) -> the caller recorded for an ioremap area (0: unknown)."""
        rows = []
        for va, area in self.areas.items():
            size = self._area.areas.get(va, 0)
            rows.append((va, size, area.caller, f" pages={len(area.pfns)} vmalloc"))
        for va, (phys, _) in self._ioremaps().items():
            rows.append((va, self._area.areas.get(va, 0), ioremap_caller(va),
                         f" phys={phys:x} ioremap"))
        lines = []
        for va, size, caller, tail in sorted(rows):
            who = f" {self._symbolize(caller)}" if caller else ""
            lines.append(f"0x{va:08x}-0x{va + size:08x} {size:7d}{who}{tail}")
        return "\n".join(lines) + ("\n" if lines else "")
