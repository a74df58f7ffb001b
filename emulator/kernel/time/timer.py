"""jiffies and kernel timers (Linux kernel/timer.c, kernel/time.c, 3.14; HZ = 200).

``jiffies``/``jiffies_64`` are data exports: one 64-bit word in guest memory (jiffies is its
low half, as the ARM linker script aliases them), starting at INITIAL_JIFFIES (wraps 5
minutes after boot, as Linux arranges) and brought up to date from virtual time at every
tick the scheduler takes and before guest code runs from the console.

Timers live in guest memory as the module's struct timer_list (entry 0, expires 8, base 12,
function 16, data 20, slack 24); this module keeps the pending ones in expiry order and runs
each expired function(data) in softirq context (preempt_count + SOFTIRQ_OFFSET) at the next
tick boundary, in timer-wheel order (expiry, then the order they were added). A pending
timer's entry.next is non-NULL, so 3.14's inline timer_pending() sees it. rmmod reports a
module's timers still pending as leaks.
"""

import struct

from ...errors import Unimplemented
from ..hypercall import export
from .jiffies import HZ, INITIAL_JIFFIES, TICK_NS  # noqa: F401  (re-exported)
T_ENTRY, T_EXPIRES, T_BASE, T_FUNCTION, T_DATA, T_SLACK = 0, 8, 12, 16, 20, 24
MAX_JIFFY_OFFSET = 0x3FFFFFFE            # ((LONG_MAX >> 1) - 1)


def time_after_eq(a, b):
    return ((a - b) & 0xFFFFFFFF) < 0x80000000


class Timers:
    def __init__(self, vm, clock, jiffies_va, ledger, caller, printk, run_softirq):
        self._vm, self._clock, self._va = vm, clock, jiffies_va
        self._ledger, self._caller, self._printk = ledger, caller, printk
        self.pending = {}            # timer va -> (expires jiffies, sequence)
        self._seq = 0
        self.run_softirq = run_softirq   # run_softirq([(fn, arg)]): the softirq runner (irq)
        self.sync()

    # -- jiffies ------------------------------------------------------------------------------
    def jiffies64(self, now_ns=None):
        ticks = (self._clock.now_ns() if now_ns is None else now_ns) // TICK_NS
        return (INITIAL_JIFFIES + ticks) & 0xFFFFFFFFFFFFFFFF

    @property
    def jiffies(self):
        return self.jiffies64() & 0xFFFFFFFF

    def sync(self):
        """Write the current jiffies_64 to guest memory."""
        self._vm.write(self._va, struct.pack("<Q", self.jiffies64()))

    def data_symbols(self):
        return {"jiffies": self._va, "jiffies_64": self._va}

    # -- expiry ---------------------------------------------------------------------------------
    def next_expiry_ns(self):
        """Virtual time of the tick at which the earliest pending timer runs, or None."""
        if not self.pending:
            return None
        now_j = self.jiffies
        now_ns = self._clock.now_ns()
        best = None
        for expires, _ in self.pending.values():
            delta = (expires - now_j) & 0xFFFFFFFF
            delta = 0 if delta >= 0x80000000 else delta
            at = (now_ns // TICK_NS + delta) * TICK_NS
            best = at if best is None else min(best, at)
        return best

    def run_expired(self):
        """Run every expired timer's function (softirq context); True if any ran."""
        self.sync()
        now_j = self.jiffies
        due = sorted((seq, va) for va, (expires, seq) in self.pending.items()
                     if time_after_eq(now_j, expires))
        if not due:
            return False
        calls = []
        for _, va in due:
            self._detach(va)
            fn, data = struct.unpack("<II", self._vm.read(va + T_FUNCTION, 8))
            calls.append((fn, data))
        self.run_softirq(calls)
        return True

    # -- the API --------------------------------------------------------------------------------
    @export()
    def init_timer_key(self, timer, flags, name, key):
        self._vm.write_u32(timer + T_ENTRY, 0)              # entry.next = NULL: not pending
        self._vm.write_u32(timer + T_SLACK, 0xFFFFFFFF)     # slack = -1 (the default)
        if flags:
            raise Unimplemented(f"init_timer_key: timer flags {flags:#x} (deferrable, irqsafe) "
                                f"are not modelled")

    @export()
    def add_timer(self, timer):
        if timer in self.pending:
            self._printk(4, "kernel BUG at kernel/timer.c:918! (add_timer of a pending timer)")
            raise Unimplemented("add_timer: the timer is already pending (BUG_ON)")
        self.mod_timer(timer, self._vm.read_u32(timer + T_EXPIRES))

    @export()
    def mod_timer(self, timer, expires):
        """(Re)arm: returns 1 if the timer was pending, 0 otherwise."""
        was = self._detach(timer)
        self._vm.write_u32(timer + T_EXPIRES, expires)
        self._vm.write_u32(timer + T_ENTRY, timer)          # pending: entry.next != NULL
        self._seq += 1
        self.pending[timer] = (expires & 0xFFFFFFFF, self._seq)
        if not was:
            self._ledger.acquire("timer", timer, self._caller(), f"timer_list at {timer:#010x}")
        return int(was)

    @export()
    def mod_timer_pending(self, timer, expires):
        return self.mod_timer(timer, expires) if timer in self.pending else 0

    @export()
    def del_timer(self, timer):
        return int(self._detach(timer))

    @export()
    def del_timer_sync(self, timer):
        return int(self._detach(timer))     # one CPU: the function is not running elsewhere

    def _detach(self, timer):
        if self.pending.pop(timer, None) is None:
            return False
        self._vm.write_u32(timer + T_ENTRY, 0)
        self._ledger.release("timer", timer)
        return True

    # -- conversions (kernel/time.c: exported functions in 3.14) --------------------------------
    @export()
    def msecs_to_jiffies(self, m):
        return MAX_JIFFY_OFFSET if m > 0x7FFFFFFF else (m + (1000 // HZ) - 1) // (1000 // HZ)

    @export()
    def usecs_to_jiffies(self, u):
        return MAX_JIFFY_OFFSET if u > 0x7FFFFFFF else (u + 1_000_000 // HZ - 1) // (1_000_000 // HZ)

    @export()
    def jiffies_to_msecs(self, j):
        return (j * (1000 // HZ)) & 0xFFFFFFFF

    @export()
    def jiffies_to_usecs(self, j):
        return (j * (1_000_000 // HZ)) & 0xFFFFFFFF


__all__ = ["Timers"]
