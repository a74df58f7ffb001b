"""Kernel timers and jiffies (kernel/time/timer.py) against a fake guest memory."""

import struct

from emulator.kernel.clock import Clock
from emulator.kernel.resources import Ledger
from emulator.kernel.time.timer import INITIAL_JIFFIES, TICK_NS, Timers
from tests.unit.fakes import FlatMemory



def make():
    vm, clock = FlatMemory(), Clock()
    ledger = Ledger(lambda addr: "mod" if addr else None, hex)
    ran = []
    timers = Timers(vm, clock, 0x100, ledger, lambda: 0xBF000010, lambda level, text: None,
                    ran.extend)
    return vm, clock, ledger, timers, ran


def arm(vm, timers, va, fn, data, expires):
    timers.init_timer_key(va, 0, 0, 0)
    vm.write(va + 16, struct.pack("<II", fn, data))
    return timers.mod_timer(va, expires)


def test_jiffies_start_five_minutes_before_wrap_and_follow_virtual_time():
    vm, clock, _, timers, _ = make()
    assert vm.read_u32(0x100) == INITIAL_JIFFIES == 0xFFFF15A0      # -300 * HZ
    clock.sleep_ns(3 * TICK_NS + 1)
    timers.sync()
    assert vm.read_u32(0x100) == INITIAL_JIFFIES + 3
    assert timers.msecs_to_jiffies(20) == 4 and timers.msecs_to_jiffies(1) == 1
    assert timers.jiffies_to_msecs(4) == 20


def test_timers_run_in_expiry_order_once_and_report_pending():
    vm, clock, ledger, timers, ran = make()
    j = timers.jiffies
    assert arm(vm, timers, 0x1000, 0xBF001000, 1, j + 4) == 0
    assert arm(vm, timers, 0x2000, 0xBF002000, 2, j + 2) == 0
    assert vm.read_u32(0x1000) != 0                        # timer_pending()
    assert [h.kind for h in ledger.held_by("mod")] == ["timer", "timer"]
    assert timers.next_expiry_ns() == 2 * TICK_NS
    clock.sleep_ns(2 * TICK_NS)
    assert timers.run_expired() and ran == [(0xBF002000, 2)]
    assert timers.mod_timer(0x1000, j + 6) == 1            # re-armed while pending
    clock.sleep_ns(4 * TICK_NS)
    timers.run_expired()
    assert ran == [(0xBF002000, 2), (0xBF001000, 1)]
    assert vm.read_u32(0x1000) == 0 and not timers.pending
    assert ledger.held_by("mod") == []


def test_del_timer_and_wrapping_expiry():
    vm, clock, ledger, timers, ran = make()
    arm(vm, timers, 0x1000, 0xBF001000, 0, (timers.jiffies + 0x10000) & 0xFFFFFFFF)  # wraps
    assert timers.del_timer(0x1000) == 1 and timers.del_timer(0x1000) == 0
    assert not timers.run_expired() and ran == []
