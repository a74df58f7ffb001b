"""Where the memory-management subsystem keeps things in the board's 1 GiB
(docs/ARCHITECTURE.md, Facts).

Physical (all 4 MiB aligned, the largest buddy block):
    0x40000000-0x407FFFFF  kernel image and boot allocations (page tables, stubs, stacks)
    0x40800000-0x447FFFFF  slab window: slab caches and large kmalloc blocks (ZONE_NORMAL)
    0x44800000-0x6CBFFFFF  the rest of ZONE_NORMAL (to 0x6E7FFFFF without the memory checker)
    0x6CC00000-0x6E7FFFFF  the memory checker's (reserved only when it is on): its quarantine
                           ring, the shadow of the slab window (host memory the native check
                           reads) and its tracks (allocating pid, freeing caller and pid)
    0x6E800000-0x6EFFFFFF  allocation tracks of the slab window (caller and size per 64 bytes)
    0x6F000000-0x6F7FFFFF  mem_map: struct page for every frame of the 1 GiB
    0x6F800000-0x7FFFFFFF  ZONE_HIGHMEM

Slab objects live in their own window so the memory checker's hook covers them and nothing
else; Linux mixes slab pages with other kernel pages (section "Limits" of README).
"""

from ...memory.layout import LOWMEM_PHYS_END, PAGE_SHIFT, PHYS_OFFSET, KERNEL_RESERVED_END

MiB = 1 << 20
DRAM_END = PHYS_OFFSET + (1 << 30)

SLAB_WINDOW_START = KERNEL_RESERVED_END
SLAB_WINDOW_END = SLAB_WINDOW_START + 64 * MiB
MEM_MAP_PA = LOWMEM_PHYS_END - 8 * MiB
TRACK_PA = MEM_MAP_PA - 8 * MiB
TRACK_GRANULE_SHIFT = 6          # one 8-byte track entry per 64 bytes of the window
KASAN_TRACK_PA = TRACK_PA - 16 * MiB          # one 16-byte entry per 64 bytes of the window
KASAN_SHADOW_PA = KASAN_TRACK_PA - 8 * MiB    # one byte per 8 bytes of the window
KASAN_SHADOW_SIZE = (SLAB_WINDOW_END - SLAB_WINDOW_START) >> 3
KASAN_RING_PA = KASAN_SHADOW_PA - 4 * MiB     # the quarantine ring
KASAN_START = KASAN_RING_PA
#: ZONE_NORMAL's general area (with the checker on), host-backed: the per-CPU page list
#: poisons its recycled pages there without Unicorn's write path (issue 15 (c))
HOST_POISON_PA, HOST_POISON_SIZE = SLAB_WINDOW_END, KASAN_START - SLAB_WINDOW_END
NORMAL_START, NORMAL_END = PHYS_OFFSET, LOWMEM_PHYS_END
HIGHMEM_START, HIGHMEM_END = LOWMEM_PHYS_END, DRAM_END

#: pkmap window (kmap) and the fixmap slots kmap_atomic uses (arch/arm/include/asm/highmem.h,
#: fixmap.h of 3.14).
PKMAP_BASE, LAST_PKMAP = 0xBFE00000, 512
FIXADDR_START, KM_TYPE_NR = 0xFFF00000, 16

#: Per-CPU areas: NR_CPU_IDS units of PCPU_UNIT_SIZE bytes, CPU n's copy at ptr + n * unit.
#: NR_CPUS is the board config's (the size of cpumasks and __per_cpu_offset[]); the
#: Exynos4412 has 4 cores (nr_cpu_ids).
NR_CPUS = 8
NR_CPU_IDS = 4
PCPU_UNIT_SIZE = 32 * 1024


def pfn(pa):
    return pa >> PAGE_SHIFT
