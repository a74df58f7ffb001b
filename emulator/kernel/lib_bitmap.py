"""lib/bitmap.c and ARM's bit searches (arch/arm/lib/findbit.S), as Linux 3.14 exports them.

A bitmap is an array of 32-bit longs in guest memory, bit n in word n / 32. The functions
compute on the whole map as one Python integer and write back what C writes: and/or/xor/
andnot/complement store every word of the destination (the bits past nbits in the last word
as the operation makes them, like 3.14), equal/subset/intersects/empty/full/weight ignore
those bits.
"""

from .hypercall import export

BITS = 32


def _words(nbits):
    return (nbits + BITS - 1) // BITS


class Bitmaps:
    def __init__(self, vm):
        self._vm = vm

    def _get(self, va, nbits):
        n = _words(nbits)
        return int.from_bytes(self._vm.read(va, 4 * n), "little") if n else 0

    def _put(self, va, nbits, value):
        n = _words(nbits)
        if n:
            self._vm.write(va, (value & ((1 << (32 * n)) - 1)).to_bytes(4 * n, "little"))

    @staticmethod
    def _mask(nbits):
        return (1 << nbits) - 1

    # -- whole-map operations -------------------------------------------------------------
    @export("__bitmap_and")
    def bitmap_and_(self, dst, a, b, nbits):
        value = self._get(a, nbits) & self._get(b, nbits)
        self._put(dst, nbits, value)
        return int(value != 0)

    @export("__bitmap_or")
    def bitmap_or_(self, dst, a, b, nbits):
        self._put(dst, nbits, self._get(a, nbits) | self._get(b, nbits))

    @export("__bitmap_xor")
    def bitmap_xor_(self, dst, a, b, nbits):
        self._put(dst, nbits, self._get(a, nbits) ^ self._get(b, nbits))

    @export("__bitmap_andnot")
    def bitmap_andnot_(self, dst, a, b, nbits):
        value = self._get(a, nbits) & ~self._get(b, nbits)
        self._put(dst, nbits, value)
        return int(value & ((1 << (32 * _words(nbits))) - 1) != 0)

    @export("__bitmap_complement")
    def bitmap_complement_(self, dst, src, nbits):
        self._put(dst, nbits, ~self._get(src, nbits) & self._mask(nbits))

    @export("__bitmap_equal")
    def bitmap_equal_(self, a, b, nbits):
        m = self._mask(nbits)
        return int(self._get(a, nbits) & m == self._get(b, nbits) & m)

    @export("__bitmap_intersects")
    def bitmap_intersects_(self, a, b, nbits):
        return int(self._get(a, nbits) & self._get(b, nbits) & self._mask(nbits) != 0)

    @export("__bitmap_subset")
    def bitmap_subset_(self, a, b, nbits):
        return int(self._get(a, nbits) & ~self._get(b, nbits) & self._mask(nbits) == 0)

    @export("__bitmap_empty")
    def bitmap_empty_(self, a, nbits):
        return int(self._get(a, nbits) & self._mask(nbits) == 0)

    @export("__bitmap_full")
    def bitmap_full_(self, a, nbits):
        m = self._mask(nbits)
        return int(self._get(a, nbits) & m == m)

    @export("__bitmap_weight")
    def bitmap_weight_(self, a, nbits):
        return bin(self._get(a, nbits) & self._mask(nbits)).count("1")

    @export("__bitmap_shift_right")
    def bitmap_shift_right_(self, dst, src, shift, nbits):
        self._put(dst, nbits, (self._get(src, nbits) & self._mask(nbits)) >> shift)

    @export("__bitmap_shift_left")
    def bitmap_shift_left_(self, dst, src, shift, nbits):
        self._put(dst, nbits, (self._get(src, nbits) << shift) & self._mask(nbits))

    # -- ranges ---------------------------------------------------------------------------
    @export()
    def bitmap_set(self, bmap, start, nr):
        end = start + nr
        value = self._get(bmap, end) | (self._mask(nr) << start)
        self._put(bmap, end, value)

    @export()
    def bitmap_clear(self, bmap, start, nr):
        end = start + nr
        value = self._get(bmap, end) & ~(self._mask(nr) << start)
        self._put(bmap, end, value)

    @export()
    def bitmap_find_next_zero_area(self, bmap, size, start, nr, align_mask):
        """The first aligned run of nr clear bits at or after start, or a value > size."""
        while True:
            index = self._find(bmap, size, start, want=0)
            index = (index + align_mask) & ~align_mask & 0xFFFFFFFF
            end = index + nr
            if end > size:
                return end & 0xFFFFFFFF
            taken = self._find(bmap, end, index, want=1)
            if taken >= end:
                return index
            start = taken + 1

    # -- bit searches (find_first_bit & co. on ARM, little-endian forms) --------------------
    def _find(self, bmap, size, offset, want):
        """The first bit >= offset equal to want, or size: read a page of the map at a time."""
        chunk_bits = 8 * 4096
        pos = offset - offset % BITS
        while pos < size:
            nbits = min(chunk_bits, size - pos)
            value = self._get(bmap + pos // 8, nbits) & self._mask(nbits)
            if not want:
                value = ~value & self._mask(nbits)
            value >>= max(offset - pos, 0)
            if value:
                return min(max(offset, pos) + (value & -value).bit_length() - 1, size)
            pos += nbits
        return size
