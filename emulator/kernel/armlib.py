"""The arch/arm/lib routines a module built against the board's headers calls.

3.14's ARM headers turn atomic bit operations (SMP), bit searches, population counts,
memset(p, 0, n) and busy-wait delays into calls: `_set_bit` & co. (setbit.S ...),
`_find_next_bit_le` & co. (findbit.S), `__sw_hweight32` (lib/hweight.c), `__memzero`
(memzero.S), and the functions `arm_delay_ops` points at (delay.c: with the board's ARM
architected timer, __timer_delay & co.). A bit operation runs with IRQs of the caller as
they are: the emulated CPU is the only one, so a read-modify-write here is atomic.
"""

import struct

from .abi import ARM_DELAY_OPS, OUTER_CACHE_FNS
from .hypercall import export
from .time.jiffies import HZ
from .work import UNMETERED

#: l2x0_cache_sync as guest code: `dsb sy; bx lr` (no outer cache is modelled, so draining
#: the CPU's write buffer is the whole sync).
CACHE_SYNC_CODE = struct.pack("<2I", 0xF57FF04F, 0xE12FFF1E)

#: arm_delay_ops.ticks_per_jiffy: the timer's ticks per jiffy (the virtual 1.4 GHz clock
#: counts the delay loop's time, HZ 200).
TIMER_HZ = 1_400_000_000
TICKS_PER_JIFFY = TIMER_HZ // HZ
#: udelay(n) with a constant n passes n * UDELAY_MULT "xloops" (asm/delay.h).
UDELAY_MULT = (2199023 * HZ) >> 11
UDELAY_SHIFT = 30


def _bit_word(addr, nr):
    return addr + 4 * (nr >> 5), 1 << (nr & 31)


class ArmLib:
    def __init__(self, vm, clock, work=UNMETERED):
        """vm: module memory (checked by the memory checker when it is on); work: the
        WorkMeter a bulk __memzero is charged to (work.py)."""
        self._vm, self._clock, self._work = vm, clock, work

    def data_objects(self, alloc, stub_address):
        """Build `outer_cache` and `arm_delay_ops` in guest memory (alloc(size) -> zeroed
        kernel memory, stub_address(name) -> a service's stub); returns {symbol: address}."""
        sync = alloc(len(CACHE_SYNC_CODE))
        self._vm.write(sync, CACHE_SYNC_CODE)
        outer = alloc(OUTER_CACHE_FNS.size)
        self._vm.write_u32(outer + OUTER_CACHE_FNS["sync"], sync)
        delay = alloc(ARM_DELAY_OPS.size)
        for field, value in (("delay", stub_address("__timer_delay")),
                             ("const_udelay", stub_address("__timer_const_udelay")),
                             ("udelay", stub_address("__timer_udelay")),
                             ("ticks_per_jiffy", TICKS_PER_JIFFY)):
            self._vm.write_u32(delay + ARM_DELAY_OPS[field], value)
        self.routines = [(sync, len(CACHE_SYNC_CODE), "l2x0_cache_sync")]
        return {"outer_cache": outer, "arm_delay_ops": delay}

    # -- atomic bit operations (arch/arm/lib/setbit.S, clearbit.S, ...) ----------------------
    def _rmw(self, nr, addr, op):
        word_va, mask = _bit_word(addr, nr)
        old = self._vm.read_u32(word_va)
        self._vm.write_u32(word_va, op(old, mask) & 0xFFFFFFFF)
        return 1 if old & mask else 0

    @export("_set_bit")
    def set_bit(self, nr, addr):
        self._rmw(nr, addr, lambda w, m: w | m)

    @export("_clear_bit")
    def clear_bit(self, nr, addr):
        self._rmw(nr, addr, lambda w, m: w & ~m)

    @export("_change_bit")
    def change_bit(self, nr, addr):
        self._rmw(nr, addr, lambda w, m: w ^ m)

    @export("_test_and_set_bit")
    def test_and_set_bit(self, nr, addr):
        return self._rmw(nr, addr, lambda w, m: w | m)

    @export("_test_and_clear_bit")
    def test_and_clear_bit(self, nr, addr):
        return self._rmw(nr, addr, lambda w, m: w & ~m)

    @export("_test_and_change_bit")
    def test_and_change_bit(self, nr, addr):
        return self._rmw(nr, addr, lambda w, m: w ^ m)

    # -- bit searches (arch/arm/lib/findbit.S, little-endian) --------------------------------
    def _find(self, addr, size, offset, want):
        """The first bit >= offset of value `want` in the size-bit map, or size."""
        size, offset = size & 0xFFFFFFFF, offset & 0xFFFFFFFF
        if offset >= size:
            return size
        nbytes = (size + 7) >> 3
        data = int.from_bytes(self._vm.read(addr, nbytes), "little")
        if not want:
            data = ~data & ((1 << (nbytes * 8)) - 1)
        data >>= offset
        if not data:
            return size
        return min(size, offset + ((data & -data).bit_length() - 1))

    @export("_find_first_bit_le")
    def find_first_bit(self, addr, size):
        return self._find(addr, size, 0, 1)

    @export("_find_next_bit_le")
    def find_next_bit(self, addr, size, offset):
        return self._find(addr, size, offset, 1)

    @export("_find_first_zero_bit_le")
    def find_first_zero_bit(self, addr, size):
        return self._find(addr, size, 0, 0)

    @export("_find_next_zero_bit_le")
    def find_next_zero_bit(self, addr, size, offset):
        return self._find(addr, size, offset, 0)

    @export("__sw_hweight32")
    def sw_hweight32(self, w):
        return bin(w & 0xFFFFFFFF).count("1")

    # -- memory -------------------------------------------------------------------------------
    @export("__memzero")
    def memzero(self, ptr, n):
        if n and hasattr(self._vm, "check_range"):
            self._vm.check_range(ptr, n, True)       # one report for the whole range
        for off, step in self._work.chunks(n, "fill", "memset"):
            self._vm.write(ptr + off, bytes(step))

    # -- delays (arch/arm/lib/delay.c, the timer-based forms arm_delay_ops points at) ---------
    @export("__timer_delay")
    def timer_delay(self, cycles):
        self._clock.sleep_ns(cycles * 1_000_000_000 // TIMER_HZ)

    @export("__timer_const_udelay")
    def timer_const_udelay(self, xloops):
        """xloops = usecs * UDELAY_MULT (2^30 * HZ / 10^6 per microsecond): as delay.c, wait
        xloops * ticks_per_jiffy >> UDELAY_SHIFT timer ticks, i.e. usecs microseconds."""
        self.timer_delay((xloops * TICKS_PER_JIFFY) >> UDELAY_SHIFT)

    @export("__timer_udelay")
    def timer_udelay(self, usecs):
        self.timer_const_udelay(usecs * UDELAY_MULT)
