"""A process's end as its parent sees it (Linux kernel/exit.c, 3.14): exit_notify and wait4.

At exit a process's children go to init (pid 1; with no init, the console's board has none,
they are reaped as they end), a vfork parent is released, and the process stays a zombie
until its parent reaps it with wait4; the parent gets its exit signal (SIGCHLD) through the
scheduler's send_signal and is woken from wait4. A process whose parent is the console (a
board-script command) is reaped by the console instead. wait4's status word is Linux's:
(code << 8) for an exit, the signal number for a kill.
"""

import struct

from .entry import Sleep
from .errno import ECHILD, EINTR, EINVAL
from .signal import CLD_DUMPED, CLD_EXITED, CLD_KILLED, SigInfo
from .syscalls import syscall

WNOHANG, WUNTRACED, WCONTINUED = 1, 2, 8
WNOWAIT, __WNOTHREAD, __WALL, __WCLONE = 0x01000000, 0x20000000, 0x40000000, 0x80000000
WAIT4_OPTIONS = WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE
SIGCHLD = 17
RUSAGE_SIZE = 72              # struct rusage on 32-bit ARM: 2 timevals + 14 longs
INIT_PID = 1


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


class ExitMixin:
    """exit_notify, reparenting and wait4 for Lifecycle (uses its sched)."""

    def init_process(self):
        """The live init process (pid 1), if the board booted one."""
        task = self._sched.tasks.get(INIT_PID)
        if task is None or task.exited or task.process is None or task.process.dead:
            return None
        return task.process

    def exit_notify(self, proc):
        """The process has ended: release a vfork parent, hand the children to init, become
        a zombie for the parent (woken, signalled) or, without one, wait for the console."""
        proc.dead = True
        self.vfork_release(proc)
        init = self.init_process()
        for child in proc.children:
            child.parent = init
            if init is not None:
                init.children.append(child)
                if child.dead:
                    self._notify_parent(child)
            elif child.dead:
                self.reap(child)                    # nobody is left to wait for it
        proc.children = []
        if proc.parent is not None:
            self._notify_parent(proc)
        elif not proc.console_child:
            self.reap(proc)                         # an orphan with no init: nobody waits

    def _notify_parent(self, proc):
        parent = proc.parent
        ptask = self._sched.tasks.get(parent.pid)
        for waiter in list(parent.chld_waiters):
            self._sched.wake(waiter)
        if ptask is not None and proc.exit_signal:
            self._sched.send_signal(ptask, proc.exit_signal, _chld_info(proc))

    def vfork_release(self, proc):
        """complete_vfork_done: a vfork child execs or exits; its parent runs again."""
        waiter, proc.vfork_parent = proc.vfork_parent, None
        if waiter is not None:
            self._sched.wake(waiter)

    def reap(self, proc):
        """release_task of a zombie: it leaves its parent's children and the task table."""
        if proc.parent is not None and proc in proc.parent.children:
            proc.parent.children.remove(proc)
        task = self._sched.tasks.get(proc.pid)
        if task is not None and task.process is proc:
            self._sched.reap(task)

    def do_wait(self, pid, stat_addr, options, ru):
        """wait4: reap a matching zombie child (its pid), 0 with WNOHANG when none has
        ended, -ECHILD when there is no matching child; sleeps otherwise (a generator)."""
        if options & ~WAIT4_OPTIONS:
            return -EINVAL
        task = self._sched.current
        proc = task.process
        while True:
            matching = [c for c in proc.children if _matches(c, pid, proc)]
            if not matching:
                return -ECHILD
            zombie = next((c for c in matching if c.dead), None)
            if zombie is not None:
                if stat_addr:
                    self._vm.write(stat_addr, struct.pack("<i", zombie.wait_status), user=True)
                if ru:
                    self._vm.write(ru, bytes(RUSAGE_SIZE), user=True)
                self.reap(zombie)
                return zombie.pid
            if options & WNOHANG:
                return 0
            if task.pending_signal:
                return -EINTR
            proc.chld_waiters.append(task)
            try:
                yield Sleep()
            finally:
                proc.chld_waiters.remove(task)


def _chld_info(proc):
    """do_notify_parent's siginfo: CLD_EXITED with the exit code, or CLD_KILLED (CLD_DUMPED
    when the status word has the core flag) with the signal."""
    status = proc.wait_status or 0
    if status & 0x7F:
        code = CLD_DUMPED if status & 0x80 else CLD_KILLED
        return SigInfo(proc.exit_signal, code, pid=proc.pid, status=status & 0x7F)
    return SigInfo(proc.exit_signal, CLD_EXITED, pid=proc.pid, status=status >> 8 & 0xFF)


def _matches(child, pid, proc):
    """wait4's pid argument: > 0 that child, -1 any, 0 the caller's group, < -1 group -pid."""
    if pid > 0:
        return child.pid == pid
    if pid == -1:
        return True
    if pid == 0:
        return child.pgid == proc.pgid
    return child.pgid == -pid


@syscall(114)
def sys_wait4(sc, pid, stat_addr, options, ru, *_):
    return sc.procs().do_wait(_s32(pid), stat_addr, options, ru)
