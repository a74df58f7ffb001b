"""GFP flags with their Linux 3.14 values (include/linux/gfp.h), and what they decide."""

__GFP_DMA = 0x01
__GFP_HIGHMEM = 0x02
__GFP_DMA32 = 0x04
__GFP_MOVABLE = 0x08
__GFP_WAIT = 0x10
__GFP_HIGH = 0x20
__GFP_IO = 0x40
__GFP_FS = 0x80
__GFP_COLD = 0x100
__GFP_NOWARN = 0x200
__GFP_REPEAT = 0x400
__GFP_NOFAIL = 0x800
__GFP_NORETRY = 0x1000
__GFP_MEMALLOC = 0x2000
__GFP_COMP = 0x4000
__GFP_ZERO = 0x8000
__GFP_NOMEMALLOC = 0x10000
__GFP_HARDWALL = 0x20000
__GFP_THISNODE = 0x40000
__GFP_RECLAIMABLE = 0x80000
__GFP_KMEMCG = 0x100000
__GFP_NO_KSWAPD = 0x400000
__GFP_OTHER_NODE = 0x800000
__GFP_WRITE = 0x1000000
__GFP_BITS_SHIFT = 25
__GFP_BITS_MASK = (1 << __GFP_BITS_SHIFT) - 1

GFP_NOWAIT = 0
GFP_ATOMIC = __GFP_HIGH
GFP_NOIO = __GFP_WAIT
GFP_NOFS = __GFP_WAIT | __GFP_IO
GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS
GFP_TEMPORARY = GFP_KERNEL | __GFP_RECLAIMABLE
GFP_USER = GFP_KERNEL | __GFP_HARDWALL
GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM
GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE
GFP_DMA = __GFP_DMA
GFP_RECLAIM_MASK = (__GFP_WAIT | __GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_REPEAT
                    | __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC)
#: Flags a slab allocation must not carry (mm/slab.h GFP_SLAB_BUG_MASK).
GFP_SLAB_BUG_MASK = (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK) & 0xFFFFFFFF

#: Names for printing a mask the way people write it: composite names first.
_COMPOSITES = (("GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE), ("GFP_HIGHUSER", GFP_HIGHUSER),
               ("GFP_USER", GFP_USER), ("GFP_TEMPORARY", GFP_TEMPORARY),
               ("GFP_KERNEL", GFP_KERNEL), ("GFP_NOFS", GFP_NOFS), ("GFP_NOIO", GFP_NOIO),
               ("GFP_ATOMIC", GFP_ATOMIC))
_BITS = {value: name for name, value in globals().items()
         if name.startswith("__GFP_") and name not in ("__GFP_BITS_SHIFT", "__GFP_BITS_MASK")}


def describe(gfp):
    """'GFP_KERNEL|__GFP_ZERO' for 0x80d0; 'GFP_NOWAIT' for 0."""
    parts, rest = [], gfp
    for name, value in _COMPOSITES:
        if value and rest & value == value:
            parts.append(name)
            rest &= ~value
            break
    for bit in sorted(_BITS):
        if rest & bit:
            parts.append(_BITS[bit])
            rest &= ~bit
    if rest:
        parts.append(f"{rest:#x}")
    return "|".join(parts) or "GFP_NOWAIT"



# The bits by short names, for code inside classes (where Python would mangle `__GFP_*`):
# `flags & gfp.WAIT` reads as __GFP_WAIT.
DMA, HIGHMEM, DMA32, MOVABLE, WAIT, HIGH, IO, FS = (__GFP_DMA, __GFP_HIGHMEM, __GFP_DMA32,
                                                    __GFP_MOVABLE, __GFP_WAIT, __GFP_HIGH,
                                                    __GFP_IO, __GFP_FS)
NOWARN, NOFAIL, NORETRY, COMP, ZERO, NOMEMALLOC = (__GFP_NOWARN, __GFP_NOFAIL, __GFP_NORETRY,
                                                   __GFP_COMP, __GFP_ZERO, __GFP_NOMEMALLOC)
BITS_MASK = __GFP_BITS_MASK
