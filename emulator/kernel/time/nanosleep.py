"""nanosleep(2) and clock_nanosleep(2): the calling process sleeps in virtual time while
other processes, timers and interrupts run (kernel/hrtimer.c, kernel/posix-timers.c).

The task sleeps interruptibly until its wake-up time and returns 0. A signal to deliver
ends the sleep early, as 3.14's do_nanosleep does: the time left goes to *rem (relative
sleeps) and the call returns -ERESTART_RESTARTBLOCK, which the signal code turns into
-EINTR when a handler runs, or into restart_syscall (the rest of the sleep) when none
does. Outside a task (nothing to switch to) the clock just advances, as before.
"""

import struct

from ..entry import Sleep
from ..errno import EINVAL
from ..signal_arm import ERESTART_RESTARTBLOCK
from ..syscalls import syscall

TIMER_ABSTIME = 1
CLOCKS = {0, 1, 4, 7}          # REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME
NSEC = 1_000_000_000


def _sleep(sys, ns, rem=0, rem64=False):
    ns = max(0, ns)
    sched = sys.signals.sched if sys.signals is not None else None
    task = sched.current if sched is not None else None
    if task is None:
        sys.clock.sleep_ns(ns)
        return 0
    return _sleep_until(sys, task, sys.clock.now_ns() + ns, rem, rem64)


def _sleep_until(sys, task, end, rem, rem64):
    """do_nanosleep: a generator sleeping until end (virtual ns)."""
    clock = sys.clock
    while True:
        now = clock.now_ns()
        if now >= end:
            return 0
        if task.pending_signal:
            if rem:
                sec, nsec = divmod(end - now, NSEC)
                sys.vm.write(rem, struct.pack("<qI4x" if rem64 else "<iI", sec, nsec),
                             user=True)
            task.process.signals.restart_block = lambda: _sleep_until(sys, task, end, rem,
                                                                      rem64)
            return -ERESTART_RESTARTBLOCK
        task.sleeping_in = "nanosleep"
        yield Sleep(end - now)
        task.sleeping_in = ""


def _timespec32(sys, req):
    sec, nsec = struct.unpack("<iI", sys.vm.read(req, 8, user=True))
    return sec, nsec


@syscall(162)
def sys_nanosleep(sys, req, rem, *_):
    sec, nsec = _timespec32(sys, req)
    if sec < 0 or nsec >= NSEC:
        return -EINVAL
    return _sleep(sys, sec * NSEC + nsec, rem)


@syscall(265)
def sys_clock_nanosleep(sys, clk, flags, req, rem, *_):
    if clk not in CLOCKS:
        return -EINVAL
    sec, nsec = _timespec32(sys, req)
    return _clock_sleep(sys, flags, sec, nsec, rem, False)


@syscall(407)
def sys_clock_nanosleep_time64(sys, clk, flags, req, rem, *_):
    if clk not in CLOCKS:
        return -EINVAL
    sec, nsec = struct.unpack("<qI4x", sys.vm.read(req, 16, user=True))
    return _clock_sleep(sys, flags, sec, nsec, rem, True)


def _clock_sleep(sys, flags, sec, nsec, rem, rem64):
    if sec < 0 or nsec >= NSEC:
        return -EINVAL
    ns = sec * NSEC + nsec
    if flags & TIMER_ABSTIME:
        ns -= sys.clock.now_ns()
        rem = 0                   # an absolute sleep does not report the time left
    return _sleep(sys, ns, rem, rem64)
