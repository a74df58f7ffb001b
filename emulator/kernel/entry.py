"""Exception entry: the CPU's SVC and abort exceptions, routed to the kernel in Python.

- `svc` in a service stub: a kernel service call from module code (hypercall).
- `svc` at the resume slot: a guest function called on behalf of a syscall returned.
- any other `svc` from user mode: a system call (r7 = number, r0-r5 = arguments).
- data/prefetch aborts and undefined instructions: faults, handed to `on_fault`.

How a syscall reaches a driver (docs/ARCHITECTURE.md, "The data flow of an ioctl"): the
program's `svc #0` raises the CPU's SVC exception; Unicorn calls `Entry._on_svc` from its
interrupt hook with the guest stopped at the instruction after the svc. Entry reads the
registers once (an `SvcFrame`), and hands r7 and r0-r5 to the syscall table
(kernel/syscalls.py), whose handler returns a `SyscallResult`:

- an int: the syscall's result, written to r0; the guest resumes in user space.
- a `TailCall(fn, args)`: guest kernel code (a driver's ->unlocked_ioctl) whose r0 is the
  result as it stands. Entry switches the CPU to SVC mode on the kernel stack and enters fn
  with lr at the ret_fast_syscall trampoline, which returns to user space by itself.
- a generator yielding `GuestCall(fn, args)`: each call runs fn in kernel mode and sends back
  its r0 (fops->open, then more work in Python, ...); the generator's return value is the
  result, or `EXIT` when the process ended (exit_group, a fatal signal).

Guest calls made that way run inside the same emu_start (the hook switches the CPU to SVC
mode and back), so an ioctl round trip costs one or two hook entries and no emu_start restart.
Top-level runs (module init/exit, a program) go through `GuestCalls`.

The native fast path (issue 15 (b); fast_syscalls.FastSyscalls, emulator/native/hooks.c svc_fast):
when a read, write or ioctl returns a *stable* TailCall (ChrdevFile: the same call on the
same fd, and ioctl cmd, always enters the same driver function), Entry records it in the C
table; the same call next time is served in C before this hook runs, with the very register
and stack writes `_tail_call` makes. Every other outcome (another syscall, a fault, a
generator finishing), a task switch and every run's start and stop empty the table, so the
C path only repeats what this path just decided.

Traced (issue 15 (e)): while syscalls are observed, the C path makes the traced writes
instead (`_enter_guest` with lr at the resume slot, then `_advance`'s return to user space)
and records each call with the instruction count of its return. `take_over` hands those
records to the observer, stamped with their own count, and adopts a call still in the
driver as a Python frame: whenever the CPU stops and before this hook handles anything, and
the tracer asks for them (`deliver_syscalls`) before it publishes any other event. The
trace is the Python path's, byte for byte.
"""

from collections.abc import Callable, Generator
import time
from dataclasses import dataclass
from typing import NamedTuple

from ..cpu import (CPSR, CPSR_T, EXCP_DATA_ABORT, EXCP_PREFETCH_ABORT, EXCP_SWI,
                   EXCP_UDEF, EXCP_BKPT, MODE_MASK, PC, SP, SVC_MODE, USR_MODE, Cpu)
from ..errors import GuestTimeout
from ..memory.mmu import GuestFaultAccess
from .syscall_names import SYSCALL_NAMES


class GuestCall(NamedTuple):
    """Yielded by a syscall generator: run fn(*args) in kernel mode, send back its r0."""
    fn: int
    args: tuple = ()


class Sleep(NamedTuple):
    """Yielded by a syscall generator: the task sleeps (interruptibly) until woken or
    timeout_ns passes (None: no timeout); the generator then receives 0 (issue 12: poll)."""
    timeout_ns: int = None


class TailCall(NamedTuple):
    """Returned by a syscall handler: fn(*args)'s r0 is the syscall's result as it stands.

    No host work is left after the call, so the guest returns to user space by itself
    through the tail-return trampoline: one hook per syscall instead of two. stable: the
    same syscall on the same fd (ioctl: with the same cmd) returns this call again, its
    other arguments the caller's r1, r2, while no other syscall runs (the native fast path
    may then serve it; see the module docstring).
    """
    fn: int
    args: tuple = ()
    stable: bool = False


@dataclass
class Fault:
    """An exception taken from guest code (or a kernel service's access), for the trap handlers."""
    kind: str          # "data abort", "prefetch abort", "undefined instruction", "breakpoint"
    pc: int
    user: bool
    regs: dict
    addr: int = None       # the faulting address, when known (a kernel service's access)
    where: str = None      # the kernel function that faulted, when not guest code


class SvcFrame:
    """The registers saved at every svc, read with one batch call: a syscall's arguments and
    what it must give back, a service call's arguments and caller. The frame itself is the
    plain list the batch returns (no object per svc); these names index it."""
    NAMES = ("r0", "r1", "r2", "r3", "r4", "r5", "r7", "r12", "pc", "cpsr", "sp", "lr")
    ARGS = slice(0, 6)         # r0-r5: a syscall's arguments
    NR = 6                     # r7: the syscall number
    IP = 7                     # r12
    PC = 8                     # the address after the svc
    CPSR = 9
    SP = 10
    LR = 11                    # a service call's return address

    @classmethod
    def as_dict(cls, frame):
        """{register name: value} of a saved frame (debugger backtraces)."""
        return dict(zip(cls.NAMES, frame))


# Module-level copies of the indices for the svc path (a global read is the cheapest).
_NR, _IP, _PC, _CPSR = SvcFrame.NR, SvcFrame.IP, SvcFrame.PC, SvcFrame.CPSR
#: The syscalls the native fast path serves (read, write, ioctl): their outcome on a chrdev
#: depends on (fd, ioctl cmd) only; r1 and r2 pass through to the driver.
_READ, _WRITE, _IOCTL = 3, 4, 54
_FAST_NRS = frozenset((_READ, _WRITE, _IOCTL))


#: The exception kinds handed to on_fault, by Unicorn interrupt number.
FAULT_KINDS = {
    EXCP_DATA_ABORT: "data abort",
    EXCP_PREFETCH_ABORT: "prefetch abort",
    EXCP_UDEF: "undefined instruction",
    EXCP_BKPT: "breakpoint",
}

# Kernel code runs in SVC mode with IRQs enabled, as a syscall does on Linux (there is no
# interrupt source yet; code that disables IRQs shows in CPSR.I, e.g. for irqs_disabled()).
KERNEL_CPSR = SVC_MODE
SIGNED = 0x80000000


def signed(value: int) -> int:
    """A 32-bit register value as a signed int (a syscall's or init's negative errno)."""
    return value - (1 << 32) if value & SIGNED else value


class _Frame:
    """A syscall in progress: its generator (None: a traced tail call, or a diverted one),
    its caller's registers; keep: a stable tail call, whose return leaves the native fast
    path's table as it is (as the untraced return through the trampoline does)."""
    __slots__ = ("gen", "saved", "syscall", "keep")

    def __init__(self, gen, saved, syscall=True, keep=False):
        self.gen, self.saved, self.syscall, self.keep = gen, saved, syscall, keep


class GuestCalls:
    """Runs guest kernel code and user programs from the host, on the kernel stack.

    `frames` holds the host side of the syscalls in progress on that stack (Entry pushes and
    pops them); every top-level run starts with none.
    """

    def __init__(self, cpu: Cpu, hypercalls, kernel_stack_top: int,
                 symbolize: Callable[[int], str],
                 on_block_stop: "Callable[[int], bool] | None" = None):
        """on_block_stop(reason) -> bool: the CPU stopped at a block boundary (an interrupt or
        a virtual-time deadline, cpu.STOP_*); True to resume the run (kernel/irq)."""
        self.cpu = cpu
        self._exit_addr = hypercalls.exit_addr
        self.kernel_stack_top = kernel_stack_top
        self._symbolize = symbolize
        self.frames: list[_Frame] = []
        self.stopped = False
        self.on_block_stop = on_block_stop
        #: time.monotonic() when the top-level run in progress must end (None: no limit)
        self.deadline = None
        self._r0 = cpu.batch(["r0"])
        self._top = cpu.batch(["cpsr", "sp", "lr", "r0", "r1", "r2", "r3"])
        self._exec = cpu.batch(["cpsr", "sp", "lr"] + [f"r{i}" for i in range(13)])

    def stop(self) -> None:
        """Stop the CPU: the run in progress ends (a fault, the process exited)."""
        self.stopped = True
        self.cpu.stop()

    def _run(self, begin, until, timeout_us, what):
        deadline = time.monotonic() + timeout_us / 1e6 if timeout_us else None
        outer, self.deadline = self.deadline, deadline      # issue 16: for work.py
        try:
            self._run_until(begin, until, timeout_us, what, deadline)
        finally:
            self.deadline = outer

    def _run_until(self, begin, until, timeout_us, what, deadline):
        self.stopped = False
        self.frames.clear()
        cpu = self.cpu
        self.cpu.forget_fast_syscalls()
        cpu.start(begin, until, timeout_us)
        self.cpu.forget_fast_syscalls()
        while (not self.stopped and self.on_block_stop is not None and cpu.reg(PC) != until
               and self.on_block_stop(cpu.take_stop_reason())):
            left = 0 if deadline is None else int((deadline - time.monotonic()) * 1e6)
            if deadline is not None and left <= 0:
                break                     # the whole run's time is up, interrupts or not
            cpu.start(cpu.reg(PC) | (1 if cpu.reg(CPSR) & CPSR_T else 0), until, left)
            self.cpu.forget_fast_syscalls()
        if not self.stopped and self.cpu.reg(PC) != until:
            self.frames.clear()
            pc = self.cpu.reg(PC)
            raise GuestTimeout(f"timeout: {what} did not finish within {timeout_us / 1e6:g} s "
                               f"(PC at {self._symbolize(pc)})")

    def call(self, fn: int, args: tuple = (), timeout_us: int = 0,
             what: str = "guest code") -> int | None:
        """Run guest kernel function fn(args) to completion from the host; return its r0.

        Returns None if execution stopped for another reason (a fault, already reported
        through on_fault). Raises GuestTimeout when the timeout expires first.
        """
        exit_addr = self._exit_addr
        self._top.write((KERNEL_CPSR, self.kernel_stack_top, exit_addr,
                         *(tuple(args) + (0, 0, 0, 0))[:4]))
        self._run(fn, exit_addr, timeout_us, what)
        return None if self.stopped else self._r0.read()[0]

    def call_nested(self, fn: int, args: tuple = ()) -> int:
        """Run guest kernel function fn(args) from inside a service call; return its r0.

        For services that call back into the module (a slab constructor, a timer function):
        a nested emu_start on the caller's stack, the caller's registers saved around it.
        It has no timer of its own (Unicorn 2.1.4 aborts joining a nested timer thread); the
        outer run's timeout still stops it. If fn faults, the fault is reported as usual,
        the outer run stops too, and 0 is returned to the service.
        """
        cpu, exit_addr = self.cpu, self._exit_addr
        context = cpu.save_context()
        sp = (cpu.reg(SP) - 8) & ~7
        self._top.write((KERNEL_CPSR, sp, exit_addr, *(tuple(args) + (0, 0, 0, 0))[:4]))
        stopped = self.stopped
        held = cpu.hold_stops()          # no interrupts or deadlines inside a nested run
        try:
            cpu.start(fn, exit_addr, 0)
            result = self._r0.read()[0] if cpu.reg(PC) == exit_addr else None
        finally:
            cpu.release_stops(held)
            cpu.restore_context(context)
        if result is None:
            self.stop()             # a fault or the outer timeout: the outer run stops too
            return 0
        self.stopped = stopped
        return result

    def run_user(self, entry: int, sp: int, timeout_us: int, what: str = "program") -> None:
        """Run user code from entry until its process exits or dies (both stop the CPU)."""
        # ELF_PLAT_INIT: a new program starts with r0 (its rtld_fini) and the rest zeroed.
        self._exec.write((USR_MODE, sp) + (0,) * 14)
        self._run(entry, self._exit_addr, timeout_us, what)


class Entry:
    """The exception vector: dispatches every svc and fault the CPU raises."""

    def __init__(self, cpu: Cpu, hypercalls, guest: GuestCalls, kernel_stack_phys_top: int,
                 syscall: "Callable[[int, list[int]], SyscallResult]",
                 on_fault: Callable[[Fault], None],
                 user_fault: "Callable[[dict], Generator | None] | None" = None,
                 sleep: "Callable[[int | None], None] | None" = None,
                 ret_to_user: "Callable[[object, list], Generator | None] | None" = None):
        """syscall(nr, args) is the syscall table; on_fault(fault) reports a fault (the CPU
        is already stopped); user_fault(regs) -> a generator filling the page (returning
        r0) or None: a user data abort in a file mapping (kernel/mmap.py), after which the
        instruction is retried; sleep(timeout_ns): the running task sleeps for a syscall's
        Sleep (the scheduler); ret_to_user(result, saved) -> generator or None: work before
        a syscall returns to user space (signal delivery; saved: the SvcFrame values, which
        the work may change: Entry restores r1-r3, ip, pc and cpsr from them)."""
        self.cpu = cpu
        self._hc = hypercalls
        self._guest = guest
        self._stub_lo, self._resume = hypercalls.stubs_start, hypercalls.resume_addr + 4
        self._kstack = guest.kernel_stack_top
        self._table = syscall
        self._report_fault = on_fault
        self._user_fault = user_fault
        self.on_syscall = None         # on_syscall(nr, args, result) when tracing
        self._syscall_regs = None      # the SvcFrame of the syscall in progress
        self._frames = guest.frames
        self.ret_to_user, self.sleep = ret_to_user, sleep
        self._console = None           # the console's (frames, kstack, saved) while a task runs
        self.resume_slot, self.kernel_cpsr = hypercalls.resume_addr, KERNEL_CPSR   # signals
        self._syscalls = 0
        self._svc_in = cpu.batch(list(SvcFrame.NAMES))
        self._r0 = cpu.batch(["r0"])
        self._enter = cpu.batch(["cpsr", "sp", "lr", "r0", "r1", "r2", "r3", "pc"])
        self._leave = cpu.batch(["cpsr", "r0", "r1", "r2", "r3", "r12", "pc"])
        self._tail_enter = cpu.batch(["cpsr", "sp", "lr", "spsr", "r0", "r1", "r2", "r3", "pc"])
        self._saved = cpu.phys_words(kernel_stack_phys_top - 20, 5)
        self._handlers = {EXCP_SWI: self._on_svc}
        for intno in FAULT_KINDS:
            self._handlers[intno] = self._on_fault
        # (speed, issue 15 (b)) the native fast path in front of _on_interrupt.
        self._fast = cpu.hook_interrupts(self._on_interrupt, self.take_over)
        self._fast_state = self._fast.state
        self._traced = False           # the fast path records traced calls (take_over)
        self._fast.configure(hypercalls.tail_return_addr, KERNEL_CPSR, hypercalls.resume_addr)
        self._fast.set_stack(self._kstack, self._saved.pa)
        self._fast_wanted = True
        self._fast.set_enabled(True)

    def use_fast_path(self, on: bool) -> None:
        """Serve the hot chrdev syscalls natively when possible (the default), or always in
        Python (tests compare the two)."""
        self.take_over()
        self._fast_wanted = on
        self._fast.set_enabled(on)

    @property
    def fast_syscalls(self) -> int:
        """System calls the native fast path served."""
        return self._fast.count

    @property
    def syscalls(self) -> int:
        """System calls made (the native fast path's too)."""
        return self._syscalls + self._fast.count

    @property
    def syscall_regs(self):
        """The caller's user registers (an SvcFrame) of the last syscall (debugger, signal
        restarts); the scheduler saves and restores them with the task."""
        fast = self._fast.last_frame()
        return self._syscall_regs if fast is None else fast

    @syscall_regs.setter
    def syscall_regs(self, regs):
        self._syscall_regs = regs
        self._fast.drop_frame()

    def observe_syscalls(self, observer: Callable[[int, list[int], object], None]) -> None:
        """Call observer(nr, args, result) as each syscall returns (tracing: tail calls then
        come back through the resume slot, a hook more per syscall). The calls the native
        fast path serves reach it late, stamped with the instruction count of their return:
        call deliver_syscalls() before publishing anything else (trace_backlog)."""
        self.take_over()
        self.on_syscall = self._fast.observer = observer
        self._traced = observer is not None
        self._fast.set_traced(self._traced)

    def trace_backlog(self, tracer) -> None:
        """Have tracer publish the natively served calls (deliver_syscalls) before any other
        event, so its subscribers see them in order."""
        tracer.set_backlog(self._fast.deliver, self._fast_state)

    def take_over(self) -> None:
        """Take over what the native fast path did for traced calls since Python last ran:
        publish the calls it served (deliver_syscalls) and adopt the one still in the driver,
        whose return Python then serves. Runs whenever the CPU stops, and before Python
        handles any exception."""
        self.deliver_syscalls()
        saved = self._fast.take_pending()
        if saved is not None:
            self._frames.append(_Frame(None, saved, keep=True))

    def deliver_syscalls(self) -> None:
        """Call the observer for each traced call the native path served and not yet
        delivered, in order, at the instruction count of its return."""
        if self._fast_state.nrec:
            self._fast.deliver()

    @property
    def stopped(self) -> bool:
        """Whether the run in progress was stopped (GuestCalls keeps the flag)."""
        return self._guest.stopped

    @stopped.setter
    def stopped(self, value: bool) -> None:
        self._guest.stopped = value

    # -- tasks (issue 12: the scheduler switches these with the CPU's registers) ------------
    def use_task(self, frames, kstack_top, saved_words):
        """Serve the syscalls of a task: its frames list, kernel stack and tail-call save area."""
        if self._console is None:
            self._console = (self._frames, self._kstack, self._saved)
        self._frames, self._kstack, self._saved = frames, kstack_top, saved_words
        self._fast.set_stack(kstack_top, saved_words.pa)

    def use_console(self):
        """Back to the console's own frames and kernel stack (insmod, rmmod, ...)."""
        if self._console is not None:
            self._frames, self._kstack, self._saved = self._console
            self._fast.set_stack(self._kstack, self._saved.pa)

    def catch_tail_return(self, saved):
        """Signals (issue 12): the running task's tail call (its driver call in progress)
        returns through the resume slot instead of straight to user space, as a traced
        tail call does, so the exit work runs; saved: its SvcFrame values (the caller
        points the return address and SPSR at the resume slot)."""
        self._frames.append(_Frame(None, saved))

    # -- dispatch -------------------------------------------------------------------------
    def _on_interrupt(self, intno):
        if self._traced:
            self.take_over()
        handler = self._handlers.get(intno)
        if handler is None:
            self._on_fault(intno)
        else:
            handler(intno)

    def _on_svc(self, _intno):
        vals = self._svc_in.read()
        pc = vals[_PC]
        try:
            if self._stub_lo < pc <= self._hc.stubs_end:
                self._hc.dispatch(pc, vals)
            elif pc == self._resume:
                self._advance(vals[0])
            else:
                self._syscall(vals)
        except GuestFaultAccess as e:
            # A kernel service (or a syscall's kernel side) dereferenced a bad kernel pointer
            # the guest gave it: Linux oopses in that function; so do we.
            if self._stub_lo < pc <= self._hc.stubs_end:
                where = self._hc.name_at(pc - 4)
            else:
                nr = self._frames[-1].saved[_NR] if self._frames else vals[_NR]
                where = f"sys_{SYSCALL_NAMES.get(nr, nr)}"
            self._frames.clear()
            self._guest.stop()
            regs = self.cpu.regs()
            self._report_fault(Fault("data abort", regs["pc"], False, regs, addr=e.va, where=where))

    def _syscall(self, vals):
        if vals[_CPSR] & MODE_MASK != USR_MODE:
            self._on_fault(EXCP_UDEF)     # svc from kernel code outside a stub
            return
        self._syscalls += 1
        self._syscall_regs = vals          # the caller's user registers (debugger backtraces)
        result = self._table(vals[_NR], vals[:6])
        kind = type(result)
        traced = self.on_syscall is not None
        if kind is not TailCall or not result.stable:
            self._fast.forget()
        if kind is int:
            if traced:
                self.on_syscall(vals[_NR], vals[:6], result)
            if self.ret_to_user is not None and self._exit_work(result, vals):
                return
            self._r0.write((result,))
        elif kind is TailCall and not traced:
            if result.stable and vals[_NR] in _FAST_NRS:
                self._learn(result, vals)
            self._tail_call(result, vals)
        elif kind is TailCall:
            # Traced: return through the resume slot so the result is seen (the native
            # fast path then serves the same call the same way).
            if result.stable and vals[_NR] in _FAST_NRS:
                self._learn(result, vals)
            self._frames.append(_Frame(None, vals, keep=result.stable))
            self._enter_guest(result)
        else:
            self._frames.append(_Frame(result, vals))
            self._advance(None)

    def _learn(self, call, vals):
        """Let the native fast path serve this (syscall, fd, ioctl cmd) as this tail call."""
        args, nr = call.args, vals[_NR]
        if len(args) in (3, 4) and args[1] == vals[1] and args[2] == vals[2]:
            self._fast.learn(nr, vals[0], vals[1] if nr == _IOCTL else 0, call.fn, args[0],
                             args[3] if len(args) == 4 else 0)

    def _advance(self, value):
        """Resume the innermost syscall with the r0 of the guest call it made."""
        frame = self._frames[-1]
        if frame.gen is None:                      # a traced tail call came back
            result = signed(value)
        else:
            try:
                self._enter_guest(frame.gen.send(value))
                return
            except StopIteration as stop:
                result = stop.value
        if not frame.keep:
            self._fast.forget()
        self._frames.pop()
        s = frame.saved
        if self.on_syscall is not None and frame.syscall:
            self.on_syscall(s[_NR], s[:6], result)
        if result is EXIT:
            self._frames.clear()
            self._guest.stop()
            return
        if self.ret_to_user is not None and frame.syscall and self._exit_work(result, s):
            return
        pc = s[_PC] | (1 if s[_CPSR] & CPSR_T else 0)
        self._leave.write((s[_CPSR], result, s[1], s[2], s[3], s[_IP], pc))

    def _exit_work(self, result, saved):
        """Run the kernel's work before returning to user space; True when it took over."""
        gen = self.ret_to_user(result, saved)
        if gen is None:
            return False
        self._frames.append(_Frame(gen, saved, syscall=False))
        self._advance(None)
        return True

    def _enter_guest(self, call):
        if type(call) is Sleep:
            # Resume at the resume slot's svc with r0 = 0: the generator continues there
            # when the task runs again (at once if a wake-up already came).
            self._enter.write((KERNEL_CPSR, self._kstack, 0, 0, 0, 0, 0, self._hc.resume_addr))
            self.sleep(call.timeout_ns)
            return
        self._enter.write((KERNEL_CPSR, self._kstack, self._hc.resume_addr,
                           *(tuple(call.args) + (0, 0, 0, 0))[:4], call.fn))

    def _tail_call(self, call, vals):
        # The trampoline pops r1-r3, ip and the user pc, then `movs pc, lr` restores CPSR.
        # emulator/native/hooks.c svc_fast makes these very writes for a learned call (the
        # saved words, then cpsr, sp, lr, spsr, r0-r3, pc): a change here changes it too.
        self._saved.write_words((vals[1], vals[2], vals[3], vals[_IP], vals[_PC]))
        self._tail_enter.write((KERNEL_CPSR, self._kstack - 20, self._hc.tail_return_addr,
                                vals[_CPSR], *(tuple(call.args) + (0, 0, 0, 0))[:4], call.fn))

    def _on_fault(self, intno):
        self._fast.forget()
        regs = self.cpu.regs()
        user = regs["cpsr"] & MODE_MASK == USR_MODE
        if user and intno == EXCP_DATA_ABORT and self._user_fault is not None:
            gen = self._user_fault(regs)
            if gen is not None:               # handled like a syscall that returns r0
                self._frames.append(_Frame(gen, self._svc_in.read(), syscall=False))
                self._advance(None)
                return
        self._frames.clear()
        self._guest.stop()
        self._report_fault(Fault(FAULT_KINDS.get(intno, f"exception {intno}"), regs["pc"], user, regs))


class _Exit:
    def __repr__(self):
        return "EXIT"


#: Returned by a syscall generator that ends the process (exit_group, fatal signal).
EXIT = _Exit()

#: What a syscall handler returns (see the module docstring): a result, a tail call into
#: guest code, a Sleep, or a generator of guest calls that returns the result (or EXIT).
SyscallResult = int | TailCall | Generator[GuestCall, int, "int | _Exit"]

__all__ = ["Entry", "GuestCalls", "GuestCall", "Sleep", "TailCall", "Fault", "EXIT", "SvcFrame",
           "SyscallResult", "signed", "GuestTimeout"]
