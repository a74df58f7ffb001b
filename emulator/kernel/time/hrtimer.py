"""High-resolution timers and ktime (Linux kernel/hrtimer.c, kernel/time/timekeeping.c, 3.14
with CONFIG_HIGH_RES_TIMERS and CONFIG_KTIME_SCALAR: ktime_t is one s64 of nanoseconds).

A module's struct hrtimer (abi.HRTIMER: node.expires, _softexpires, function, base, state)
lives in its memory; ``base`` points at one of this kernel's hrtimer_clock_base objects, whose
get_time is the stub of ktime_get (CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI) or
ktime_get_real (CLOCK_REALTIME), so 3.14's inline hrtimer_forward_now() and
hrtimer_cb_get_time() work. Board time is virtual: both clocks read the nanoseconds the
board has run (gettimeofday reads the same). The enqueued timers are kept here in expiry
order; the scheduler ends a slice at the earliest expiry (``next_expiry_ns``) and runs each
expired callback in hardirq context as hrtimer_interrupt does: state CALLBACK while it runs,
HRTIMER_RESTART enqueues it again at its (forwarded) expiry. A callback that restarts into
the past more than three times in one pass is 3.14's "hrtimer: interrupt took N ns": the
next pass is deferred. rmmod reports a module's hrtimers still enqueued as leaks.
"""

import struct

from ...errors import GuestTimeout, Unimplemented
from ..abi import HRTIMER, HRTIMER_CLOCK_BASE
from ..hypercall import export
from .timer import TICK_NS

CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI = 0, 1, 7, 11
#: hrtimer_bases' order in 3.14 (HRTIMER_BASE_*) and each clock's get_time.
BASES = ((CLOCK_MONOTONIC, "ktime_get"), (CLOCK_REALTIME, "ktime_get_real"),
         (CLOCK_BOOTTIME, "ktime_get_boottime"), (CLOCK_TAI, "ktime_get_clocktai"))
HRTIMER_MODE_ABS, HRTIMER_MODE_REL = 0, 1
HRTIMER_NORESTART, HRTIMER_RESTART = 0, 1
STATE_INACTIVE, STATE_ENQUEUED, STATE_CALLBACK = 0, 1, 2
KTIME_MAX = (1 << 63) - 1
RESOLUTION_NS = 1                       # hrtimer_resolution with high resolution active
#: hrtimer_interrupt: retries before declaring a hang; the longest deferral after one.
RETRIES, HANG_DEFER_MAX_NS = 3, 100_000_000
N_EXPIRES, N_SOFT, N_FUNCTION, N_BASE, N_STATE = (
    HRTIMER["node"] + 16, HRTIMER["_softexpires"], HRTIMER["function"], HRTIMER["base"],
    HRTIMER["state"])
MASK64 = (1 << 64) - 1


def s64(lo, hi=None):
    value = lo if hi is None else lo | (hi << 32)
    value &= MASK64
    return value - (1 << 64) if value >> 63 else value


def split(value):
    """An s64 as (r0, r1)."""
    value &= MASK64
    return value & 0xFFFFFFFF, value >> 32


def add_safe(a, b):
    """ktime_add_safe: a sum that overflows (or goes negative from positive) is KTIME_MAX."""
    res = a + b
    if res < 0 and a >= 0 and b >= 0 or res > KTIME_MAX:
        return KTIME_MAX
    return res


class HrTimers:
    def __init__(self, vm, clock, bases_va, address_of, ledger, caller, printk, run_hardirq):
        """bases_va: guest memory for the clock bases (4 x 56 bytes); run_hardirq([(fn, arg)])
        runs guest functions in hardirq context and returns their r0 values."""
        self._vm, self._clock, self._bases_va = vm, clock, bases_va
        self._address, self._ledger, self._caller, self._printk = \
            address_of, ledger, caller, printk
        self._run_hardirq = run_hardirq
        self.queued = {}             # timer va -> (expires ns, sequence)
        self._seq = 0
        self._running = None         # the timer whose callback runs now
        self._hold_until = None      # a hang deferred the next pass to this time
        self._base_of = {clock_id: bases_va + i * HRTIMER_CLOCK_BASE.size
                         for i, (clock_id, _) in enumerate(BASES)}

    def install_bases(self):
        """Write the clock bases (after the services have stubs)."""
        for i, (clock_id, getter) in enumerate(BASES):
            base = bytearray(HRTIMER_CLOCK_BASE.size)
            struct.pack_into("<iI", base, HRTIMER_CLOCK_BASE["index"], i, clock_id)
            struct.pack_into("<q", base, HRTIMER_CLOCK_BASE["resolution"], RESOLUTION_NS)
            struct.pack_into("<I", base, HRTIMER_CLOCK_BASE["get_time"], self._address(getter))
            self._vm.write(self._base_of[clock_id], bytes(base))

    # -- ktime (kernel/time/timekeeping.c): a ktime_t argument is a register pair (r2:r3 after
    # a pointer, else on the stack), a ktime_t result goes to memory at r0 ------------------
    def now(self):
        return self._clock.now_ns()

    @export()
    def ktime_get(self, ret):
        self._put(ret, self.now())

    @export()
    def ktime_get_real(self, ret):
        self._put(ret, self.now())

    @export()
    def ktime_get_boottime(self, ret):
        self._put(ret, self.now())

    @export()
    def ktime_get_clocktai(self, ret):
        self._put(ret, self.now())

    @export()
    def ktime_get_ts(self, ts):
        sec, ns = divmod(self.now(), 1_000_000_000)
        self._vm.write(ts, struct.pack("<ii", sec, ns))

    @export()
    def ns_to_timespec(self, ret, _pad, lo, hi):
        """kernel/time.c: seconds rounded down, 0 <= tv_nsec < 1e9 (genuine ktime_to_*s)."""
        sec, ns = divmod(s64(lo, hi), 1_000_000_000)
        self._vm.write(ret, struct.pack("<ii", sec, ns))

    @export()
    def ns_to_timeval(self, ret, _pad, lo, hi):
        sec, ns = divmod(s64(lo, hi), 1_000_000_000)
        self._vm.write(ret, struct.pack("<ii", sec, ns // 1000))

    @export()
    def ktime_add_safe(self, ret, _pad, a_lo, a_hi, b_lo, b_hi):
        self._put(ret, add_safe(s64(a_lo, a_hi), s64(b_lo, b_hi)))

    def _put(self, ret, value):
        """A ktime_t result: union ktime is a composite type, so AAPCS returns it in
        memory the caller passes in r0."""
        self._vm.write(ret, struct.pack("<q", value))

    # -- the timer's fields ------------------------------------------------------------------
    def _expires(self, timer):
        return s64(*struct.unpack("<II", self._vm.read(timer + N_EXPIRES, 8)))

    def _set_expires(self, timer, soft, hard):
        self._vm.write(timer + N_EXPIRES, struct.pack("<q", hard))
        self._vm.write(timer + N_SOFT, struct.pack("<q", soft))

    def _state(self, timer):
        return self._vm.read_u32(timer + N_STATE)

    def _set_state(self, timer, state):
        self._vm.write_u32(timer + N_STATE, state)

    def _clock_now(self, timer):
        return self.now()            # every base reads board time

    # -- the API (kernel/hrtimer.c) ---------------------------------------------------------------
    @export()
    def hrtimer_init(self, timer, clock_id, mode):
        if clock_id == CLOCK_REALTIME and mode != HRTIMER_MODE_ABS:
            clock_id = CLOCK_MONOTONIC
        base = self._base_of.get(clock_id)
        if base is None:
            raise Unimplemented(f"hrtimer_init: clock id {clock_id} (3.14 has no hrtimer base "
                                f"for it: BUG)")
        if timer in self.queued:
            self._printk(3, f"ODEBUG: init active (active state 0) object type: hrtimer "
                            f"hint: {timer:#010x}")
            self._remove(timer)
        data = bytearray(HRTIMER.size)
        struct.pack_into("<I", data, HRTIMER["node"], timer)      # RB_CLEAR_NODE
        struct.pack_into("<I", data, N_BASE, base)
        self._vm.write(timer, bytes(data))

    @export()
    def hrtimer_start(self, timer, _pad, tim_lo, tim_hi, mode):
        return self._start(timer, s64(tim_lo, tim_hi), 0, mode)

    @export()
    def hrtimer_start_range_ns(self, timer, _pad, tim_lo, tim_hi, delta_ns, mode):
        return self._start(timer, s64(tim_lo, tim_hi), delta_ns, mode)

    def _start(self, timer, tim, delta_ns, mode):
        """__hrtimer_start_range_ns: 1 when the timer was enqueued before, else 0."""
        was = self._remove(timer)
        if mode & HRTIMER_MODE_REL:
            tim = add_safe(tim, self._clock_now(timer))
        self._set_expires(timer, tim, add_safe(tim, delta_ns))
        self._enqueue(timer)
        return int(was)

    def _enqueue(self, timer):
        self._seq += 1
        if timer not in self.queued:
            self._ledger.acquire("hrtimer", timer, self._caller(), f"hrtimer at {timer:#010x}")
        self.queued[timer] = (self._expires(timer), self._seq)
        self._set_state(timer, self._state(timer) | STATE_ENQUEUED)

    def _remove(self, timer):
        if self.queued.pop(timer, None) is None:
            return False
        self._ledger.release("hrtimer", timer)
        self._set_state(timer, self._state(timer) & ~STATE_ENQUEUED)
        return True

    @export()
    def hrtimer_try_to_cancel(self, timer):
        """0: not active, 1: dequeued, -1: its callback runs now."""
        if self._state(timer) & STATE_CALLBACK:
            return -1 & 0xFFFFFFFF
        return int(self._remove(timer))

    @export()
    def hrtimer_cancel(self, timer):
        if self._state(timer) & STATE_CALLBACK:
            raise GuestTimeout(f"deadlock: hrtimer_cancel({timer:#010x}) from "
                               f"{self._caller():#010x} waits for its own running callback "
                               f"(one CPU: it never finishes)")
        return int(self._remove(timer))

    @export()
    def hrtimer_forward(self, timer, _pad, now_lo, now_hi, int_lo, int_hi):
        """Push the expiry past now by whole intervals; returns the overruns (u64)."""
        now, interval = s64(now_lo, now_hi), s64(int_lo, int_hi)
        expires = self._expires(timer)
        delta = now - expires
        if delta < 0:
            return split(0)
        if self._state(timer) & STATE_ENQUEUED:
            self._printk(4, "WARNING: CPU: 0 at kernel/hrtimer.c:822 hrtimer_forward()")
            return split(0)
        interval = max(interval, RESOLUTION_NS)
        orun = 1
        soft = s64(*struct.unpack("<II", self._vm.read(timer + N_SOFT, 8)))
        if delta >= interval:
            orun = delta // interval
            incr = orun * interval
            expires, soft = add_safe(expires, incr), add_safe(soft, incr)
            if expires > now:
                self._set_expires(timer, soft, expires)
                return split(orun)
            orun += 1
        self._set_expires(timer, add_safe(soft, interval), add_safe(expires, interval))
        return split(orun)

    @export()
    def hrtimer_get_remaining(self, ret, timer):
        self._put(ret, self._expires(timer) - self._clock_now(timer))

    @export()
    def hrtimer_get_res(self, which_clock, tp):
        self._vm.write(tp, struct.pack("<ii", 0, RESOLUTION_NS))
        return 0

    # -- expiry (the scheduler's side) ------------------------------------------------------------
    def next_expiry_ns(self):
        if not self.queued:
            return None
        first = min(expires for expires, _ in self.queued.values())
        if self._hold_until is not None:
            first = max(first, self._hold_until)
        return max(0, first)

    @property
    def pending(self):
        return bool(self.queued)

    def run_expired(self):
        """hrtimer_interrupt: run every expired callback in expiry order; True if any ran."""
        now = self.now()
        if self._hold_until is not None:
            if now < self._hold_until:
                return False
            self._hold_until = None
        start, ran, retries = now, False, 0
        while True:
            due = sorted((expires, seq, va) for va, (expires, seq) in self.queued.items()
                         if expires <= now)
            if not due:
                return ran
            if retries > RETRIES:
                took = max(1, self.now() - start)
                self._printk(4, f"hrtimer: interrupt took {took} ns")
                self._hold_until = self.now() + min(took, HANG_DEFER_MAX_NS)
                return ran
            for _, _, va in due:
                if va in self.queued and self.queued[va][0] <= now:
                    self._run_one(va)
                    ran = True
            retries += 1
            now = self.now()

    def _run_one(self, timer):
        self._remove(timer)
        self._set_state(timer, STATE_CALLBACK)
        self._running = timer
        fn = self._vm.read_u32(timer + N_FUNCTION)
        try:
            (restart,) = self._run_hardirq([(fn, timer)])
        finally:
            self._running = None
        state = self._state(timer) & ~STATE_CALLBACK
        self._set_state(timer, state)
        if restart != HRTIMER_NORESTART and not state & STATE_ENQUEUED:
            self._enqueue(timer)


class TimerBases:
    """What the scheduler sees as its timers: the jiffies timer wheel, the hrtimers, and
    the timers of the kernel image's own drivers (Python callbacks on the wheel's ticks:
    gpio-keys' debounce timer)."""

    def __init__(self, wheel, hrtimers, clock):
        self.wheel, self.hrtimers, self._clock = wheel, hrtimers, clock
        self.kernel = {}             # key -> (expiry ns, callable())

    def mod_kernel_timer(self, key, jiffies_from_now, fn):
        """mod_timer(jiffies + n) of a kernel timer: it runs at the n-th tick from now."""
        tick = self._clock.now_ns() // TICK_NS + max(1, jiffies_from_now)
        self.kernel[key] = (tick * TICK_NS, fn)

    def del_kernel_timer(self, key):
        self.kernel.pop(key, None)

    @property
    def pending(self):
        return bool(self.wheel.pending) or self.hrtimers.pending or bool(self.kernel)

    def sync(self):
        self.wheel.sync()

    def msecs_to_jiffies(self, msecs):
        return self.wheel.msecs_to_jiffies(msecs)

    def next_expiry_ns(self):
        times = [t for t in (self.wheel.next_expiry_ns(), self.hrtimers.next_expiry_ns())
                 if t is not None] + [at for at, _ in self.kernel.values()]
        return min(times, default=None)

    def run_expired(self):
        ran = self.hrtimers.run_expired()
        now = self._clock.now_ns()
        for key, (at, fn) in sorted(self.kernel.items(), key=lambda item: item[1][0]):
            if at <= now and self.kernel.get(key, (None,))[0] == at:
                del self.kernel[key]
                fn()
                ran = True
        return self.wheel.run_expired() or ran


__all__ = ["HrTimers", "TimerBases"]
