"""File mappings of a process: the chrdev mmap bridge, remap_pfn_range and fault handlers.

mmap2 on a character device builds a real `struct vm_area_struct` (abi.VM_AREA_STRUCT) and
runs the driver's fops->mmap on it, as mm/mmap.c's mmap_region does. remap_pfn_range /
vm_insert_pfn, called by the driver meanwhile, map pages into the process's page tables
(device pages as device memory, RAM pages as normal memory). Pages left unmapped are filled
on first access from the user data abort (Entry.user_fault): vm_ops->fault, else the legacy
vm_ops->nopage, else a zeroed anonymous page, as 3.14's handle_pte_fault does. munmap and
process exit call vm_ops->close (after splitting a partly unmapped VMA, with ->open on the
new pieces) and drop the mapping's reference on the file.
"""

import struct
from dataclasses import dataclass, field

from ..memory.layout import LOWMEM_VIRT_END, PAGE_SIZE, TASK_SIZE
from ..memory.mmu import AP_KERNEL, AP_USER_RO, AP_USER_RW, GuestFaultAccess, Prot
from .abi import FILE, VM_AREA_STRUCT, VM_FAULT, VM_OPERATIONS_STRUCT
from .entry import GuestCall, signed
from .errno import EACCES, EBUSY, EINVAL, ENODEV, ENOMEM
from .files import fput
from .hypercall import export
from .oops import decode, fault_address

PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED, MAP_PRIVATE, MAP_FIXED = 0x01, 0x02, 0x10
VM_READ, VM_WRITE, VM_EXEC, VM_SHARED = 0x1, 0x2, 0x4, 0x8
VM_MAYREAD, VM_MAYWRITE, VM_MAYEXEC, VM_MAYSHARE = 0x10, 0x20, 0x40, 0x80
VM_PFNMAP, VM_IO, VM_DONTEXPAND, VM_DONTDUMP, VM_MIXEDMAP = (0x400, 0x4000, 0x40000,
                                                             0x4000000, 0x10000000)
FMODE_READ, FMODE_WRITE = 1, 2
FAULT_FLAG_WRITE, FAULT_FLAG_USER = 0x01, 0x40
VM_FAULT_OOM, VM_FAULT_SIGBUS, VM_FAULT_NOPAGE = 0x1, 0x2, 0x100
VM_FAULT_ERROR = 0x1 | 0x2 | 0x10 | 0x20 | 0x800
NOPAGE_OOM = 0xFFFFFFFF
SIGBUS, SIGKILL = 7, 9

# Linux PTE bits of a pgprot_t (arch/arm/include/asm/pgtable-2level.h).
L_PTE_PRESENT, L_PTE_YOUNG, L_PTE_RDONLY, L_PTE_USER, L_PTE_XN, L_PTE_SHARED = (
    1, 2, 1 << 7, 1 << 8, 1 << 9, 1 << 10)
L_PTE_MT_WRITEALLOC, L_PTE_MT_MASK = 0x1C, 0x3C
PGPROT_USER = L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_MT_WRITEALLOC | L_PTE_SHARED
_NONE = PGPROT_USER | L_PTE_XN | L_PTE_RDONLY | (1 << 11)
_RO = PGPROT_USER | L_PTE_USER | L_PTE_RDONLY | L_PTE_XN
_RX = PGPROT_USER | L_PTE_USER | L_PTE_RDONLY
_SHARED = PGPROT_USER | L_PTE_USER | L_PTE_XN
_SHARED_X = PGPROT_USER | L_PTE_USER
#: protection_map[VM_READ|VM_WRITE|VM_EXEC|VM_SHARED] (arch/arm/include/asm/pgtable.h).
PROTECTION_MAP = (_NONE, _RO, _RO, _RO, _RX, _RX, _RX, _RX,
                  _NONE, _RO, _SHARED, _SHARED, _RX, _RX, _SHARED_X, _SHARED_X)
_WRITES = ("str", "stm", "push", "swp", "vst", "vpush")


def page_prot(pgprot, device):
    """The MMU protection of a Linux pgprot_t value."""
    if not pgprot & L_PTE_USER:
        return Prot(AP_KERNEL, xn=True, device=device)
    ap = AP_USER_RO if pgprot & L_PTE_RDONLY else AP_USER_RW
    return Prot(ap, xn=bool(pgprot & L_PTE_XN), device=device)


@dataclass(eq=False)
class Vma:
    """A mapping of a device file (struct vm_area_struct) in a process."""
    start: int
    end: int
    va: int                         # the guest struct vm_area_struct
    file: object                    # the open file (ChrdevFile, DevMemFile)
    pages: dict = field(default_factory=dict)     # page va -> pfn (not owned)


class Mmap:
    def __init__(self, vm, tables, cpu, bus, kmalloc, kernel_printk, page_to_pfn, kill,
                 legacy_nopage=lambda ops: 0):
        """page_to_pfn(struct page *) -> pfn or None; kill(signo) -> exit generator;
        legacy_nopage(ops): the seed's 2.6-era `nopage` handler of the vm_operations_struct
        at ops, or 0 (3.14 has no such member: kernel/module.py's Modules.legacy_nopage asks
        the module that owns ops)."""
        self._vm, self._tables, self._cpu, self._bus = vm, tables, cpu, bus
        self._kmalloc, self._printk = kmalloc, kernel_printk
        self._page_to_pfn, self._kill = page_to_pfn, kill
        self.legacy_nopage = legacy_nopage
        self.vmas = {}              # AddressSpace -> [Vma]
        self._building = []         # VMAs whose fops->mmap is running
        # high_memory (mm/memory.c): the end of lowmem, which drivers' mmap compare offsets
        # with (seed 004: `offset >= __pa(high_memory)` means device memory).
        self._high_memory = kmalloc.alloc(4)
        vm.write_u32(self._high_memory, LOWMEM_VIRT_END)

    def data_symbols(self):
        return {"high_memory": self._high_memory}

    # -- guest struct access -------------------------------------------------------------
    def _get(self, vma, name):
        return self._vm.read_u32(vma.va + VM_AREA_STRUCT[name])

    def _set(self, vma, name, value):
        self._vm.write_u32(vma.va + VM_AREA_STRUCT[name], value)

    def _op(self, vma, name):
        ops = self._get(vma, "vm_ops")
        return self._vm.read_u32(ops + VM_OPERATIONS_STRUCT[name]) if ops else 0

    def _new_struct(self, start, end, pgoff, flags, prot, file_va):
        va = self._kmalloc.alloc(VM_AREA_STRUCT.size, zero=True)
        if va:
            data = bytearray(VM_AREA_STRUCT.size)
            for name, value in (("vm_start", start), ("vm_end", end), ("vm_pgoff", pgoff),
                                ("vm_flags", flags), ("vm_page_prot", prot),
                                ("vm_file", file_va)):
                struct.pack_into("<I", data, VM_AREA_STRUCT[name], value)
            self._vm.write(va, data)
        return va

    # -- mapping pages --------------------------------------------------------------------
    def _find(self, va):
        for vma in self._building:
            if vma.va == va:
                return vma
        for vmas in self.vmas.values():
            for vma in vmas:
                if vma.va == va:
                    return vma
        return None

    def _map(self, vma, page, pfn, pgprot):
        pa = pfn << 12
        device = not self._bus.is_ram(pa)
        if device:
            self._bus.cover(pa)
        self._tables.map_page(page, pa, page_prot(pgprot, device))
        vma.pages[page] = pfn

    def _unmap_pages(self, vma, start, end):
        pages = [p for p in vma.pages if start <= p < end]
        self._tables.unmap_pages(pages)
        for p in pages:
            del vma.pages[p]
        self._cpu.flush_tlb()

    @export("remap_pfn_range")
    def remap_pfn_range(self, vma_va, addr, pfn, size, prot):
        vma = self._find(vma_va)
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        end = addr + size
        if vma is None or addr & (PAGE_SIZE - 1) or addr >= end or addr < vma.start \
                or end > vma.end or pfn + (size >> 12) > 1 << 20:
            return -EINVAL & 0xFFFFFFFF
        flags = self._get(vma, "vm_flags")
        if flags & (VM_SHARED | VM_MAYWRITE) == VM_MAYWRITE:       # is_cow_mapping
            if addr != vma.start or end != vma.end:
                return -EINVAL & 0xFFFFFFFF
            self._set(vma, "vm_pgoff", pfn)
        self._set(vma, "vm_flags", flags | VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP)
        if any(addr <= p < end for p in vma.pages):
            self._printk(2, f"BUG: remap_pfn_range: {addr:#010x}-{end:#010x} already mapped")
            return -EBUSY & 0xFFFFFFFF
        for i in range(size >> 12):
            self._map(vma, addr + i * PAGE_SIZE, pfn + i, prot)
        self._cpu.flush_tlb()
        return 0

    @export("vm_insert_pfn")
    def vm_insert_pfn(self, vma_va, addr, pfn):
        vma = self._find(vma_va)
        if vma is None or not self._get(vma, "vm_flags") & (VM_PFNMAP | VM_MIXEDMAP):
            self._printk(2, "kernel BUG at mm/memory.c: vm_insert_pfn without VM_PFNMAP")
            return -EINVAL & 0xFFFFFFFF
        if not vma.start <= addr < vma.end:
            return -14 & 0xFFFFFFFF                                    # -EFAULT
        page = addr & ~(PAGE_SIZE - 1)
        if page in vma.pages:
            return -EBUSY & 0xFFFFFFFF
        self._map(vma, page, pfn, self._get(vma, "vm_page_prot"))
        self._cpu.flush_tlb()
        return 0

    # -- mmap2 ----------------------------------------------------------------------------
    def mmap(self, mm, file, addr, length, prot, flags, pgoff, direct=None):
        """do_mmap_pgoff + mmap_region for a file: a generator returning the address or -errno.

        direct(vma_va): for kernel-side files (/dev/mem), their mmap run in Python.
        """
        size = (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if length == 0 or size == 0 or flags & 3 not in (MAP_SHARED, MAP_PRIVATE):
            return -EINVAL
        if pgoff + (size >> 12) > 1 << 20:
            return -75                                                 # -EOVERFLOW
        mmap_fn = file.ops.get("mmap", 0)
        if not mmap_fn and direct is None:
            return -ENODEV
        fmode = self._vm.read_u32(file.file_va + FILE["f_mode"]) if file.file_va else file.fmode
        if (prot & PROT_READ and not fmode & FMODE_READ) or (
                flags & 3 == MAP_SHARED and prot & PROT_WRITE and not fmode & FMODE_WRITE):
            return -EACCES
        vm_flags = ((VM_READ if prot & PROT_READ else 0) | (VM_WRITE if prot & PROT_WRITE else 0)
                    | (VM_EXEC if prot & PROT_EXEC else 0) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
        if flags & 3 == MAP_SHARED:
            vm_flags |= VM_SHARED | VM_MAYSHARE
            if not fmode & FMODE_WRITE:
                vm_flags &= ~(VM_MAYWRITE | VM_SHARED)
        if flags & MAP_FIXED:
            if addr & (PAGE_SIZE - 1) or addr + size > TASK_SIZE:
                return -EINVAL
            mm.unmap(addr, size)
            yield from self.munmap(mm, addr, size)
            start = addr
        else:
            start = mm.mmap_top - size
            if start <= mm.brk + PAGE_SIZE:
                return -ENOMEM
        va = self._new_struct(start, start + size, pgoff, vm_flags,
                              PROTECTION_MAP[vm_flags & 0xF], file.file_va)
        if not va:
            return -ENOMEM
        vma = Vma(start, start + size, va, file)
        self._building.append(vma)
        try:
            if direct is not None:
                ret = direct(va)
            else:
                ret = signed((yield GuestCall(mmap_fn, (file.file_va, va))))
        finally:
            self._building.remove(vma)
        if ret < 0:
            self._unmap_pages(vma, vma.start, vma.end)
            self._kmalloc.free(va)
            return ret
        self.vmas.setdefault(mm, []).append(vma)
        file.users += 1                                    # get_file: the mapping's reference
        if not flags & MAP_FIXED:
            mm.mmap_top = start
        return start

    # -- faults ---------------------------------------------------------------------------
    def vma_at(self, mm, addr):
        for vma in self.vmas.get(mm, ()):
            if vma.start <= addr < vma.end:
                return vma
        return None

    def user_fault(self, mm, regs):
        """A user data abort: a generator filling the page (returns r0 back), or None."""
        pc, thumb = regs["pc"], bool(regs["cpsr"] & 0x20)
        try:
            insn = decode(self._vm.read(pc, 4, user=True), pc, thumb)
        except GuestFaultAccess:
            return None
        addr = fault_address(insn, regs)
        vma = self.vma_at(mm, addr) if addr is not None else None
        page = addr & ~(PAGE_SIZE - 1) if vma else None
        if vma is None or page in vma.pages or page in mm.pages:
            return None                                    # no VMA, or a protection fault
        write = insn.mnemonic.startswith(_WRITES)
        return self._fault_in(mm, vma, page, addr, write, regs["r0"])

    def _fault_in(self, mm, vma, page, addr, write, r0):
        fault = self._op(vma, "fault")
        ops = self._get(vma, "vm_ops")
        nopage = self.legacy_nopage(ops) if ops and not fault else 0
        pfn = None
        if fault:
            vmf = self._kmalloc.alloc(VM_FAULT.size, zero=True)
            pgoff = ((page - vma.start) >> 12) + self._get(vma, "vm_pgoff")
            self._vm.write(vmf, struct.pack("<IIII", FAULT_FLAG_USER
                                            | (FAULT_FLAG_WRITE if write else 0), pgoff, page, 0))
            ret = yield GuestCall(fault, (vma.va, vmf))
            page_ptr = self._vm.read_u32(vmf + VM_FAULT["page"])
            self._kmalloc.free(vmf)
            if ret & VM_FAULT_ERROR:
                return (yield from self._kill(SIGKILL if ret & VM_FAULT_OOM else SIGBUS))
            if ret & VM_FAULT_NOPAGE:
                if page in vma.pages:
                    return r0
                self._printk(3, f"emu4412: fault handler returned VM_FAULT_NOPAGE without "
                                f"mapping {addr:#010x}")
                return (yield from self._kill(SIGBUS))
            pfn = self._page_to_pfn(page_ptr)
        elif nopage:
            kind = self._kmalloc.alloc(4, zero=True)
            page_ptr = yield GuestCall(nopage, (vma.va, addr, kind))
            self._kmalloc.free(kind)
            if page_ptr == 0:
                return (yield from self._kill(SIGBUS))
            if page_ptr == NOPAGE_OOM:
                return (yield from self._kill(SIGKILL))
            pfn = self._page_to_pfn(page_ptr)
        else:                                              # do_anonymous_page
            pgprot = self._get(vma, "vm_page_prot")
            if not mm.map_zeroed(page, PAGE_SIZE, page_prot(pgprot, False)):
                return (yield from self._kill(SIGKILL))
            self._cpu.flush_tlb()
            return r0
        if pfn is None:
            self._printk(3, f"emu4412: fault handler gave no valid struct page for {addr:#010x}")
            return (yield from self._kill(SIGBUS))
        self._map(vma, page, pfn, self._get(vma, "vm_page_prot"))
        self._cpu.flush_tlb()
        return r0

    # -- unmapping --------------------------------------------------------------------------
    def _split(self, mm, vma, addr, new_below):
        """__split_vma: a copy of vma for [start, addr) (new_below) or [addr, end), opened."""
        pgoff = self._get(vma, "vm_pgoff")
        raw = self._vm.read(vma.va, VM_AREA_STRUCT.size)
        va = self._kmalloc.alloc(VM_AREA_STRUCT.size)
        self._vm.write(va, raw)
        if new_below:
            new = Vma(vma.start, addr, va, vma.file)
            vma.start = addr
            self._set(vma, "vm_pgoff", pgoff + ((addr - new.start) >> 12))
        else:
            new = Vma(addr, vma.end, va, vma.file)
            self._vm.write_u32(va + VM_AREA_STRUCT["vm_pgoff"], pgoff + ((addr - vma.start) >> 12))
            vma.end = addr
        self._set(vma, "vm_start", vma.start)
        self._set(vma, "vm_end", vma.end)
        self._vm.write_u32(va + VM_AREA_STRUCT["vm_start"], new.start)
        self._vm.write_u32(va + VM_AREA_STRUCT["vm_end"], new.end)
        new.pages = {p: f for p, f in vma.pages.items() if new.start <= p < new.end}
        vma.pages = {p: f for p, f in vma.pages.items() if p not in new.pages}
        new.file.users += 1
        self.vmas[mm].append(new)
        open_fn = self._op(new, "open")
        if open_fn:
            yield GuestCall(open_fn, (new.va,))
        return new

    def _remove(self, mm, vma):
        """remove_vma: pages unmapped, ->close called, the file reference dropped."""
        self._unmap_pages(vma, vma.start, vma.end)
        mm.unmap(vma.start, vma.end - vma.start)          # anonymous pages faulted in
        self.vmas[mm].remove(vma)
        close = self._op(vma, "close")
        if close:
            yield GuestCall(close, (vma.va,))
        self._kmalloc.free(vma.va)
        result = fput(vma.file)
        if not isinstance(result, int):
            yield from result

    def munmap(self, mm, start, length):
        """do_munmap over the file VMAs: a generator returning 0."""
        end = start + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
        for vma in [v for v in self.vmas.get(mm, ()) if v.start < end and start < v.end]:
            if start > vma.start:
                vma = yield from self._split(mm, vma, start, False)
            if end < vma.end:
                yield from self._split(mm, vma, end, True)
            yield from self._remove(mm, vma)
        return 0

    def mprotect(self, mm, start, length, prot):
        """mprotect over file VMAs: -EACCES beyond VM_MAY*, else pages remapped; None if none."""
        end = start + ((length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
        hit = [v for v in self.vmas.get(mm, ()) if v.start < end and start < v.end]
        if not hit:
            return None
        want = (prot & 7)
        for vma in hit:
            flags = self._get(vma, "vm_flags")
            if want & ~(flags >> 4) & 7:
                return -EACCES
        for vma in hit:
            flags = (self._get(vma, "vm_flags") & ~7) | want
            self._set(vma, "vm_flags", flags)
            old = self._get(vma, "vm_page_prot")
            pgprot = (PROTECTION_MAP[flags & 0xF] & ~L_PTE_MT_MASK) | (old & L_PTE_MT_MASK)
            self._set(vma, "vm_page_prot", pgprot)
            for page, pfn in vma.pages.items():
                if start <= page < end:
                    self._map(vma, page, pfn, pgprot)
        self._cpu.flush_tlb()
        return 0

    def exit_mm(self, mm):
        """exit_mmap: every VMA closed (a generator)."""
        for vma in list(self.vmas.get(mm, ())):
            yield from self._remove(mm, vma)
        self.vmas.pop(mm, None)

    def drop(self, mm):
        """Forget a dead process's VMAs without running driver code (after a crash)."""
        for vma in self.vmas.pop(mm, ()):
            self._unmap_pages(vma, vma.start, vma.end)
