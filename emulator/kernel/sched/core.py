"""The scheduler: tasks run round robin on the HZ tick with PREEMPT semantics, in virtual time.

The console is the board's shell. Between its commands the scheduler runs whatever is
runnable (``settle``); ``run_for`` lets virtual time pass (the script's ``sleep``, a key's
hold) and ``run_until`` runs until a condition holds (a foreground program or ``wait``).
A slice of a task is one emu_start: it ends when the task calls schedule() to sleep or
yield (the service stops the CPU), exits, faults, when an interrupt is pending with IRQs
unmasked, or at the next tick (the native block counter's deadline). A task is preempted at
a tick in user mode, or in kernel mode with preempt_count 0 and IRQs enabled; otherwise it
keeps the CPU. When nothing is runnable, virtual time jumps to the next timed wake-up.
Switching saves the CPU's registers (a Unicorn context) and installs the next task's
registers, user page tables, kernel stack and syscall frames; the order of events depends
only on virtual time, so the same script gives the same interleaving every run.
"""

import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from ...cpu import CPSR, CPSR_I, CPSR_T, MODE_MASK, PC, REG, SP, STOP_DEADLINE, STOP_IRQ, \
    USR_MODE
from ...errors import GuestTimeout, Unimplemented
from ..clock import CPU_HZ
from ..time.jiffies import TICK_NS
from .kthread import KThreads, start_registers
from .sync import Sync
from .task import TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_UNINTERRUPTIBLE, Task
from .wait import WaitQueues

#: The wake-up mode of a timed sleep's end (wakes any sleeping state, msleep's too).
TIMER_WAKE = 0x10003
#: A slice shorter than this many instructions could not run a whole block.
MIN_SLICE = 256
#: CPU-bound work the console lets run between two commands (two ticks).
SETTLE_NS = 2 * TICK_NS
#: (process model, issue 14; the signal branch reconciles) signals whose default action is
#: to ignore (SIGCHLD, SIGCONT, SIGURG, SIGWINCH): with no handler they are discarded.
DEFAULT_IGNORED = frozenset({17, 18, 23, 28})


@dataclass(frozen=True)
class TaskHooks:
    """What the process layer (kernel/lifecycle.py) does for the scheduler."""
    #: on_stopped(task) -> True when a task whose slice stopped without sleeping has exited
    #: (faults checked, the process released).
    on_stopped: Callable
    #: kill_now(task): run do_exit for a task with a fatal signal.
    kill_now: Callable
    #: switch(task or None): install per-task kernel state (page tables, thread info, the
    #: syscall layer's process); None is the console's context.
    switch: Callable


class Scheduler:
    def __init__(self, cpu, vm, clock, entry, irq, alloc_block, free_block, exit_addr,
                 timeout_us, max_time_ns, *, timers, tasklets, hooks, symbolize, tracer,
                 signal_exit_stub, atomic, address_of, printk, ledger, caller, next_pid):
        """alloc_block() -> physical address of a 16 KiB block (kernel stack + task_struct);
        irq: kernel.irq.setup.Interrupts; entry() -> the exception entry (kernel/entry.py),
        built after the syscall table, so the scheduler asks for it when it switches."""
        self.cpu, self.vm, self.clock, self._entry, self.irq = cpu, vm, clock, entry, irq
        self._alloc_block, self._free_block = alloc_block, free_block
        self._exit = exit_addr
        self.timeout_us, self.max_time_ns = timeout_us, max_time_ns
        self.tasks = {}              # pid -> Task (until reaped)
        self.by_ts = {}              # task_struct va -> Task
        self.runqueue = deque()
        self.current = None          # the task whose slice is running (None: the console)
        self._live = None            # the task whose registers are in the CPU
        self._switch = False         # the running task called schedule() to give up the CPU
        self.need_resched = False
        self._exiting = False
        self.signal_exit_stub = signal_exit_stub   # the fatal-signal exit stub (kuser.py)
        self.on_stopped, self.kill_now = hooks.on_stopped, hooks.kill_now
        self.switch_hooks = [hooks.switch]
        self.deadline_wall = None
        self.timers = timers         # kernel.time.timer.Timers (jiffies, timer_list)
        self.tasklets = tasklets     # kernel.softirq.tasklet.Tasklets
        #: The console's SP while it waits inside a call (kthread_stop from module_exit).
        self.console_sp = None
        self.symbolize = symbolize
        self.tracer = tracer         # publishes "sched" events
        # the services built on the scheduler: wait queues, semaphores/completions, kthreads
        self.wait = WaitQueues(self, vm, atomic, address_of, printk)
        self.sync = Sync(self, vm, atomic, lambda value: cpu.set_reg(REG["r0"], value))
        self.kthreads = KThreads(self, vm, cpu, address_of, ledger, caller, next_pid)
        self.providers = [self.wait, self.sync, self.kthreads]

    # -- tasks ---------------------------------------------------------------------------------
    def create(self, pid, comm, pc, sp, process=None, kernel=False):
        """A new runnable task starting at pc: in user mode with stack sp, or (kernel) a
        kernel thread (kthread.py sets its registers)."""
        block = self._alloc_block()
        if block is None:
            raise MemoryError("out of memory for a kernel stack")
        task = Task(pid, comm, block, self.vm, process)
        task.start = (pc, sp)
        task.kernel = kernel
        task.saved_words = self.cpu.phys_words(task.kstack_top_pa - 20, 5)
        self.tasks[pid] = task
        self.by_ts[task.ts_va] = task
        self.runqueue.append(task)
        return task

    def reap(self, task):
        self.tasks.pop(task.pid, None)
        self.by_ts.pop(task.ts_va, None)
        if task in self.runqueue:
            self.runqueue.remove(task)
        if self._live is task:
            self._live = None
        self._free_block(task.block_pa)

    def wake(self, task, mode=TASK_RUNNING | 3):
        """try_to_wake_up: a task sleeping in a state within mode becomes runnable. A wake-up
        of a running task is remembered (``triggered``, as poll's pollwake does)."""
        if task.exited:
            return False
        if task.state == TASK_RUNNING:
            task.triggered = True
            return False
        if not task.state & mode or (task.timer_only and mode != TIMER_WAKE):
            return False                   # msleep sleeps its whole time, as 3.14's loop does
        task.timer_only = False
        task.state = TASK_RUNNING
        task.wake_at = None
        self._event("wakeup", task, task.sleeping_in)
        task.sleeping_in = ""
        if task not in self.runqueue:
            self.runqueue.append(task)
        self.need_resched = True
        return True

    # -- signals (the default actions; handlers are not modelled yet) --------------------------
    def send_signal(self, task, signo):
        """Make signo pending for task (TIF_SIGPENDING) and wake it from an interruptible
        sleep, as signal_wake_up does."""
        if task.exited:
            return False
        if signo in DEFAULT_IGNORED:       # (process model) no handlers yet: discarded
            return True
        task.pending_signal = task.pending_signal or signo
        ti_flags = task.ti_va
        self.vm.write_u32(ti_flags, self.vm.read_u32(ti_flags) | 1)      # TIF_SIGPENDING
        if task.context is not None and not task.frames and self._in_kernel(task):
            # A driver call made as a tail call returns straight to user space: send it
            # through the signal-exit stub so the process ends at that system call.
            self.vm.write_u32(task.kstack_top - 4, self.signal_exit_stub)
        self.wake(task, TASK_INTERRUPTIBLE)
        return True

    def _in_kernel(self, task):
        """A task stopped in kernel mode (its saved CPSR is not user mode)."""
        cpsr = task.saved_cpsr
        return cpsr is not None and cpsr & MODE_MASK != USR_MODE

    # -- the schedule() service's side -----------------------------------------------------------
    def block_current(self, timeout_ns=None):
        """The running task gives up the CPU (schedule()): stop the guest after the service.
        It sleeps unless its state is TASK_RUNNING (then it only yields)."""
        task = self.current
        if task is None:
            raise Unimplemented("schedule() outside a task (module init/exit or the console "
                                "context cannot sleep yet)")
        if timeout_ns is not None:
            task.wake_at = self.clock.now_ns() + timeout_ns
        self._switch = True
        self.cpu.stop()

    def exit_current(self):
        """The running kernel thread ends (do_exit): stop the guest; it never runs again."""
        self._exiting = True
        self.cpu.stop()

    def sleep_in_syscall(self, timeout_ns):
        """A syscall's Sleep: sleep interruptibly unless a wake-up or signal already came."""
        task = self.current
        if task.triggered or task.pending_signal:
            task.triggered = False
            return
        task.state = TASK_INTERRUPTIBLE
        task.sleeping_in = task.sleeping_in or "poll"
        self.block_current(timeout_ns)

    def nanosleep(self, ns):
        """nanosleep in a task: it sleeps (TASK_INTERRUPTIBLE) until now + ns; False when no
        task runs (the console context cannot sleep)."""
        task = self.current
        if task is None:
            return False
        task.state = TASK_INTERRUPTIBLE
        task.sleeping_in = "nanosleep"
        self.block_current(ns)
        return True

    def msleep(self, msecs):
        """msleep in a task: schedule_timeout_uninterruptible(msecs_to_jiffies(m) + 1), as
        3.14 does (so msleep(1000) sleeps 1005 ms of virtual time)."""
        task = self.current
        if task is None:
            return False
        task.state = TASK_UNINTERRUPTIBLE
        task.sleeping_in = "msleep"
        task.timer_only = True
        self.block_current((self.timers.msecs_to_jiffies(msecs) + 1) * TICK_NS)
        return True

    # -- running ---------------------------------------------------------------------------------
    def settle(self):
        """Run what is runnable until everything sleeps (at most SETTLE_NS of CPU-bound work)."""
        if self.tasks:
            self._loop(lambda: False, self.clock.now_ns() + SETTLE_NS, idle_stops=True)

    def run_for(self, ns):
        """Let ns of virtual time pass with tasks, timers and interrupts running."""
        self._loop(lambda: False, self.clock.now_ns() + int(ns), idle_stops=False)

    def run_until(self, done):
        """Run until done() is true; False when nothing can make progress (all asleep with
        no timed wake-up)."""
        return self._loop(done, None, idle_stops=True)

    def _loop(self, done, deadline, idle_stops):
        # timeout_us 0: no wall-clock limit (a debugger is attached)
        self.deadline_wall = (time.perf_counter() + self.timeout_us / 1e6 if self.timeout_us
                              else None)
        try:
            while True:
                if done():
                    return True
                now = self.clock.now_ns()
                if self.max_time_ns is not None and now > self.max_time_ns:
                    raise GuestTimeout(f"virtual time limit reached: {self.max_time_ns / 1e9:g} s "
                                       f"of board time (--max-time)")
                if deadline is not None and now >= deadline:
                    return False
                self._run_timers()
                if done():
                    return True
                self._wake_sleepers(now)
                task = self._pick()
                if task is None:
                    nxt = min((t.wake_at for t in self.tasks.values() if t.wake_at is not None),
                              default=None)
                    timer = self.timers.next_expiry_ns() if self.timers else None
                    if timer is not None:
                        nxt = timer if nxt is None else min(nxt, timer)
                    if nxt is None or (deadline is not None and nxt > deadline):
                        if deadline is None:
                            return False
                        if idle_stops:
                            return False
                        self.clock.sleep_ns(deadline - now)
                        continue
                    self.clock.sleep_ns(max(0, nxt - now))
                    continue
                self._slice(task, deadline)
        finally:
            self._to_console()

    def _run_timers(self):
        """Expired kernel timers and queued tasklets run now, in softirq context on the idle
        CPU."""
        timers = self.timers
        if timers is None:
            return
        timers.sync()
        tasklets = self.tasklets is not None and self.tasklets.pending
        if not timers.pending and not tasklets:
            return
        self._live = None                  # the timer functions use the CPU's registers
        self.current = None
        self.entry.use_console()
        for hook in self.switch_hooks:
            hook(None)
        timers.run_expired()
        if tasklets:
            self.tasklets.run()

    def _wake_sleepers(self, now):
        for task in list(self.tasks.values()):
            if task.wake_at is not None and task.wake_at <= now:
                task.wake_at = None
                self.wake(task, TIMER_WAKE)

    def _pick(self):
        while self.runqueue:
            task = self.runqueue[0]
            if task.runnable:
                return task
            self.runqueue.popleft()
        return None

    @property
    def entry(self):
        return self._entry()

    # -- one slice -------------------------------------------------------------------------------
    def _slice(self, task, deadline):
        cpu = self.cpu
        self._switch_to(task)
        if task.pending_signal and cpu.reg(CPSR) & MODE_MASK == USR_MODE:
            self.entry.stopped = False
            self.kill_now(task)                   # a fatal signal in user mode: do_exit
            if self.on_stopped(task):
                task.exited = True
                self._drop_from_runqueue(task)
                self._live = None
            return
        now = self.clock.now_ns()
        until = now + TICK_NS - (now % TICK_NS)
        if (until - now) * CPU_HZ // 1_000_000_000 < MIN_SLICE:
            until += TICK_NS                    # too close to run a block: the next tick
        if deadline is not None and deadline < until:
            if (deadline - now) * CPU_HZ // 1_000_000_000 < MIN_SLICE:
                self.clock.sleep_ns(deadline - now)    # less than a block: time is up
                return
            until = deadline
        cpu.stop_after((until - now) * CPU_HZ // 1_000_000_000)
        self._switch = False
        self._exiting = False
        self.entry.stopped = False
        if self.timers is not None:
            self.timers.sync()
        pc = cpu.reg(PC) | (1 if cpu.reg(CPSR) & CPSR_T else 0)
        try:
            # No Unicorn timeout (a timer thread per emu_start): the tick deadline always
            # ends a slice within 5 ms of virtual time, and the wall clock is checked after.
            cpu.start(pc, self._exit, 0)
        finally:
            cpu.stop_after(None)
        reason = cpu.take_stop_reason()
        if self._exiting:                          # a kernel thread's do_exit
            self._exiting = False
            self._event("exit", task)
            task.exited = True
            self._drop_from_runqueue(task)
            self._live = None
            return
        if self.entry.stopped:                     # exited, or faulted
            if self.on_stopped(task):
                self._event("exit", task, f"status {getattr(task.process, 'exit_status', '')}")
                task.exited = True
                self._drop_from_runqueue(task)
                self._live = None
            return
        task.context = cpu.save_context()
        task.saved_cpsr = cpu.reg(CPSR)
        if self._switch:
            self._switch = False
            if task.state == TASK_RUNNING:          # a yield: to the back of the queue
                self._rotate(task)
            else:
                self._event("sleep", task, task.sleeping_in)
                self._drop_from_runqueue(task)
            return
        if reason == STOP_IRQ:
            self.need_resched = False
            self.irq.take_interrupted()
            if self.need_resched and self._preemptible(task):
                self._rotate(task)              # a woken task runs before the interrupted one
            return
        if reason == STOP_DEADLINE:
            self._tick(task)
        if self.deadline_wall is not None and time.perf_counter() >= self.deadline_wall:
            what = task.process.argv[0] if task.process is not None else task.comm
            raise GuestTimeout(f"timeout: {what} did not finish within {self.timeout_us / 1e6:g} s "
                               f"(PC at {self.symbolize(cpu.reg(PC))})")

    def _tick(self, task):
        """The HZ tick: round robin among runnable tasks where preemption is allowed."""
        if self._preemptible(task):
            self._rotate(task)

    def _preemptible(self, task):
        cpsr = self.cpu.reg(CPSR)
        return cpsr & MODE_MASK == USR_MODE or (task.preempt_count == 0 and not cpsr & CPSR_I)

    def _rotate(self, task):
        self._drop_from_runqueue(task)
        self.runqueue.append(task)

    def _drop_from_runqueue(self, task):
        if task in self.runqueue:
            self.runqueue.remove(task)

    # -- switching ------------------------------------------------------------------------------
    def _event(self, event, task, detail=""):
        tracer = self.tracer
        if tracer is not None and "sched" in tracer.active:
            tracer.publish("sched", event=event, pid=task.pid, comm=task.comm, detail=detail)

    def _switch_to(self, task):
        cpu = self.cpu
        if self._live is not task:
            self._event("switch", task)
            if task.context is not None:
                cpu.restore_context(task.context)
            elif task.kernel:
                start_registers(cpu, task)
            else:
                pc, sp = task.start
                cpu.set_reg(CPSR, USR_MODE)
                for i in range(13):
                    cpu.set_reg(REG[f"r{i}"], 0)
                cpu.set_reg(SP, sp)
                cpu.set_reg(PC, pc)
            self._live = task
        self.current = task
        self.entry.use_task(task.frames, task.kstack_top, task.saved_words)
        for hook in self.switch_hooks:
            hook(task)
        if task.on_resume is not None:
            resume, task.on_resume = task.on_resume, None
            resume()

    def _to_console(self):
        """Back to the console's context (module init/exit, /proc reads run there); the
        last task's registers were saved when its slice ended."""
        self._live = None
        self.current = None
        self.entry.use_console()
        for hook in self.switch_hooks:
            hook(None)

    # -- observation ----------------------------------------------------------------------------
    def blocked_reason(self, task):
        return task.sleeping_in or ("sleeping" if task.state & TASK_INTERRUPTIBLE else "D")
