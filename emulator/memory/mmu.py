"""ARMv7 short-descriptor page tables in guest RAM, mirrored in Python for fast translation.

The CPU walks the tables Unicorn sees (TTBR0 -> swapper_pg_dir); Python keeps its own map of
the same entries so host code can translate guest virtual addresses without walking RAM.
Descriptor formats: ARM ARM (DDI 0406C) B3.5; SCTLR.AFE=0, TEX remap off, domain 0 client.
"""

import struct
from dataclasses import dataclass

from .layout import (PAGE_SHIFT, PAGE_SIZE, SECTION_SIZE, PAGE_OFFSET, PHYS_OFFSET, TASK_SIZE,
                     LOWMEM_VIRT_END)

# AP[1:0] with AP[2] = 0.
AP_KERNEL = 0b01     # privileged RW, user no access
AP_USER_RO = 0b10    # privileged RW, user read-only
AP_USER_RW = 0b11    # full access


@dataclass(frozen=True)
class Prot:
    """Access rights and memory type of a mapping."""

    ap: int
    xn: bool = False
    device: bool = False

    @property
    def user(self):
        return self.ap != AP_KERNEL

    @property
    def user_writable(self):
        return self.ap == AP_USER_RW


KERNEL_RWX = Prot(AP_KERNEL)
KERNEL_RW = Prot(AP_KERNEL, xn=True)
KERNEL_DEVICE = Prot(AP_KERNEL, xn=True, device=True)
USER_RWX = Prot(AP_USER_RW)
USER_RW = Prot(AP_USER_RW, xn=True)
USER_RX = Prot(AP_USER_RO)
USER_RO = Prot(AP_USER_RO, xn=True)
USER_DEVICE = Prot(AP_USER_RW, xn=True, device=True)


def _memtype_small(prot):
    # Device: TEX=000 C=0 B=1 (shareable device). Normal: TEX=001 C=1 B=1 (write-back).
    return (1 << 2) if prot.device else ((1 << 6) | (1 << 3) | (1 << 2))


def small_page_descriptor(pa, prot):
    return ((pa & 0xFFFFF000) | (prot.ap << 4) | _memtype_small(prot) | 0b10
            | (1 if prot.xn else 0))


def section_descriptor(pa, prot):
    memtype = (1 << 2) if prot.device else ((1 << 12) | (1 << 3) | (1 << 2))
    return ((pa & 0xFFF00000) | (prot.ap << 10) | memtype | (int(prot.xn) << 4) | 0b10)


class UserPart:
    """One address space's user half (below TASK_SIZE): its L2 tables and page mirror."""

    __slots__ = ("l2", "pages", "used")

    def __init__(self):
        self.l2 = {}           # L1 index -> physical address of its L2 table
        self.pages = {}        # vpn -> (pfn, Prot)
        self.used = {}         # L1 index -> pages mapped through its L2 table


class PageTables:
    """The kernel's single first-level table. The user half belongs to the running process:
    :meth:`switch_user` installs another process's L2 tables there (a context switch)."""

    def __init__(self, ram, l1_pa, alloc_table):
        """alloc_table() returns the physical address of a fresh, zeroed 1 KiB-aligned page."""
        self._ram = ram
        self.l1_pa = l1_pa
        self._alloc_table = alloc_table
        self._kl2 = {}         # kernel half: L1 index -> physical address of its L2 table
        self._kpages = {}      # kernel half: vpn -> (pfn, Prot)
        self.user = UserPart()
        self._spare = []       # L2 tables of released user halves, reused
        ram.write(l1_pa, bytes(16 * 1024))

    # -- the user half ----------------------------------------------------------------------
    def switch_user(self, part):
        """Make ``part`` the user half (the caller flushes the TLB); returns the previous one."""
        old, self.user = self.user, part
        if old is part:
            return old
        for idx in old.l2:
            if idx not in part.l2:
                self._ram.write_u32(self.l1_pa + idx * 4, 0)
        for idx, table in part.l2.items():
            self._ram.write_u32(self.l1_pa + idx * 4, (table & 0xFFFFFC00) | 0b01)
        return old

    def drop_user(self, part):
        """Forget ``part`` (its pages are already unmapped): its L2 tables are kept for reuse.
        If it is the user half in place, an empty one replaces it."""
        if self.user is part:
            self.switch_user(UserPart())
        self._spare += part.l2.values()
        part.l2.clear()
        part.pages.clear()
        part.used.clear()

    def _l2_dict(self, va):
        return self.user.l2 if va < TASK_SIZE else self._kl2

    def _pages_of(self, va):
        return self.user.pages if va < TASK_SIZE else self._kpages

    # -- building ---------------------------------------------------------------------------
    def map_lowmem(self):
        """The linear map: 1 MiB kernel RWX sections from PAGE_OFFSET over lowmem RAM."""
        entries = bytearray()
        for va in range(PAGE_OFFSET, LOWMEM_VIRT_END, SECTION_SIZE):
            pa = va - PAGE_OFFSET + PHYS_OFFSET
            entries += section_descriptor(pa, KERNEL_RWX).to_bytes(4, "little")
        self._ram.write(self.l1_pa + (PAGE_OFFSET >> 20) * 4, entries)

    def _l2_table(self, va):
        idx = va >> 20
        l2 = self._l2_dict(va)
        table = l2.get(idx)
        if table is None:
            table = self._spare.pop() if va < TASK_SIZE and self._spare else self._alloc_table()
            # One 4 KiB page holds the 256-entry table in its first KiB; rest unused.
            self._ram.write(table, bytes(1024))
            self._ram.write_u32(self.l1_pa + idx * 4, (table & 0xFFFFFC00) | 0b01)
            l2[idx] = table
        return table

    def _count(self, va, n=1):
        """Pages newly mapped through a user L2 table (kernel tables are never freed)."""
        if va < TASK_SIZE:
            used = self.user.used
            for vpn in range(va >> PAGE_SHIFT, (va >> PAGE_SHIFT) + n):
                if vpn not in self.user.pages:
                    used[vpn >> 8] = used.get(vpn >> 8, 0) + 1

    def _uncount(self, vpn, n=1):
        """n pages fewer behind a user L2 table; an emptied table is unhooked and kept for
        reuse (free_pgtables), so mmap/munmap churn does not use up the boot memory."""
        used, idx = self.user.used, vpn >> 8
        left = used[idx] = used.get(idx, n) - n
        if left <= 0 and idx in self.user.l2:
            del used[idx]
            self._ram.write_u32(self.l1_pa + idx * 4, 0)
            self._spare.append(self.user.l2.pop(idx))

    def map_page(self, va, pa, prot):
        self._count(va)
        table = self._l2_table(va)
        self._ram.write_u32(table + ((va >> PAGE_SHIFT) & 0xFF) * 4,
                            small_page_descriptor(pa, prot))
        self._pages_of(va)[va >> PAGE_SHIFT] = (pa >> PAGE_SHIFT, prot)

    def map_pages(self, va, pas, prot):
        """Map consecutive pages from va to the physical pages pas: one RAM write per L2 table."""
        self._count(va, len(pas))
        pages = self._pages_of(va)
        for i, pa in enumerate(pas):
            pages[(va >> PAGE_SHIFT) + i] = (pa >> PAGE_SHIFT, prot)
        self._write_run(va, [small_page_descriptor(pa, prot) for pa in pas])

    def unmap_pages(self, vas):
        """Unmap the given page addresses (those mapped), writing runs of entries at once."""
        user, kernel, top = self.user.pages, self._kpages, TASK_SIZE >> PAGE_SHIFT
        vpns = sorted(vpn for vpn in map(PAGE_SHIFT.__rrshift__, vas)
                      if (user if vpn < top else kernel).pop(vpn, None))
        i = 0
        while i < len(vpns):
            j = i + 1
            while j < len(vpns) and vpns[j] == vpns[j - 1] + 1 and vpns[j] & 0xFF:
                j += 1
            self._write_run(vpns[i] << PAGE_SHIFT, [0] * (j - i))
            i = j
        # _uncount a table at a time (speed, issue 15 d: a process's exit unmaps ~200 pages):
        # tables empty in the same (ascending) order as page by page.
        per_table = {}
        for vpn in vpns:
            if vpn < top:
                per_table[vpn >> 8] = per_table.get(vpn >> 8, 0) + 1
        for idx, n in per_table.items():
            self._uncount(idx << 8, n)

    def _write_run(self, va, descriptors):
        while descriptors:
            table = self._l2_table(va)
            index = (va >> PAGE_SHIFT) & 0xFF
            n = min(len(descriptors), 256 - index)
            self._ram.write(table + index * 4, struct.pack(f"<{n}I", *descriptors[:n]))
            descriptors = descriptors[n:]
            va += n << PAGE_SHIFT

    def unmap_page(self, va):
        vpn = va >> PAGE_SHIFT
        if self._pages_of(va).pop(vpn, None) is None:
            return False
        table = self._l2_dict(va)[va >> 20]
        self._ram.write_u32(table + (vpn & 0xFF) * 4, 0)
        if va < TASK_SIZE:
            self._uncount(vpn)
        return True

    def mapping(self, va):
        """(pa of the page, Prot) for a 4 KiB mapping, or None."""
        entry = self._pages_of(va).get(va >> PAGE_SHIFT)
        return None if entry is None else (entry[0] << PAGE_SHIFT, entry[1])


    # -- translation ------------------------------------------------------------------------
    def translate(self, va, user=False, write=False):
        """Physical address of va, or None if unmapped or not accessible as asked."""
        if PAGE_OFFSET <= va < LOWMEM_VIRT_END:
            return None if user else va - PAGE_OFFSET + PHYS_OFFSET
        entry = (self.user.pages if va < TASK_SIZE else self._kpages).get(va >> PAGE_SHIFT)
        if entry is None:
            return None
        pfn, prot = entry
        if user and (not prot.user or (write and not prot.user_writable)):
            return None
        return (pfn << PAGE_SHIFT) | (va & (PAGE_SIZE - 1))


class GuestFaultAccess(Exception):
    """Host code touched a guest virtual address that is not mapped (as accessed)."""

    def __init__(self, va):
        super().__init__(f"unmapped guest address {va:#010x}")
        self.va = va


class UserFaultAccess(GuestFaultAccess):
    """An access made as user space (user=True) failed: a system call answers -EFAULT."""


class VirtualMemory:
    """Reads and writes guest virtual memory through the page tables' Python mirror."""

    def __init__(self, ram, tables):
        self.ram, self.tables = ram, tables

    def _chunks(self, va, n, user, write):
        while n > 0:
            pa = self.tables.translate(va, user, write)
            if pa is None:
                raise (UserFaultAccess if user else GuestFaultAccess)(va)
            step = min(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)))
            if PAGE_OFFSET <= va < LOWMEM_VIRT_END and not user:
                step = min(n, LOWMEM_VIRT_END - va)     # the linear map is contiguous
            yield pa, step
            va += step
            n -= step

    def read(self, va, n, user=False):
        return b"".join(self.ram.read(pa, step) for pa, step in self._chunks(va, n, user, False))

    def write(self, va, data, user=False):
        data = bytes(data)
        pos = 0
        for pa, step in self._chunks(va, len(data), user, True):
            self.ram.write(pa, data[pos:pos + step])
            pos += step

    def read_u32(self, va):
        return int.from_bytes(self.read(va, 4), "little")

    def write_u32(self, va, value):
        self.write(va, (value & 0xFFFFFFFF).to_bytes(4, "little"))

    def read_cstr(self, va, limit=4096, user=False):
        """A NUL-terminated string (without the NUL), read page by page, at most limit bytes."""
        out = bytearray()
        while len(out) < limit:
            chunk = self.read(va, min(limit - len(out), PAGE_SIZE - (va & (PAGE_SIZE - 1))), user)
            nul = chunk.find(0)
            if nul >= 0:
                out += chunk[:nul]
                return bytes(out)
            out += chunk
            va += len(chunk)
        return bytes(out)

    def is_mapped(self, va, n=1, user=False, write=False):
        try:
            for _ in self._chunks(va, n, user, write):
                pass
        except GuestFaultAccess:
            return False
        return True


SCTLR_M, SCTLR_C, SCTLR_Z, SCTLR_I, SCTLR_V = 1, 1 << 2, 1 << 11, 1 << 12, 1 << 13


def enable_mmu(cpu, l1_pa):
    """Turn the MMU on with the first-level table at l1_pa (TTBR0 covers the whole space,
    every domain a client), caches and the high vectors on, as the kernel runs."""
    cpu.set_cp15(2, 0, 0, 2, 0)                      # TTBCR: TTBR0 for the whole space
    cpu.set_cp15(2, 0, 0, 0, l1_pa)                  # TTBR0
    cpu.set_cp15(3, 0, 0, 0, 0x55555555)             # DACR: every domain client
    sctlr = cpu.cp15(1, 0, 0, 0)
    cpu.set_cp15(1, 0, 0, 0, sctlr | SCTLR_M | SCTLR_C | SCTLR_Z | SCTLR_I | SCTLR_V)
