"""The signal system calls (Linux kernel/signal.c, kernel/itimer.c, arch/arm/kernel/signal.c).

rt_sigaction/sigaction, rt_sigprocmask/sigprocmask, rt_sigpending/sigpending, kill, tkill,
tgkill, rt_sigqueueinfo/rt_tgsigqueueinfo, pause, rt_sigsuspend/sigsuspend, rt_sigtimedwait,
setitimer/getitimer (ITIMER_REAL), rt_sigreturn/sigreturn and restart_syscall, on the
process's SignalState (kernel/signal.py); delivery is kernel/signal_arm.py. alarm(2) is not
in the board's EABI table (sys_ni_syscall: glibc's alarm() calls setitimer), so it stays
-ENOSYS as on the board.
"""

import struct

from ..errors import Unimplemented
from .entry import Sleep
from .errno import EAGAIN, EINTR, EINVAL, EPERM, ESRCH
from .signal import (SI_KERNEL, SI_TKILL, SI_USER, SIGALRM, UNBLOCKABLE, UNCATCHABLE, SigAction,
                     SigInfo, valid_signal)
from .signal_arm import ERESTARTNOHAND, SIGINFO_SIZE, copy_siginfo
from .syscalls import syscall
from .time.jiffies import TICK_NS

SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK = 0, 1, 2
SIGSET_SIZE = 8
ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF = 0, 1, 2
USEC = 1000
SEC = 1_000_000_000


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def _state(sc):
    return sc.process.signals


def _task(sc):
    return sc.signals.sched.current


# -- actions ------------------------------------------------------------------------------------
def _sigaction(sc, signo, new, write_old):
    """do_sigaction: validate, install new (a SigAction or None), write the old one."""
    if not valid_signal(signo) or (new is not None and signo in UNCATCHABLE):
        return -EINVAL
    sig = _state(sc)
    old = sig.action(signo)
    if new is not None:
        sig.set_action(signo, new)
        sc.signals.sched.recalc_sigpending(_task(sc))
    write_old(old)
    return 0


@syscall(174)
def sys_rt_sigaction(sc, signo, act, oact, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -EINVAL
    new = None
    if act:
        handler, flags, restorer, mask = struct.unpack("<IIIQ", sc.vm.read(act, 20, user=True))
        new = SigAction(handler, flags, mask, restorer)

    def write_old(old):
        if oact:
            sc.vm.write(oact, struct.pack("<IIIQ", old.handler, old.flags, old.restorer,
                                          old.mask), user=True)
    return _sigaction(sc, signo, new, write_old)


@syscall(67)
def sys_sigaction(sc, signo, act, oact, *_):
    """The old ABI's struct old_sigaction: handler, 32-bit mask, flags, restorer."""
    new = None
    if act:
        handler, mask, flags, restorer = struct.unpack("<IIII", sc.vm.read(act, 16, user=True))
        new = SigAction(handler, flags, mask, restorer)

    def write_old(old):
        if oact:
            sc.vm.write(oact, struct.pack("<IIII", old.handler, old.mask & 0xFFFFFFFF,
                                          old.flags, old.restorer), user=True)
    return _sigaction(sc, signo, new, write_old)


# -- the mask -----------------------------------------------------------------------------------
def _sigprocmask(sc, how, new):
    sig = _state(sc)
    if new is not None:
        if how == SIG_BLOCK:
            sig.set_blocked(sig.blocked | new)
        elif how == SIG_UNBLOCK:
            sig.set_blocked(sig.blocked & ~new)
        elif how == SIG_SETMASK:
            sig.set_blocked(new)
        else:
            return -EINVAL
        sc.signals.sched.recalc_sigpending(_task(sc))
    return 0


@syscall(175)
def sys_rt_sigprocmask(sc, how, nset, oset, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -EINVAL
    old = _state(sc).blocked
    new = struct.unpack("<Q", sc.vm.read(nset, 8, user=True))[0] if nset else None
    err = _sigprocmask(sc, how, new)
    if err:
        return err
    if oset:
        sc.vm.write(oset, struct.pack("<Q", old), user=True)
    return 0


@syscall(126)
def sys_sigprocmask(sc, how, nset, oset, *_):
    """old_sigset_t (32 bits); SIG_SETMASK keeps the upper half of the mask."""
    sig = _state(sc)
    old = sig.blocked
    new = None
    if nset:
        low = struct.unpack("<I", sc.vm.read(nset, 4, user=True))[0]
        new = low if how != SIG_SETMASK else (old & ~0xFFFFFFFF) | low
    err = _sigprocmask(sc, how, new)
    if err:
        return err
    if oset:
        sc.vm.write(oset, struct.pack("<I", old & 0xFFFFFFFF), user=True)
    return 0


@syscall(176)
def sys_rt_sigpending(sc, uset, sigsetsize, *_):
    if sigsetsize > SIGSET_SIZE:
        return -EINVAL
    sig = _state(sc)
    pending = sig.pending_mask() & sig.blocked
    sc.vm.write(uset, struct.pack("<Q", pending)[:sigsetsize], user=True)
    return 0


@syscall(73)
def sys_sigpending(sc, uset, *_):
    sig = _state(sc)
    sc.vm.write(uset, struct.pack("<I", sig.pending_mask() & sig.blocked & 0xFFFFFFFF),
                user=True)
    return 0


# -- sending ------------------------------------------------------------------------------------
def _targets(sc, pid):
    """kill_something_info's targets: a pid, the caller's group (0), every process but
    init and the caller (-1), or a process group (-pgid)."""
    tasks = [t for _, t in sorted(sc.signals.sched.tasks.items()) if not t.exited]
    me = sc.process
    if pid > 0:
        return [t for t in tasks if t.pid == pid]
    procs = [t for t in tasks if t.process is not None]
    if pid == 0:
        return [t for t in procs if t.process.pgid == me.pgid]
    if pid == -1:
        return [t for t in procs if t.pid not in (1, me.pid)]
    return [t for t in procs if t.process.pgid == -pid]


def _send(sc, targets, signo, code):
    if not targets:
        return -ESRCH
    if signo == 0:
        return 0                               # permission check only (root)
    info = SigInfo(signo, code, pid=sc.process.pid, uid=0)
    for task in targets:
        if task.process is not None:           # kernel threads ignore signals (kthreadd)
            sc.signals.sched.send_signal(task, signo, info)
    return 0


@syscall(37)
def sys_kill(sc, pid, signo, *_):
    if not (signo == 0 or valid_signal(signo)):
        return -EINVAL
    return _send(sc, _targets(sc, _s32(pid)), signo, SI_USER)


@syscall(268)
def sys_tgkill(sc, tgid, pid, signo, *_):
    tgid, pid = _s32(tgid), _s32(pid)
    if tgid <= 0 or pid <= 0 or not (signo == 0 or valid_signal(signo)):
        return -EINVAL
    return _send(sc, [t for t in _targets(sc, pid) if t.pid == tgid], signo, SI_TKILL)


@syscall(238)
def sys_tkill(sc, pid, signo, *_):
    pid = _s32(pid)
    if pid <= 0 or not (signo == 0 or valid_signal(signo)):
        return -EINVAL
    return _send(sc, _targets(sc, pid), signo, SI_TKILL)


# -- waiting ------------------------------------------------------------------------------------
def _wait_for_signal(sc, what):
    """Sleep interruptibly until a signal can be delivered: -ERESTARTNOHAND (the exit work
    then runs the handler and the call returns -EINTR)."""
    task = _task(sc)
    while not task.pending_signal:
        task.sleeping_in = what
        yield Sleep(None)
    task.sleeping_in = ""
    return -ERESTARTNOHAND


@syscall(29)
def sys_pause(sc, *_):
    return _wait_for_signal(sc, "pause")


def _sigsuspend(sc, mask):
    sig = _state(sc)
    sig.saved_mask = sig.blocked              # set_restore_sigmask: put back after delivery
    sig.set_blocked(mask)
    sc.signals.sched.recalc_sigpending(_task(sc))
    return _wait_for_signal(sc, "sigsuspend")


@syscall(179)
def sys_rt_sigsuspend(sc, unewset, sigsetsize, *_):
    if sigsetsize != SIGSET_SIZE:
        return -EINVAL
    return _sigsuspend(sc, struct.unpack("<Q", sc.vm.read(unewset, 8, user=True))[0])


@syscall(72)
def sys_sigsuspend(sc, restart, oldmask, mask, *_):
    return _sigsuspend(sc, (_state(sc).blocked & ~0xFFFFFFFF) | mask)


# -- rt_sigqueueinfo: a signal with the sender's siginfo -----------------------------------------
def _user_siginfo(sc, pid, signo, uinfo):
    """do_rt_sigqueueinfo's checks on the siginfo user space gives: only a process signalling
    itself may claim a kernel or kill() origin (si_code >= 0, SI_TKILL): -EPERM."""
    raw = bytearray(sc.vm.read(uinfo, SIGINFO_SIZE, user=True))
    _, _, code, spid, suid = struct.unpack_from("<iiiiI", raw)
    if (code >= 0 or code == SI_TKILL) and pid != sc.process.pid:
        return -EPERM
    struct.pack_into("<i", raw, 0, signo)
    return SigInfo(signo, code, pid=spid, uid=suid, raw=bytes(raw) if code < 0 else None)


def _queue(sc, targets, signo, info):
    """kill_pid_info / do_send_specific: -ESRCH without a target, then the signal check."""
    if not targets:
        return -ESRCH
    if not (signo == 0 or valid_signal(signo)):
        return -EINVAL
    if signo:
        for task in targets:
            if task.process is not None:
                sc.signals.sched.send_signal(task, signo, info)
    return 0


@syscall(178)
def sys_rt_sigqueueinfo(sc, pid, signo, uinfo, *_):
    pid = _s32(pid)
    info = _user_siginfo(sc, pid, signo, uinfo)
    if isinstance(info, int):
        return info
    return _queue(sc, _targets(sc, pid) if pid > 0 else [], signo, info)


@syscall(363)
def sys_rt_tgsigqueueinfo(sc, tgid, pid, signo, uinfo, *_):
    tgid, pid = _s32(tgid), _s32(pid)
    if pid <= 0 or tgid <= 0:
        return -EINVAL
    info = _user_siginfo(sc, pid, signo, uinfo)
    if isinstance(info, int):
        return info
    return _queue(sc, [t for t in _targets(sc, pid) if t.pid == tgid], signo, info)


# -- rt_sigtimedwait: take a signal of a set, synchronously -------------------------------------
@syscall(177)
def sys_rt_sigtimedwait(sc, uthese, uinfo, uts, sigsetsize, *_):
    """Dequeue a pending signal of the set (blocked or not) and return its number, its
    siginfo copied to uinfo; else sleep with the set unblocked until one comes (-EINTR when
    another signal wakes the sleep, -EAGAIN when the timeout passes; ts {0, 0}: a poll)."""
    if sigsetsize != SIGSET_SIZE:
        return -EINVAL
    these = struct.unpack("<Q", sc.vm.read(uthese, 8, user=True))[0] & ~UNBLOCKABLE
    timeout = None                                      # MAX_SCHEDULE_TIMEOUT
    if uts:
        sec, nsec = struct.unpack("<iI", sc.vm.read(uts, 8, user=True))
        if sec < 0 or nsec >= SEC:                      # timespec_valid
            return -EINVAL
        # timespec_to_jiffies rounds up; one tick more to wait at least the time asked
        timeout = -(-(sec * SEC + nsec) // TICK_NS) + (1 if sec or nsec else 0)
    return _sigtimedwait(sc, these, uinfo, timeout)


def _sigtimedwait(sc, these, uinfo, timeout):
    """do_sigtimedwait (a generator): timeout in jiffies, None for no limit."""
    sig, task, sched = _state(sc), _task(sc), sc.signals.sched
    info = sig.dequeue(these)
    left = timeout
    if info is None and timeout != 0:
        clock = sc.clock
        end = None if timeout is None else (clock.now_ns() // TICK_NS + timeout) * TICK_NS
        sig.real_blocked = sig.blocked                  # the set unblocked while asleep
        sig.blocked &= ~these
        sched.recalc_sigpending(task)
        try:
            task.sleeping_in = "sigtimedwait"
            while not task.pending_signal:
                now = clock.now_ns()
                if end is not None and now >= end:
                    break
                yield Sleep(None if end is None else end - now)
        except GeneratorExit:                           # the task is gone: no guest memory
            sig.blocked, sig.real_blocked = sig.real_blocked, 0
            raise
        task.sleeping_in = ""
        sig.blocked, sig.real_blocked = sig.real_blocked, 0
        left = None if end is None else max(0, end - clock.now_ns())
        info = sig.dequeue(these)
    sched.recalc_sigpending(task)
    if info is None:
        return -EINTR if left != 0 else -EAGAIN
    if uinfo:
        sc.vm.write(uinfo, copy_siginfo(info), user=True)
    return info.signo


# -- returning from a handler -------------------------------------------------------------------
@syscall(173)
def sys_rt_sigreturn(sc, *_):
    return sc.signals.sigreturn(_task(sc), rt=True)


@syscall(119)
def sys_sigreturn(sc, *_):
    return sc.signals.sigreturn(_task(sc), rt=False)


@syscall(0)
def sys_restart_syscall(sc, *_):
    """Resume what -ERESTART_RESTARTBLOCK left (nanosleep), else -EINTR."""
    sig = _state(sc)
    fn, sig.restart_block = sig.restart_block, None
    return fn() if fn is not None else -EINTR


# -- ITIMER_REAL --------------------------------------------------------------------------------
def _timeval_ns(sec, usec):
    return sec * SEC + usec * USEC


def _ns_timeval(ns):
    return ns // SEC, ns % SEC // USEC


def _itimer_now(sc):
    """(it_interval, it_value) in ns of the caller's ITIMER_REAL (get_cpu_itimer's real
    branch: a timer about to fire reads 1 us)."""
    sched = sc.signals.sched
    expires, interval = sched.real_timers.get(sc.process.pid)
    if expires is None:
        return interval, 0
    return interval, max(expires - sc.clock.now_ns(), USEC)


def _write_itimerval(sc, ptr, interval, value):
    sc.vm.write(ptr, struct.pack("<iiii", *_ns_timeval(interval), *_ns_timeval(value)),
                user=True)


@syscall(105)
def sys_getitimer(sc, which, value, *_):
    if which != ITIMER_REAL:
        return _other_itimer(which)
    _write_itimerval(sc, value, *_itimer_now(sc))
    return 0


@syscall(104)
def sys_setitimer(sc, which, value, ovalue, *_):
    if which != ITIMER_REAL:
        return _other_itimer(which)
    isec, iusec, vsec, vusec = struct.unpack("<iiii", sc.vm.read(value, 16, user=True)) \
        if value else (0, 0, 0, 0)
    for sec, usec in ((isec, iusec), (vsec, vusec)):
        if sec < 0 or not 0 <= usec < 1_000_000:
            return -EINVAL
    old = _itimer_now(sc)
    sched, proc = sc.signals.sched, sc.process
    task = _task(sc)
    delay = _timeval_ns(vsec, vusec)
    interval = _timeval_ns(isec, iusec) if delay else 0

    def it_real_fn():
        if not task.exited:
            sched.send_signal(task, SIGALRM, SigInfo(SIGALRM, SI_KERNEL))
    sched.real_timers.arm(proc.pid, sc.clock.now_ns() + delay if delay else None, interval,
                          it_real_fn)
    if ovalue:
        _write_itimerval(sc, ovalue, *old)
    return 0


def _other_itimer(which):
    if which in (ITIMER_VIRTUAL, ITIMER_PROF):
        raise Unimplemented("setitimer/getitimer: ITIMER_VIRTUAL and ITIMER_PROF (process CPU "
                            "time) are not modelled; ITIMER_REAL is")
    return -EINVAL
