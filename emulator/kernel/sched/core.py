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
from .console_task import ConsoleTask
from .kthread import KThreads, start_registers
from .mutex import Mutexes, Retry, RwSemaphores
from .sync import Sync
from .task import TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_STOPPED, TASK_UNINTERRUPTIBLE, Task
from .wait import WaitQueues
from ..signal import SIGCONT, SIGKILL, SigInfo, name as signal_name
from ..time.itimer import RealTimers

#: The wake-up mode of a timed sleep's end (wakes any sleeping state, msleep's too).
TIMER_WAKE = 0x10003
#: A slice shorter than this many instructions could not run a whole block.
MIN_SLICE = 256
#: CPU-bound work the console lets run between two commands (two ticks).
SETTLE_NS = 2 * TICK_NS


@dataclass(frozen=True)
class TaskHooks:
    """What the process layer (kernel/lifecycle.py) does for the scheduler."""
    #: on_stopped(task) -> True when a task whose slice stopped without sleeping has exited
    #: (faults checked, the process released).
    on_stopped: Callable
    #: kill_now(task) -> True when the process ended: do_signal for a task about to run with
    #: a signal pending (handlers' frames, a default action's do_exit, or a driver call's
    #: return diverted through the exit work).
    kill_now: Callable
    #: switch(task or None): install per-task kernel state (page tables, thread info, the
    #: syscall layer's process); None is the console's context.
    switch: Callable


class Scheduler:
    def __init__(self, cpu, vm, clock, entry, irq, alloc_block, free_block, exit_addr,
                 timeout_us, max_time_ns, *, timers, tasklets, hooks, symbolize, tracer,
                 atomic, address_of, printk, ledger, caller, next_pid, call_guest=None,
                 hw_events=None, console=None):
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
        self.on_stopped, self.kill_now = hooks.on_stopped, hooks.kill_now
        self.switch_hooks = [hooks.switch]
        self.deadline_wall = None
        self.timers = timers         # time.hrtimer.TimerBases: the jiffies wheel + hrtimers
        self.tasklets = tasklets     # kernel.softirq.tasklet.Tasklets
        #: the board's timed devices (kernel/irq/hw_events.py): the idle CPU sleeps until
        #: their next event and takes the interrupts they raise (None: not wired)
        self.hw_events = hw_events
        #: The console's SP while it waits inside a call (kthread_stop from module_exit).
        self.console_sp = None
        self.symbolize = symbolize
        self.tracer = tracer         # publishes "sched" events
        # the services built on the scheduler: wait queues, semaphores/completions, kthreads
        self.wait = WaitQueues(self, vm, atomic, address_of, printk, call_guest)
        self.sync = Sync(self, vm, atomic, lambda value: cpu.set_reg(REG["r0"], value))
        self.kthreads = KThreads(self, vm, cpu, address_of, ledger, caller, next_pid)
        # (issue 12, part 2) mutexes and rw-semaphores that sleep, by re-running their stub
        self.retry = Retry(self, cpu, address_of)
        self.mutexes = Mutexes(vm, atomic, self.retry, printk, symbolize, caller)
        self.rwsems = RwSemaphores(vm, atomic, self.retry, symbolize, caller)
        self.providers = [self.wait, self.sync, self.kthreads, self.mutexes, self.rwsems]
        self.real_timers = RealTimers()      # ITIMER_REAL of the processes (signals)
        #: (issue 12) insmod/rmmod's task while module init/exit runs (console_task.py);
        #: console: (the console stack's thread_info, its GuestCalls), or None
        self.console_task = None if console is None else ConsoleTask(self, cpu, vm, *console,
                                                                       caller)
        self._looping = 0

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
        if task not in self.runqueue and not self._is_console(task):
            self.runqueue.append(task)
        self.need_resched = True
        return True

    # -- (issue 12) module init/exit sleeping as insmod/rmmod's task -----------------------------
    @property
    def sleeper(self):
        """The task a sleeping service puts to sleep: the running task, or insmod/rmmod's
        while module init/exit runs in the console's context (None: nothing can sleep)."""
        if self.current is not None:
            return self.current
        console = self.console_task
        return console.sleeper() if console is not None and not self._looping else None

    def _is_console(self, task):
        return self.console_task is not None and task is self.console_task.task

    def _sleepers(self):
        console = self.console_task
        extra = [console.task] if console is not None and console.asleep else []
        return list(self.tasks.values()) + extra

    # -- signals (issue 12: kernel/signal.py keeps a process's actions, mask and pending set) --
    def send_signal(self, task, signo, info=None):
        """Send signo (with its SigInfo, default SI_KERNEL) to task: queued in its process's
        SignalState (dropped when ignored), then TIF_SIGPENDING and an interruptible sleep
        woken when it can be delivered (complete_signal). False when the task is gone."""
        if task.exited:
            return False
        signals = getattr(task.process, "signals", None)
        if signals is None:                    # a kernel thread: only the pending flag
            task.pending_signal = task.pending_signal or signo
            self._set_sigpending(task, True)
            self.wake(task, TASK_INTERRUPTIBLE)
            return True
        queued = signals.generate(info or SigInfo(signo))
        self._signal_event(task, signo, "generate" if queued else "ignored")
        if signo in (SIGCONT, SIGKILL) and task.state & TASK_STOPPED:
            self._signal_event(task, signo, "continue")     # a stopped task runs again
            self.wake(task, TASK_STOPPED)
        if queued:
            self.recalc_sigpending(task)
        return True

    def stop_task(self, task, running):
        """do_signal_stop: task stops (TASK_STOPPED) until SIGCONT or SIGKILL; running: it
        is in its slice (the slice ends after this service, as schedule() does)."""
        task.state = TASK_STOPPED
        task.sleeping_in = "stopped"
        if running:
            self.block_current()

    def recalc_sigpending(self, task):
        """task.pending_signal = the signal it would take next (0: none deliverable), with
        the guest's TIF_SIGPENDING; a deliverable signal wakes an interruptible sleep."""
        signo = task.process.signals.next_signal()
        task.pending_signal = signo
        self._set_sigpending(task, bool(signo))
        if signo:
            self.wake(task, TASK_INTERRUPTIBLE)
            if task is self.current and self._live is task and not self.irq.handler.in_progress:
                # its own call raised it (a driver's kill_fasync from its write): end the
                # slice so the next one delivers before the call returns to user space
                self.cpu.stop()

    def _set_sigpending(self, task, on):
        flags = self.vm.read_u32(task.ti_va)
        self.vm.write_u32(task.ti_va, flags | 1 if on else flags & ~1)     # TIF_SIGPENDING

    def _signal_event(self, task, signo, event):
        tracer = self.tracer
        if tracer is not None and "signal" in tracer.active:
            tracer.publish("signal", event=event, pid=task.pid, signo=signo,
                           name=signal_name(signo), detail="")

    # -- the schedule() service's side -----------------------------------------------------------
    def block_current(self, timeout_ns=None):
        """The running task gives up the CPU (schedule()): stop the guest after the service.
        It sleeps unless its state is TASK_RUNNING (then it only yields). True when the
        sleep is already over (module init/exit, console_task.py): the service returns None."""
        task = self.current
        if task is None:
            if self.sleeper is not None:          # (issue 12) module init/exit sleeps
                self.console_task.sleep(timeout_ns)
                return True                       # slept and woke: r0 is on_resume's
            raise Unimplemented("schedule() outside a task (the console's context cannot "
                                "sleep here)")
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

    def msleep(self, msecs):
        """msleep in a task: schedule_timeout_uninterruptible(msecs_to_jiffies(m) + 1), as
        3.14 does (so msleep(1000) sleeps 1005 ms of virtual time)."""
        task = self.sleeper                       # (issue 12) also module init/exit
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
        self._looping += 1
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
                self.real_timers.run_expired(now)          # alarm/setitimer (signals)
                if done():
                    return True
                if self._wake_sleepers(now) and done():    # (issue 12) a timed wake-up
                    return True
                task = self._pick()
                if task is None:
                    if self.hw_events is not None and self.hw_events.fire(self.deadline_wall,
                                                                      self._to_console):
                        continue             # (issue 13) a device interrupt ran on the idle CPU
                    nxt = min((t.wake_at for t in self._sleepers() if t.wake_at is not None),
                              default=None)
                    timer = self.timers.next_expiry_ns() if self.timers else None
                    if timer is not None:
                        nxt = timer if nxt is None else min(nxt, timer)
                    hw = self.hw_events.next_event_ns() if self.hw_events is not None else None
                    if hw is not None:                             # (issue 13)
                        nxt = hw if nxt is None else min(nxt, hw)
                    alarm = self.real_timers.next_expiry_ns()
                    if alarm is not None:
                        nxt = alarm if nxt is None else min(nxt, alarm)
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
            self._looping -= 1
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
        woke = False
        for task in self._sleepers():
            if task.wake_at is not None and task.wake_at <= now:
                task.wake_at = None
                woke = self.wake(task, TIMER_WAKE) or woke
        return woke

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
        if task.pending_signal and task.process is not None:
            self.entry.stopped = False
            if self.kill_now(task):               # do_signal before it runs: it ended
                if self.on_stopped(task):
                    task.exited = True
                    self._drop_from_runqueue(task)
                    self._live = None
                return
            if task.state & TASK_STOPPED:         # a stop signal's default action
                task.context = cpu.save_context()
                task.saved_cpsr = cpu.reg(CPSR)
                self._event("sleep", task, "stopped")
                self._drop_from_runqueue(task)
                return
        now = self.clock.now_ns()
        until = now + TICK_NS - (now % TICK_NS)
        if (until - now) * CPU_HZ // 1_000_000_000 < MIN_SLICE:
            until += TICK_NS                    # too close to run a block: the next tick
        alarm = self.real_timers.next_expiry_ns()          # a process timer ends the slice
        if alarm is not None and (alarm - now) * CPU_HZ // 1_000_000_000 >= MIN_SLICE:
            until = min(until, alarm)
        if deadline is not None and deadline < until:
            if (deadline - now) * CPU_HZ // 1_000_000_000 < MIN_SLICE:
                self.clock.sleep_ns(deadline - now)    # less than a block: time is up
                return
            until = deadline
        # (issue 12, part 2) an hrtimer due before the tick ends the slice at its expiry
        hr_stop = self.timers is not None and self._hrtimer_stop(now, until)
        if hr_stop == -1:
            return                              # due before a block could run: run it first
        if hr_stop:
            until = hr_stop
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
        task.syscall_regs = self.entry.syscall_regs     # its syscall's registers (signals)
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
            else:                                  # a fault's signal goes to a handler
                task.context = cpu.save_context()
                task.saved_cpsr = cpu.reg(CPSR)
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
        if reason == STOP_DEADLINE and not hr_stop:
            self._tick(task)
        if self.deadline_wall is not None and time.perf_counter() >= self.deadline_wall:
            what = task.process.argv[0] if task.process is not None else task.comm
            raise GuestTimeout(f"timeout: {what} did not finish within {self.timeout_us / 1e6:g} s "
                               f"(PC at {self.symbolize(cpu.reg(PC))})")

    def _hrtimer_stop(self, now, until):
        """The expiry of an hrtimer due within this slice; -1 when it is too close to run a
        block first (the CPU idles up to it)."""
        hr = self.timers.next_expiry_ns()
        if hr is None or not now < hr < until:
            return None
        if (hr - now) * CPU_HZ // 1_000_000_000 < MIN_SLICE:
            self.clock.sleep_ns(hr - now)
            return -1
        return hr + 1                       # +1 ns: the instruction count rounds up

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
        self.entry.syscall_regs = task.syscall_regs
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
