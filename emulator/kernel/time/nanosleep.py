"""nanosleep(2) and clock_nanosleep(2): the calling process sleeps in virtual time while
other processes, timers and interrupts run (kernel/hrtimer.c, kernel/posix-timers.c).

The task sleeps interruptibly until its wake-up time; it returns 0 (a fatal signal ends it
instead). Outside a task (nothing to switch to) the clock just advances, as before.
"""

import struct

from ..errno import EINVAL
from ..syscalls import syscall

TIMER_ABSTIME = 1
CLOCKS = {0, 1, 4, 7}          # REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME


def _sleep(sys, ns):
    ns = max(0, ns)
    if sys.sleep_task is None or not sys.sleep_task(ns):
        sys.clock.sleep_ns(ns)
    return 0


def _timespec32(sys, req):
    sec, nsec = struct.unpack("<iI", sys.vm.read(req, 8, user=True))
    return sec, nsec


@syscall(162)
def sys_nanosleep(sys, req, rem, *_):
    sec, nsec = _timespec32(sys, req)
    if sec < 0 or nsec >= 1_000_000_000:
        return -EINVAL
    return _sleep(sys, sec * 1_000_000_000 + nsec)


@syscall(265)
def sys_clock_nanosleep(sys, clk, flags, req, rem, *_):
    if clk not in CLOCKS:
        return -EINVAL
    sec, nsec = _timespec32(sys, req)
    return _clock_sleep(sys, flags, sec, nsec)


@syscall(407)
def sys_clock_nanosleep_time64(sys, clk, flags, req, rem, *_):
    if clk not in CLOCKS:
        return -EINVAL
    sec, nsec = struct.unpack("<qI4x", sys.vm.read(req, 16, user=True))
    return _clock_sleep(sys, flags, sec, nsec)


def _clock_sleep(sys, flags, sec, nsec):
    if sec < 0 or nsec >= 1_000_000_000:
        return -EINVAL
    ns = sec * 1_000_000_000 + nsec
    if flags & TIMER_ABSTIME:
        ns -= sys.clock.now_ns()
    return _sleep(sys, ns)
