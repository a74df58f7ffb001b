"""lib/sort.c, lib/list_sort.c, lib/random32.c (+ get_random_bytes), lib/crc32.c, lib/crc16.c.

sort() is 3.14's heapsort step for step (the same comparisons, the same order for equal
keys), calling the module's cmp (and swap) functions as guest code. list_sort() is a stable
merge sort like 3.14's (equal elements keep their order), relinking next and prev.
Randomness is deterministic: the board has no entropy, so prandom's Tausworthe generator and
get_random_bytes start from the board seed (two runs of a script see the same numbers).
"""

import functools
import zlib

from ..memory.mmu import GuestFaultAccess
from .hypercall import export

M32 = 0xFFFFFFFF
BOARD_SEED = 4412


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


# -- random ---------------------------------------------------------------------------------
def _tausworthe(s, a, b, c, d):
    return (((s & c) << d) & M32) ^ ((((s << a) & M32) ^ s) >> b)


def prandom_next(state):
    """prandom_u32_state: advance state (a 4-list) and return the next u32."""
    state[0] = _tausworthe(state[0], 6, 13, 4294967294, 18)
    state[1] = _tausworthe(state[1], 2, 27, 4294967288, 2)
    state[2] = _tausworthe(state[2], 13, 21, 4294967280, 7)
    state[3] = _tausworthe(state[3], 3, 12, 4294967168, 13)
    return state[0] ^ state[1] ^ state[2] ^ state[3]


def _seed(x, m):
    return x + m if x < m else x


def seeded_state(seed):
    """prandom_seed_very_weak + prandom_warmup."""
    state = [0, 0, 0, 0]
    state[0] = _seed(seed * 69069 & M32, 2)
    state[1] = _seed(state[0] * 69069 & M32, 8)
    state[2] = _seed(state[1] * 69069 & M32, 16)
    state[3] = _seed(state[2] * 69069 & M32, 128)
    for _ in range(10):
        prandom_next(state)
    return state


def prandom_bytes(state, n):
    """prandom_bytes_state: whole words little-endian, then the low bytes of one more."""
    out = bytearray()
    for _ in range(n // 4):
        out += prandom_next(state).to_bytes(4, "little")
    if n % 4:
        out += prandom_next(state).to_bytes(4, "little")[:n % 4]
    return bytes(out)


class Random:
    def __init__(self, vm, seed=BOARD_SEED):
        self._vm = vm
        self.state = seeded_state(seed)              # net_rand_state
        self.pool = seeded_state(seed ^ 0x5EED5EED)  # what get_random_bytes draws from

    @export()
    def prandom_u32(self):
        return prandom_next(self.state)

    @export()
    def prandom_u32_state(self, state_va):
        state = list(int.from_bytes(self._vm.read(state_va + 4 * i, 4), "little")
                     for i in range(4))
        value = prandom_next(state)
        self._vm.write(state_va, b"".join(s.to_bytes(4, "little") for s in state))
        return value

    @export()
    def prandom_bytes(self, buf, nbytes):
        n = _s32(nbytes)
        if n > 0:
            self._vm.write(buf, prandom_bytes(self.state, n))

    @export()
    def prandom_seed(self, entropy):
        self.state[0] = _seed(self.state[0] ^ entropy, 2)
        for _ in range(10):
            prandom_next(self.state)

    @export()
    def get_random_bytes(self, buf, nbytes):
        n = _s32(nbytes)
        if n > 0:
            self._vm.write(buf, prandom_bytes(self.pool, n))

    @export()
    def get_random_int(self):
        return prandom_next(self.pool)


# -- CRCs -----------------------------------------------------------------------------------
def _table(poly, reflected):
    table = []
    for i in range(256):
        if reflected:
            crc = i
            for _ in range(8):
                crc = (crc >> 1) ^ (poly if crc & 1 else 0)
        else:
            crc = i << 24
            for _ in range(8):
                crc = ((crc << 1) ^ (poly if crc & 0x80000000 else 0)) & M32
        table.append(crc)
    return table


CRC32_BE = _table(0x04C11DB7, False)
CRC32C = _table(0x82F63B78, True)
CRC16 = _table(0xA001, True)


def crc32_le(crc, data):
    """Linux's crc32_le (no inversion in or out): zlib's CRC-32 without its complements."""
    return ~zlib.crc32(data, ~crc & M32) & M32


def crc32_be(crc, data):
    for b in data:
        crc = ((crc << 8) & M32) ^ CRC32_BE[(crc >> 24) ^ b]
    return crc


def crc_reflected(table, crc, data):
    for b in data:
        crc = (crc >> 8) ^ table[(crc ^ b) & 0xFF]
    return crc


class Crc:
    def __init__(self, vm):
        self._vm = vm

    def _data(self, p, n):
        return self._vm.read(p, n) if n else b""

    @export()
    def crc32_le(self, crc, p, n):
        return crc32_le(crc, self._data(p, n))

    @export()
    def crc32_be(self, crc, p, n):
        return crc32_be(crc, self._data(p, n))

    @export("__crc32c_le")
    def crc32c_le(self, crc, p, n):
        return crc_reflected(CRC32C, crc, self._data(p, n))

    @export()
    def crc16(self, crc, p, n):
        return crc_reflected(CRC16, crc & 0xFFFF, self._data(p, n))


# -- sorting --------------------------------------------------------------------------------
class Sort:
    def __init__(self, vm, call_nested):
        """call_nested(fn, args) runs a module function from inside a service; its r0."""
        self._vm, self._call = vm, call_nested

    @export()
    def sort(self, base, num, size, cmp_func, swap_func):
        """3.14's heapsort with the module's cmp (and swap, or the built-in ones)."""
        def cmp(a, b):
            return _s32(self._call(cmp_func, (base + a, base + b)) & M32)

        def swap(a, b):
            if swap_func:
                self._call(swap_func, (base + a, base + b, size))
            else:
                x, y = self._vm.read(base + a, size), self._vm.read(base + b, size)
                self._vm.write(base + a, y)
                self._vm.write(base + b, x)

        n = num * size
        i = (num // 2 - 1) * size
        while i >= 0:
            self._sift(i, n, size, cmp, swap)
            i -= size
        i = n - size
        while i > 0:
            swap(0, i)
            self._sift(0, i, size, cmp, swap)
            i -= size

    @staticmethod
    def _sift(r, n, size, cmp, swap):
        while r * 2 + size < n:
            c = r * 2 + size
            if c < n - size and cmp(c, c + size) < 0:
                c += size
            if cmp(r, c) >= 0:
                break
            swap(r, c)
            r = c

    @export()
    def list_sort(self, priv, head, cmp_func):
        """Stable sort of the list at head by cmp(priv, a, b); next/prev relinked."""
        nodes, node = [], self._vm.read_u32(head)
        while node != head:
            nodes.append(node)
            node = self._vm.read_u32(node)
            if len(nodes) > 1 << 22:       # a ring that never comes back: a corrupt list
                raise GuestFaultAccess(node)
        if len(nodes) < 2:
            return

        def compare(a, b):                 # only cmp > 0 puts b first, as list_sort's merge
            result = _s32(self._call(cmp_func, (priv, a, b)) & M32)
            return (result > 0) - (result < 0)

        ordered = sorted(nodes, key=functools.cmp_to_key(compare))
        ring = [head] + ordered + [head]
        for prev, cur, nxt in zip(ring, ring[1:], ring[2:]):
            self._vm.write_u32(cur, nxt)
            self._vm.write_u32(cur + 4, prev)
        self._vm.write_u32(head, ordered[0])
        self._vm.write_u32(head + 4, ordered[-1])
