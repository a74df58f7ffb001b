"""Page tables, virtual memory access, and the frame allocator."""

import pytest

from emulator.cpu import Cpu
from emulator.memory.layout import PAGE_OFFSET, PHYS_OFFSET, SWAPPER_PG_DIR
from emulator.memory.mmu import (KERNEL_DEVICE, KERNEL_RW, USER_RO, USER_RW, GuestFaultAccess,
                                 PageTables, VirtualMemory, small_page_descriptor)
from emulator.memory.physmem import BootAllocator, PhysicalMemory


@pytest.fixture(scope="module")
def mem():
    cpu = Cpu()
    ram = PhysicalMemory(cpu, PHYS_OFFSET, 64 << 20)
    boot = BootAllocator(PHYS_OFFSET + 0x8000, PHYS_OFFSET + 0x100000)
    tables = PageTables(ram, SWAPPER_PG_DIR, lambda: boot.alloc(4096))
    tables.map_lowmem()
    return ram, tables, VirtualMemory(ram, tables)


def test_lowmem_linear_map_is_a_section(mem):
    ram, tables, vm = mem
    assert tables.translate(PAGE_OFFSET + 0x1234) == PHYS_OFFSET + 0x1234
    entry = ram.read_u32(SWAPPER_PG_DIR + (PAGE_OFFSET >> 20) * 4)
    assert entry & 0b11 == 0b10 and entry >> 20 == PHYS_OFFSET >> 20
    assert (entry >> 10) & 3 == 0b01                     # AP: kernel only
    assert tables.translate(PAGE_OFFSET, user=True) is None


def test_small_page_descriptor_bits():
    d = small_page_descriptor(0x11000000, KERNEL_DEVICE)
    assert d & 0xFFFFF000 == 0x11000000
    assert d & 1 == 1                                    # XN
    assert d & 0b10 == 0b10                              # small page
    assert (d >> 4) & 3 == 0b01 and (d >> 2) & 3 == 0b01  # AP kernel, B=1 C=0: device


def test_user_pages_and_permissions(mem):
    ram, tables, vm = mem
    tables.map_page(0x10000, PHYS_OFFSET + 0x200000, USER_RO)
    tables.map_page(0x11000, PHYS_OFFSET + 0x201000, USER_RW)
    assert tables.translate(0x10010, user=True) == PHYS_OFFSET + 0x200010
    assert tables.translate(0x10010, user=True, write=True) is None
    assert tables.translate(0x11010, user=True, write=True) == PHYS_OFFSET + 0x201010
    vm.write(0x10ffe, b"abcd")                           # crosses into the next page
    assert vm.read(0x10ffe, 4) == b"abcd"
    assert ram.read(PHYS_OFFSET + 0x201000, 2) == b"cd"
    with pytest.raises(GuestFaultAccess):
        vm.write(0x10ffe, b"abcd", user=True)            # first page is read-only for USR
    assert tables.unmap_page(0x11000)
    assert tables.translate(0x11000) is None


def test_read_cstr_across_pages(mem):
    ram, tables, vm = mem
    tables.map_page(0x20000, PHYS_OFFSET + 0x300000, KERNEL_RW)
    tables.map_page(0x21000, PHYS_OFFSET + 0x301000, KERNEL_RW)
    vm.write(0x20ffc, b"hello world\0")
    assert vm.read_cstr(0x20ffc) == b"hello world"
    assert vm.read_cstr(0x20ffc, limit=5) == b"hello"
