"""lib/idr.c of Linux 3.14: integer ids mapped to pointers (idr) and plain id allocation (ida).

The tree lives in guest memory as the board's 3.14 kernel lays it out (DWARF of a module built
against the FS4412 tree): a module's inline idr_find() reads idr->hint and the leaf's prefix and
ary[] itself, so the layers must be real. A layer is 256 slots (IDR_BITS 8); in a leaf a set
bitmap bit means "slot taken", in an interior layer "subtree full"; every layer counts its
non-empty slots and is freed when that count drops to zero. The ida keeps a 992-bit
`struct ida_bitmap` in each leaf slot (its leaf bit set = that bitmap is full).
Differences from 3.14, none visible to a module: layers and bitmaps are allocated when needed
(kmalloc, charged to the calling module) instead of from idr_preload's per-CPU pool or
ida_pre_get's reserve, and they are freed at once instead of after an RCU grace period.
"""

import struct

from ..errors import GuestFault
from .errno import EAGAIN, EINVAL, ENOENT, ENOMEM, ENOSPC
from .hypercall import export

IDR_BITS, IDR_SIZE, IDR_MASK = 8, 256, 255
MAX_IDR_SHIFT = 31
MAX_IDR_BIT = 1 << MAX_IDR_SHIFT
INT_MAX = MAX_IDR_BIT - 1
M32 = 0xFFFFFFFF

# struct idr_layer (1076 bytes): prefix, bitmap[8], ary[256], count, layer, rcu_head
L_PREFIX, L_BITMAP, L_ARY, L_COUNT, L_LAYER, LAYER_SIZE = 0, 4, 36, 1060, 1064, 1076
# struct idr (40 bytes): hint, top, id_free, layers, id_free_cnt, cur, spinlock_t lock (16:
# CONFIG_DEBUG_SPINLOCK's raw_lock, magic, owner_cpu, owner)
I_HINT, I_TOP, I_ID_FREE, I_LAYERS, I_ID_FREE_CNT, I_CUR, I_LOCK = 0, 4, 8, 12, 16, 20, 24
SPINLOCK_INIT = struct.pack("<IIII", 0, 0xDEAD4EAD, 0xFFFFFFFF, 0xFFFFFFFF)
# struct ida (44 bytes): struct idr idr, struct ida_bitmap *free_bitmap
# struct ida_bitmap (128 bytes = IDA_CHUNK_SIZE): long nr_busy, unsigned long bitmap[31]
IDA_BITMAP_LONGS = 128 // 4 - 1
IDA_BITMAP_BITS = IDA_BITMAP_LONGS * 32
IDA_BITMAP_SIZE = 128
ARY = struct.Struct(f"<{IDR_SIZE}I")


def _s32(v):
    v &= M32
    return v - (1 << 32) if v & 0x80000000 else v


def idr_max(layers):
    """The largest id a tree of `layers` layers holds."""
    return (1 << min(layers * IDR_BITS, MAX_IDR_SHIFT)) - 1


def prefix_of(id_, layer):
    return id_ & ~idr_max(layer + 1) & M32


class Idr:
    """The idr and ida exports over guest-memory trees."""

    def __init__(self, vm, kmalloc, env, call_nested, preempt_add):
        """kmalloc: the allocator (alloc/free); env: printk, current, caller;
        call_nested(fn, args) runs a module callback; preempt_add(n) moves the preempt count."""
        self._vm, self._kmalloc, self._env = vm, kmalloc, env
        self._call, self._preempt_add = call_nested, preempt_add
        self._warned_start = False

    # -- guest layer access -----------------------------------------------------------------
    def _u32(self, va):
        return self._vm.read_u32(va)

    def _bitmap(self, p):
        return int.from_bytes(self._vm.read(p + L_BITMAP, 32), "little")

    def _set_bit(self, p, n, on):
        word = p + L_BITMAP + 4 * (n >> 5)
        value = self._u32(word)
        value = value | (1 << (n & 31)) if on else value & ~(1 << (n & 31))
        self._vm.write_u32(word, value & M32)

    def _slot(self, p, n):
        return self._u32(p + L_ARY + 4 * n)

    def _set_slot(self, p, n, value):
        self._vm.write_u32(p + L_ARY + 4 * n, value)

    def _add_count(self, p, n):
        count = _s32(self._u32(p + L_COUNT)) + n
        self._vm.write_u32(p + L_COUNT, count & M32)
        return count

    def _new_layer(self, layer, id_):
        p = self._kmalloc.alloc(LAYER_SIZE, zero=True, caller=self._env.caller())
        if p:
            self._vm.write_u32(p + L_PREFIX, prefix_of(id_, layer))
            self._vm.write_u32(p + L_LAYER, layer)
        return p

    def _free_layer(self, idp, p):
        if self._u32(idp + I_HINT) == p:
            self._vm.write_u32(idp + I_HINT, 0)
        self._kmalloc.free(p, self._env.caller())

    def _warn(self, where, text=None):
        """WARN(): the WARNING line and the message, if any."""
        comm, pid = self._env.current()
        self._env.printk(4, f"WARNING: CPU: 0 PID: {pid} at {where}")
        if text:
            self._env.printk(4, text)

    def _bug(self, where):
        """BUG_ON(): the oops Linux prints, ending the run (exit status 3)."""
        self._env.printk(0, f"kernel BUG at {where}!")
        raise GuestFault(f"kernel BUG at {where}!")

    # -- the tree ---------------------------------------------------------------------------
    def _path(self, idp, id_):
        """The layers from the top down to the leaf holding id_ (shorter if one is missing)."""
        layers = _s32(self._u32(idp + I_LAYERS))
        p = self._u32(idp + I_TOP)
        if not p or id_ < 0 or id_ > idr_max(layers):
            return []
        path = [p]
        for layer in range(layers - 1, 0, -1):
            p = self._slot(p, (id_ >> (IDR_BITS * layer)) & IDR_MASK)
            if not p:
                break
            path.append(p)
        return path

    def _first_clear(self, p, layer, base, start):
        """The lowest id >= start under p whose bitmap bit is clear (a free slot), or None."""
        bits, shift = self._bitmap(p), IDR_BITS * layer
        for n in range(max(0, (start - base) >> shift), IDR_SIZE):
            if bits >> n & 1:
                continue
            slot_base = base + (n << shift)
            at = max(start, slot_base)
            if layer == 0:
                return at
            child = self._slot(p, n)
            if not child:
                return at
            found = self._first_clear(child, layer - 1, slot_base, at)
            if found is not None:
                return found
        return None

    def _first_used(self, p, layer, base, start):
        """The lowest id >= start under p with a non-NULL slot: (id, pointer) or None."""
        shift = IDR_BITS * layer
        first = max(0, (start - base) >> shift)
        if first >= IDR_SIZE:
            return None
        slots = ARY.unpack(self._vm.read(p + L_ARY, 4 * IDR_SIZE))     # one read a layer
        for n in range(first, IDR_SIZE):
            child = slots[n]
            if not child:
                continue
            slot_base = base + (n << shift)
            if layer == 0:
                return slot_base, child
            found = self._first_used(child, layer - 1, slot_base, max(start, slot_base))
            if found is not None:
                return found
        return None

    def _empty_slot(self, idp, start):
        """The lowest id >= start not marked taken (may be past the tree's current reach)."""
        layers = _s32(self._u32(idp + I_LAYERS))
        top = self._u32(idp + I_TOP)
        if not top or start > idr_max(layers):
            return start
        found = self._first_clear(top, layers - 1, 0, start)
        return idr_max(layers) + 1 if found is None else found

    def _grow(self, idp, id_):
        """Add layers on top until id_ fits; False when out of memory."""
        top = self._u32(idp + I_TOP)
        layers = _s32(self._u32(idp + I_LAYERS))
        if not top:
            top = self._new_layer(0, id_)
            if not top:
                return False
            layers = 1
        while id_ > idr_max(layers):
            layers += 1
            if _s32(self._u32(top + L_COUNT)) == 0:      # an empty top just rises
                self._vm.write_u32(top + L_LAYER, layers - 1)
                self._vm.write_u32(top + L_PREFIX, prefix_of(id_, layers - 1))
                continue
            new = self._new_layer(layers - 1, id_)
            if not new:
                self._vm.write_u32(idp + I_TOP, top)
                self._vm.write_u32(idp + I_LAYERS, layers - 1)
                return False
            full = self._bitmap(top) == (1 << IDR_SIZE) - 1
            self._set_slot(new, 0, top)
            self._add_count(new, 1)
            self._set_bit(new, 0, full)
            top = new
        self._vm.write_u32(idp + I_TOP, top)
        self._vm.write_u32(idp + I_LAYERS, layers)
        return True

    def _leaf_for(self, idp, id_):
        """Grow the tree and create the layers down to id_'s leaf: the path, or None (ENOMEM)."""
        if not self._grow(idp, id_):
            return None
        layers = _s32(self._u32(idp + I_LAYERS))
        p = self._u32(idp + I_TOP)
        path = [p]
        for layer in range(layers - 1, 0, -1):
            n = (id_ >> (IDR_BITS * layer)) & IDR_MASK
            child = self._slot(p, n)
            if not child:
                child = self._new_layer(layer - 1, id_)
                if not child:
                    return None
                self._set_slot(p, n, child)
                self._add_count(p, 1)
            p = child
            path.append(p)
        return path

    def _mark_full(self, path, id_):
        """Set id_'s leaf bit; a layer that became full sets its bit in the parent."""
        for depth in range(len(path) - 1, -1, -1):
            layer = len(path) - 1 - depth
            self._set_bit(path[depth], (id_ >> (IDR_BITS * layer)) & IDR_MASK, True)
            if self._bitmap(path[depth]) != (1 << IDR_SIZE) - 1:
                break

    def _clear_path(self, path, id_):
        for depth, p in enumerate(path):
            layer = len(path) - 1 - depth
            self._set_bit(p, (id_ >> (IDR_BITS * layer)) & IDR_MASK, False)

    def _release_slot(self, idp, path, id_):
        """Empty id_'s leaf slot; free the layers left empty and shrink a one-child top."""
        leaf = path[-1]
        self._set_slot(leaf, id_ & IDR_MASK, 0)
        for depth in range(len(path) - 1, -1, -1):
            p = path[depth]
            if self._add_count(p, -1) > 0:
                break
            self._free_layer(idp, p)
            if depth == 0:
                self._vm.write_u32(idp + I_TOP, 0)
                self._vm.write_u32(idp + I_LAYERS, 0)
            else:
                layer = len(path) - depth
                self._set_slot(path[depth - 1], (id_ >> (IDR_BITS * layer)) & IDR_MASK, 0)
        layers = _s32(self._u32(idp + I_LAYERS))
        top = self._u32(idp + I_TOP)
        while (top and layers > 1 and _s32(self._u32(top + L_COUNT)) == 1
               and self._slot(top, 0)):
            child = self._slot(top, 0)
            self._free_layer(idp, top)
            top, layers = child, layers - 1
            self._vm.write_u32(idp + I_TOP, top)
            self._vm.write_u32(idp + I_LAYERS, layers)

    def _free_all(self, p, layer):
        if layer > 0:
            for n in range(IDR_SIZE):
                child = self._slot(p, n)
                if child:
                    self._free_all(child, layer - 1)
        self._kmalloc.free(p, self._env.caller())

    def _alloc_id(self, idp, ptr, start, max_id):
        """idr_get_empty_slot + idr_fill_slot: the id, or -ENOSPC/-ENOMEM."""
        id_ = self._empty_slot(idp, start)
        if id_ > max_id:
            return -ENOSPC
        path = self._leaf_for(idp, id_)
        if path is None:
            return -ENOMEM
        leaf = path[-1]
        self._vm.write_u32(idp + I_HINT, leaf)
        self._set_slot(leaf, id_ & IDR_MASK, ptr)
        self._add_count(leaf, 1)
        self._mark_full(path, id_)
        return id_

    # -- idr exports ------------------------------------------------------------------------
    @export()
    def idr_init(self, idp):
        self._vm.write(idp, bytes(I_LOCK) + SPINLOCK_INIT)

    @export()
    def idr_preload(self, gfp_mask):
        """preempt_disable(), as 3.14 (idr_preload_end() enables it again inline)."""
        self._preempt_add(1)

    @export()
    def idr_alloc(self, idp, ptr, start, end, gfp_mask):
        start, end = _s32(start), _s32(end)
        if start < 0:
            if not self._warned_start:                 # WARN_ON_ONCE
                self._warned_start = True
                self._warn("lib/idr.c:481 idr_alloc()")
            return -EINVAL & M32
        max_id = end - 1 if end > 0 else INT_MAX
        if max_id < start:
            return -ENOSPC & M32
        return self._alloc_id(idp, ptr, start, max_id) & M32

    @export()
    def idr_alloc_cyclic(self, idp, ptr, start, end, gfp_mask):
        cur = _s32(self._u32(idp + I_CUR))
        id_ = _s32(self.idr_alloc(idp, ptr, max(_s32(start), cur), end, gfp_mask))
        if id_ == -ENOSPC:
            id_ = _s32(self.idr_alloc(idp, ptr, start, end, gfp_mask))
        if id_ >= 0:
            self._vm.write_u32(idp + I_CUR, id_ + 1)
        return id_ & M32

    @export()
    def idr_find_slowpath(self, idp, id_):
        id_ = _s32(id_)
        path = self._path(idp, id_)
        layers = _s32(self._u32(idp + I_LAYERS))
        if not path or len(path) != layers:
            return 0
        return self._slot(path[-1], id_ & IDR_MASK)

    @export()
    def idr_remove(self, idp, id_):
        id_ = _s32(id_)
        if id_ < 0:
            return
        path = self._path(idp, id_)
        layers = _s32(self._u32(idp + I_LAYERS))
        if not path or len(path) != layers or not self._bitmap(path[-1]) >> (id_ & IDR_MASK) & 1:
            self._warn("lib/idr.c:527 idr_remove_warning()",
                       f"idr_remove called for id={id_} which is not allocated.")
            return
        self._clear_path(path, id_)
        self._release_slot(idp, path, id_)

    @export()
    def idr_replace(self, idp, ptr, id_):
        id_ = _s32(id_)
        top = self._u32(idp + I_TOP)
        if id_ < 0 or not top:
            return -EINVAL & M32
        if id_ >= 1 << min((_s32(self._u32(top + L_LAYER)) + 1) * IDR_BITS, 32):
            return -EINVAL & M32
        path = self._path(idp, id_)
        layers = _s32(self._u32(idp + I_LAYERS))
        if not path or len(path) != layers or not self._bitmap(path[-1]) >> (id_ & IDR_MASK) & 1:
            return -ENOENT & M32
        old = self._slot(path[-1], id_ & IDR_MASK)
        self._set_slot(path[-1], id_ & IDR_MASK, ptr)
        return old

    def _next(self, idp, start):
        top = self._u32(idp + I_TOP)
        layers = _s32(self._u32(idp + I_LAYERS))
        if not top or start < 0 or start > idr_max(layers):
            return None
        return self._first_used(top, layers - 1, 0, start)

    @export()
    def idr_get_next(self, idp, nextidp):
        found = self._next(idp, _s32(self._u32(nextidp)))
        if found is None:
            return 0
        self._vm.write_u32(nextidp, found[0])
        return found[1]

    @export()
    def idr_for_each(self, idp, fn, data):
        """fn(id, p, data) for every non-NULL entry in id order; stops at a non-zero result.
        The walk restarts from the next id each time, so fn may remove entries."""
        id_ = 0
        while (found := self._next(idp, id_)) is not None:
            error = self._call(fn, (found[0], found[1], data)) & M32
            if error:
                return error
            id_ = found[0] + 1
        return 0

    @export("__idr_remove_all")
    def idr_remove_all(self, idp):
        top = self._u32(idp + I_TOP)
        if top:
            self._free_all(top, _s32(self._u32(idp + I_LAYERS)) - 1)
        for offset in (I_HINT, I_TOP, I_LAYERS):
            self._vm.write_u32(idp + offset, 0)

    @export()
    def idr_destroy(self, idp):
        self.idr_remove_all(idp)

    @export("__idr_pre_get")
    def idr_pre_get(self, idp, gfp_mask):
        return 1                        # layers are allocated when needed

    @export("__idr_get_new_above")
    def idr_get_new_above(self, idp, ptr, starting_id, idptr):
        id_ = self._alloc_id(idp, ptr, _s32(starting_id), INT_MAX)
        if id_ < 0:
            return (-EAGAIN if id_ == -ENOMEM else id_) & M32     # -EAGAIN: call pre_get again
        self._vm.write_u32(idptr, id_)
        return 0

    # -- ida --------------------------------------------------------------------------------
    @export()
    def ida_init(self, ida):
        self._vm.write(ida, bytes(I_LOCK) + SPINLOCK_INIT + bytes(4))

    @export()
    def ida_pre_get(self, ida, gfp_mask):
        return 1                        # bitmaps and layers are allocated when needed

    @export()
    def ida_get_new_above(self, ida, starting_id, p_id):
        id_ = self._ida_get(ida, _s32(starting_id))
        if id_ < 0:
            return (-EAGAIN if id_ == -ENOMEM else id_) & M32
        self._vm.write_u32(p_id, id_)
        return 0

    def _ida_get(self, ida, start):
        idr_id, offset = divmod(start, IDA_BITMAP_BITS)
        while True:
            t = self._empty_slot(ida, idr_id)
            if t * IDA_BITMAP_BITS >= MAX_IDR_BIT:
                return -ENOSPC
            if t != idr_id:
                offset = 0
            idr_id = t
            path = self._leaf_for(ida, idr_id)
            if path is None:
                return -ENOMEM
            leaf, n = path[-1], idr_id & IDR_MASK
            bitmap = self._slot(leaf, n)
            if not bitmap:
                bitmap = self._kmalloc.alloc(IDA_BITMAP_SIZE, zero=True,
                                             caller=self._env.caller())
                if not bitmap:
                    return -ENOMEM
                self._set_slot(leaf, n, bitmap)
                self._add_count(leaf, 1)
            bits = int.from_bytes(self._vm.read(bitmap + 4, IDA_BITMAP_BITS // 8), "little")
            free = ~bits >> offset
            if free & ((1 << (IDA_BITMAP_BITS - offset)) - 1) == 0:
                idr_id, offset = idr_id + 1, 0
                continue
            bit = offset + ((free & -free).bit_length() - 1)
            id_ = idr_id * IDA_BITMAP_BITS + bit
            if id_ >= MAX_IDR_BIT:
                return -ENOSPC
            word = bitmap + 4 + 4 * (bit >> 5)
            self._vm.write_u32(word, self._u32(word) | 1 << (bit & 31))
            busy = _s32(self._u32(bitmap)) + 1
            self._vm.write_u32(bitmap, busy & M32)
            if busy == IDA_BITMAP_BITS:
                self._mark_full(path, idr_id)
            return id_

    @export()
    def ida_remove(self, ida, id_):
        id_ = _s32(id_)
        idr_id, offset = divmod(id_, IDA_BITMAP_BITS)
        path = self._path(ida, idr_id) if id_ >= 0 else []
        layers = _s32(self._u32(ida + I_LAYERS))
        bitmap = self._slot(path[-1], idr_id & IDR_MASK) if path and len(path) == layers else 0
        word = bitmap + 4 + 4 * (offset >> 5)
        if not bitmap or not self._u32(word) >> (offset & 31) & 1:
            self._warn("lib/idr.c:1065 ida_remove()",
                       f"ida_remove called for id={id_} which is not allocated.")
            return
        self._clear_path(path, idr_id)
        self._vm.write_u32(word, self._u32(word) & ~(1 << (offset & 31)) & M32)
        busy = _s32(self._u32(bitmap)) - 1
        self._vm.write_u32(bitmap, busy & M32)
        if busy == 0:
            self._release_slot(ida, path, idr_id)
            self._kmalloc.free(bitmap, self._env.caller())

    @export()
    def ida_destroy(self, ida):
        """idr_destroy (no reserve bitmap is ever kept); like 3.14, the bitmaps of ids still
        taken leak (the leak check names them)."""
        self.idr_remove_all(ida)

    @export()
    def ida_simple_get(self, ida, start, end, gfp_mask):
        start, end = _s32(start), _s32(end)
        if start < 0 or end < 0:
            self._bug(f"lib/idr.c:{1099 if start < 0 else 1100}")
        if end and end < start:
            self._bug("lib/idr.c:1105")
        max_id = 0x80000000 if end == 0 else end - 1
        id_ = self._ida_get(ida, start)
        if id_ >= 0 and id_ > max_id:
            self.ida_remove(ida, id_)
            id_ = -ENOSPC
        return id_ & M32

    @export()
    def ida_simple_remove(self, ida, id_):
        if _s32(id_) < 0:
            self._bug("lib/idr.c:1141")
        self.ida_remove(ida, id_)
