"""A user process's life: started from a program file, switched in and out by the scheduler,
ended by exit, a fatal signal or a fault, and released (Linux fs/exec.c, kernel/exit.c).

The scheduler (sched/core.py) calls back through its TaskHooks: ``switch`` installs a task's
kernel state, ``task_stopped`` decides what a slice that stopped without sleeping means, and
``kill_now`` runs do_signal (kernel/signal_arm.py). The exception entry asks ``ret_to_user`` before
a syscall returns to user space.
"""

import os

from ..errors import GuestTimeout, LoaderError
from ..loader.program import load_program
from .sched.task import THREAD_SIZE
from ..cpu import CPSR, MODE_MASK, USR_MODE
from .binfmt_builtin import Builtins
from .entry import EXIT, GuestCall
from .exec import ExecMixin
from .exit import ExitMixin
from .files import BufferFile, ConsoleFile
from .fork import ForkMixin
from .process import AddressSpace, Process, build_stack, load_image
from .symbols import program_symbols

#: Signals a user fault raises, by fault kind, and the shell's message for them.
FAULT_SIGNALS = {"data abort": (11, "Segmentation fault"),
                 "prefetch abort": (11, "Segmentation fault"),
                 "undefined instruction": (4, "Illegal instruction"),
                 "breakpoint": (5, "Trace/breakpoint trap")}
#: The shell's message for a process killed by a page fault's signal (SIGBUS, SIGKILL).
KILL_MESSAGES = {7: "Bus error", 9: "Killed"}


class Lifecycle(ForkMixin, ExecMixin, ExitMixin):
    """fork/clone (fork.py), execve (exec.py) and exit/wait4 (exit.py) are mixed in."""

    def __init__(self, *, cpu, vm, tables, frames, ram, page_cache, vfs, tty, symbolize, sched,
                 syscalls, mmap, context, irq, guest, traps, console, program_output,
                 console_ti, dram_size, timeout_us, pids, read_file, signals, console_mm=None,
                 printk=None):
        """console(text): the board's console (the shell's "Segmentation fault");
        program_output(bytes): what programs write to their terminal; console_ti: the
        console context's thread_info; read_file(path) -> bytes from the root filesystem;
        signals: signal delivery (kernel/signal_arm.py); console_mm(): install the console
        context's user half (insmod's own, vm_mmap); printk(level, text): the kernel log."""
        self._cpu, self._vm, self._tables, self._frames, self._ram = cpu, vm, tables, frames, ram
        self._page_cache, self._vfs, self._tty, self._symbolize = page_cache, vfs, tty, symbolize
        self._sched, self._syscalls, self._mmap = sched, syscalls, mmap
        self._context, self._irq, self._guest, self._traps = context, irq, guest, traps
        self._console, self._output, self._console_ti = console, program_output, console_ti
        self._dram_size, self._timeout_us, self._pids = dram_size, timeout_us, pids
        self._read_file = read_file
        self._signals = signals      # kernel/signal_arm.SignalDelivery (issue 12: signals)
        self._console_mm = console_mm or (lambda: None)
        self._printk = printk or (lambda level, text: None)
        self._symbol_users = {}      # symbol-table label -> processes running that image
        self.builtins = Builtins()   # the emulator's own programs (kernel/binfmt_builtin.py)

    # -- program images ---------------------------------------------------------------------
    def build_image(self, program, argv, envp, execfn):
        """A new address space holding the program and its stack (argv, envp: bytes);
        (mm, sp), or None when out of memory. The running user half stays in place."""
        mm = AddressSpace(self._tables, self._frames, self._ram, self._cpu)
        previous = self._tables.user
        mm.activate()
        try:
            sp = None
            if load_image(mm, program, self._vm, self._page_cache):
                sp = build_stack(mm, self._vm, program, argv, envp, bytes(range(16)), execfn)
            if sp is None:
                mm.release()
                return None
        finally:
            self._tables.switch_user(previous)
            self._cpu.flush_tlb()
        return mm, sp

    def add_symbols(self, program, comm):
        """Register a program's symbols (once per image label); returns the label."""
        if self._symbol_users.get(comm, 0) == 0:
            lo = min(s.vaddr for s in program.segments)
            hi = max(s.vaddr + s.memsz for s in program.segments)
            self._symbolize.add(program_symbols(program, comm, lo, hi))
        self._symbols_get(comm)
        return comm

    def _symbols_get(self, label):
        if label is not None:
            self._symbol_users[label] = self._symbol_users.get(label, 0) + 1

    def _symbols_put(self, label):
        if label is None:
            return
        left = self._symbol_users[label] = self._symbol_users.get(label, 1) - 1
        if left <= 0:
            del self._symbol_users[label]
            self._symbolize.remove(label)

    # -- starting and running --------------------------------------------------------------
    def spawn(self, path, argv, env, stdin=None, pid=None):
        """Load an ARM program as a new process (a runnable task, not yet run); returns it.
        pid: the pid to give it (init's 1; default the next free one)."""
        program = load_program(self._read_file(path), path, self._dram_size)
        argv = [path] + list(argv or [])
        built = self.build_image(program, [a.encode() for a in argv],
                                 [e.encode() for e in env], path.encode())
        if built is None:
            raise LoaderError(f"{path}: out of memory loading the program")
        mm, sp = built
        comm = os.path.basename(path)[:15]
        proc = Process(self._pids.alloc() if pid is None else pid, comm, mm)
        proc.cmdline = b"".join(a.encode() + b"\0" for a in argv)
        proc.exe = self._vfs.resolve(self._vfs.normalize(path))[0]     # d_path: links resolved
        sink = ConsoleFile(self._output, self._tty)
        self._tty.pgrp, self._tty.session = proc.pgid, proc.sid     # the foreground job
        for fd in (0, 1, 2):
            proc.files[fd] = sink
        if stdin is not None:
            proc.files[0] = BufferFile(bytes(stdin))          # `< FILE`, `echo TEXT |`
        proc.image = self.add_symbols(program, comm)
        proc.console_child = pid is None
        proc.argv = argv
        return self._sched.create(proc.pid, comm, program.entry, sp, proc)

    def run(self, path, argv, env, stdin=None, stuck=None):
        """Run a program in the foreground (other tasks run too) until it exits; returns
        its exit status. GuestTimeout when it sleeps and nothing can wake it, or when
        stuck(task) gives a reason (the booted board: a script waiting for console input)."""
        task = self.spawn(path, argv, env, stdin)
        sched = self._sched
        why = []

        def done():
            if task.exited or self._syscalls.reboot:   # reboot(2) ends the board
                return True
            reason = stuck(task) if stuck is not None else None
            if reason:
                why.append(reason)
            return bool(reason)
        try:
            if not sched.run_until(done) or why:
                raise GuestTimeout(why[0] if why else
                                   f"{path} (pid {task.pid}) sleeps in "
                                   f"{sched.blocked_reason(task)} and nothing can wake it")
        finally:
            if not task.exited:
                self.kill_task(task)
            sched.reap(task)
        return task.process.exit_status

    def processes(self):
        """The processes /proc lists: every user process the scheduler has."""
        return [t.process for _, t in sorted(self._sched.tasks.items())
                if t.process is not None and not t.exited]

    def find_process(self, pid):
        """The live (not yet reaped) process with pid, or None."""
        task = self._sched.tasks.get(pid)
        return task.process if task is not None and task.process is not None else None

    # -- the scheduler's hooks ---------------------------------------------------------------
    def switch(self, task):
        """Install a task's kernel state (or the console's, task None) for the scheduler."""
        if task is None:
            self._syscalls.process = None
            self._console_mm()                   # insmod/rmmod's own user half (vm_mmap)
            self._context.use_thread_info(self._console_ti)
            self._irq.use_kernel_stack(self._console_ti + THREAD_SIZE)
            return
        self._syscalls.process = task.process
        if task.process is not None:             # a kernel thread keeps the last user half
            task.process.mm.activate()
        self._context.use_thread_info(task.ti_va)
        self._irq.use_kernel_stack(task.kstack_top)

    def task_stopped(self, task):
        """A task's slice ended with the CPU stopped: it exited or faulted. Raises GuestFault
        for a kernel oops; a user fault kills the process with its signal, or (False) the
        signal is queued for the process's handler, which runs when the task next does."""
        proc = task.process
        user_fault = self._traps.check(proc)
        if proc is None:                         # a kernel thread that stopped the CPU
            return True
        if user_fault is not None:
            signo, message = FAULT_SIGNALS[user_fault.kind]
            if self._signals.force_fault(task, signo, user_fault):
                return False
            if proc.console_child:               # the console is its shell (else its parent)
                self._console(f"{message}\n")
            self._traps.guarded(
                lambda: self.drive(self._syscalls.exit_process(128 + signo, signo)), proc)
        self.release(task)
        return True

    def kill_now(self, task):
        """do_signal for a task about to run with a signal pending (the scheduler's hook):
        in user mode its handlers' frames are built or a default action ends it; in a
        driver call (a tail call) its return to user space is diverted through the exit
        work. True when the process ended."""
        if self._cpu.reg(CPSR) & MODE_MASK != USR_MODE:
            if not task.frames:
                self._signals.divert(task)
            return False
        result, _ = self._traps.guarded(lambda: self.drive(self._signals.user_mode(task)),
                                        task.process)
        return result is EXIT or self._guest.stopped

    def ret_to_user(self, result, saved):
        """Work before a syscall returns to user space: signal delivery (a generator
        returning r0, or EXIT when a default action ended the process), else None."""
        task = self._sched.current
        if task is None or not task.pending_signal:
            return None
        return self._signals.syscall_exit(task, result, saved)

    def page_fault_kill(self, signo):
        """A fatal signal from a page fault (kernel/mmap.py): the shell's message, then the
        process exits."""
        proc = self._syscalls.process
        if proc is None or proc.console_child:
            self._console(f"{KILL_MESSAGES[signo]}\n")
        return self._syscalls.exit_process(128 + signo, signo)

    # -- ending ------------------------------------------------------------------------------
    def release(self, task):
        """exit_mm and exit_notify: the process's symbols, file mappings and address space
        go (the address space when no vfork child or parent shares it); the parent learns
        of the end (exit.py)."""
        proc = task.process
        self._sched.real_timers.cancel(proc.pid)           # exit_itimers (signals)
        if proc.dead:
            return
        self._symbols_put(proc.image)
        proc.image = None
        if proc.mm.users == 1:
            self._mmap.drop(proc.mm)
        proc.mm.put()
        if proc.wait_status is None:                  # ended without exit_process
            proc.exit_status = 128 + 9 if proc.exit_status is None else proc.exit_status
            proc.wait_status = 9
        self.exit_notify(proc)

    def kill_task(self, task):
        """End a task that did not exit (a foreground program stopped by an error)."""
        task.exited = True
        if task.process.exit_status is None:
            task.process.exit_status = 128 + 9
            task.process.wait_status = 9
        self.release(task)

    def drive(self, gen):
        """Run a syscall generator from the host (after the process died outside a syscall)."""
        value = None
        while True:
            try:
                call = gen.send(value)
            except StopIteration as stop:
                return stop.value
            if not isinstance(call, GuestCall):
                raise TypeError(call)
            value = self._guest.call(call.fn, call.args, self._timeout_us)
            if value is None:
                return None
