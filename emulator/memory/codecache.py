"""Dropping the CPU's translated code of a physical frame (issue 15 d).

The CPU library keeps translated code by physical frame and drops it when the guest writes
the frame, but not when the host does (uc_mem_write). Its call to drop code takes a virtual
address, so the frame's 1 MiB section is mapped for a moment at a virtual window no mapping
ever uses (the hole between lowmem and vmalloc), where any frame, highmem too, has an address.
"""

from .layout import LOWMEM_VIRT_END, PAGE_SHIFT, PAGE_SIZE, SECTION_SIZE
from .mmu import USER_RWX, section_descriptor

WINDOW = LOWMEM_VIRT_END


def forget_frame_code(cpu, ram, l1_pa, pfn):
    """Drop the translated code of frame pfn; the page tables and TLB are left as they were."""
    slot = l1_pa + (WINDOW >> 20) * 4
    before = ram.read_u32(slot)
    pa = pfn << PAGE_SHIFT
    ram.write_u32(slot, section_descriptor(pa & ~(SECTION_SIZE - 1), USER_RWX))
    cpu.flush_tlb()
    va = WINDOW + (pa & (SECTION_SIZE - 1))
    try:
        cpu.forget_code(va, va + PAGE_SIZE)
    finally:
        ram.write_u32(slot, before)
        cpu.flush_tlb()
