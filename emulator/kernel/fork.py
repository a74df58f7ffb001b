"""fork, vfork and clone (Linux kernel/fork.c, 3.14): a new process copied from the caller.

The child gets a copy of the caller's address space (or shares it: CLONE_VM), the same open
files (one reference more each: dup_fd), cwd and umask, process group and session, and its
parent is the caller. It starts where the caller is, at the instruction after the svc, with
the caller's registers (a copy of the CPU's context taken in the syscall) and r0 = 0; the
caller gets the child's pid. clone's arguments are ARM's (CLONE_BACKWARDS): flags, child
stack, parent tid pointer, tls, child tid pointer. CLONE_VFORK puts the caller to sleep until
the child execs or exits (complete_vfork_done). Threads (CLONE_THREAD, CLONE_SIGHAND,
CLONE_FILES, CLONE_FS) are not modelled: such a clone fails with -EINVAL and a kernel line.
"""

from ..cpu import CPSR, REG, SP
from .entry import Sleep
from .errno import EINVAL, ENOMEM
from .fs.fcntl import dup_fd
from .process import Process
from .syscalls import syscall

CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND = 0x100, 0x200, 0x400, 0x800
CLONE_VFORK, CLONE_PARENT, CLONE_THREAD = 0x4000, 0x8000, 0x10000
CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID = 0x80000, 0x100000, 0x200000
CLONE_CHILD_SETTID = 0x01000000
CSIGNAL = 0xFF
SIGCHLD = 17
#: Flags of thread creation: a process model without threads refuses them.
THREAD_FLAGS = CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS


class ForkMixin:
    """copy_process for Lifecycle (uses its cpu, vm, sched, pids, printk hooks)."""

    def copy_process(self, flags, newsp=0, ptid=0, tls=0, ctid=0):
        """Make the running process's child as clone(2) asks; returns the child's pid, a
        generator (CLONE_VFORK: the caller sleeps until the child execs or exits) or -errno."""
        sched = self._sched
        task = sched.current
        parent = task.process
        if flags & THREAD_FLAGS:
            self._printk(4, f"emu4412: clone flags {flags:#x}: threads (CLONE_THREAD, "
                            f"CLONE_SIGHAND, CLONE_FILES, CLONE_FS) are not modelled")
            return -EINVAL
        # The caller's registers as they are at the svc (user mode, pc after the svc).
        context = self._cpu.save_context()
        cpsr = self._cpu.reg(CPSR)
        if flags & CLONE_VM:
            mm = parent.mm
            mm.users += 1
        else:
            mm = parent.mm.fork()
            if mm is None:
                return -ENOMEM
        pid = self._pids.alloc()
        child = Process(pid, parent.comm, mm)
        child.files, child.cloexec = dup_fd(parent)
        child.fs = parent.fs.copy()
        child.pgid, child.sid = parent.pgid, parent.sid
        child.cmdline, child.exe, child.argv = parent.cmdline, parent.exe, list(parent.argv)
        child.parent = parent.parent if flags & CLONE_PARENT else parent
        if child.parent is not None:
            child.parent.children.append(child)
        child.exit_signal = flags & CSIGNAL
        child.image = parent.image
        self._symbols_get(child.image)
        if flags & CLONE_CHILD_CLEARTID:
            child.tid_address = ctid
        signals = getattr(parent, "signals", None)          # the signal branch's SignalState
        if signals is not None:
            child.signals = signals.fork()
        try:
            new = sched.create(pid, parent.comm, 0, 0, child)
        except MemoryError:                     # no kernel stack: undo, as copy_process does
            self._undo_fork(child)
            return -ENOMEM
        new.context, new.saved_cpsr = context, cpsr
        cpu, vm = self._cpu, self._vm

        def schedule_tail():
            """ret_from_fork: the child's first return to user space."""
            cpu.set_reg(REG["r0"], 0)
            if newsp:
                cpu.set_reg(SP, newsp)
            if flags & CLONE_SETTLS:
                cpu.set_tls(tls)
            if flags & CLONE_CHILD_SETTID and ctid:
                vm.write(ctid, pid.to_bytes(4, "little"), user=True)
        new.on_resume = schedule_tail
        if flags & CLONE_PARENT_SETTID and ptid:
            vm.write(ptid, pid.to_bytes(4, "little"), user=True)
        sched._event("fork", new, f"from {parent.pid}")
        if flags & CLONE_VFORK:
            child.vfork_parent = task
            return _wait_for_vfork_done(task, child)
        return pid


    def _undo_fork(self, child):
        """Drop what a child that could not be made took (its files' references, its
        address space, its place among the parent's children)."""
        for file in child.files.values():
            file.users -= 1                # the parent still holds each: never the last
        child.mm.put()
        if child.parent is not None:
            child.parent.children.remove(child)
        self._symbols_put(child.image)


def _wait_for_vfork_done(task, child):
    """The caller sleeps until the child releases its memory (exec or exit). A signal
    pending for the caller ends the wait early (3.14 waits killably)."""
    while child.vfork_parent is task and not task.pending_signal:
        yield Sleep()
    return child.pid


@syscall(2)
def sys_fork(sc, *_):
    return sc.procs().copy_process(SIGCHLD)


@syscall(190)
def sys_vfork(sc, *_):
    return sc.procs().copy_process(CLONE_VFORK | CLONE_VM | SIGCHLD)


@syscall(120)
def sys_clone(sc, flags, newsp, ptid, tls, ctid, *_):
    return sc.procs().copy_process(flags, newsp, ptid, tls, ctid)
