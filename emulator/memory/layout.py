"""The ARM Linux memory map the emulated kernel uses (3G/1G split, 1 GiB of RAM;
docs/ARCHITECTURE.md, Facts)."""

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PAGE_MASK = ~(PAGE_SIZE - 1) & 0xFFFFFFFF
SECTION_SIZE = 1 << 20

PHYS_OFFSET = 0x40000000          # start of DRAM
PAGE_OFFSET = 0xC0000000          # start of the lowmem linear map
LOWMEM_VIRT_END = 0xEF800000      # high_memory: lowmem is 760 MiB
LOWMEM_PHYS_END = PHYS_OFFSET + (LOWMEM_VIRT_END - PAGE_OFFSET)   # 0x6F800000

TASK_SIZE = 0xBF000000            # user space ends here
MODULES_VADDR = 0xBF000000
MODULES_END = 0xBFE00000
#: The module area's first pages: the kernel services' stubs (8 bytes each).
MODULES_STUBS_SIZE = 0x2000
#: The module area's last page: the memory fast-path routines.
MODULES_FASTPATH = MODULES_END - 0x1000
PKMAP_BASE = 0xBFE00000
VMALLOC_START = 0xF0000000
VMALLOC_END = 0xFF800000
VECTORS_BASE = 0xFFFF0000

# Physical reservations at the start of DRAM, as the kernel image would hold them.
SWAPPER_PG_DIR = PHYS_OFFSET + 0x4000     # the first-level page table (16 KiB)
KERNEL_RESERVED_END = PHYS_OFFSET + 0x00800000   # boot allocations below this line


def virt_to_phys(va):
    """Lowmem linear map only (the kernel's __pa)."""
    return va - PAGE_OFFSET + PHYS_OFFSET


def phys_to_virt(pa):
    return pa - PHYS_OFFSET + PAGE_OFFSET


def is_lowmem_virt(va):
    return PAGE_OFFSET <= va < LOWMEM_VIRT_END
