"""insmod and rmmod as a task while a module's init or exit runs (issue 12).

On the board insmod runs the module's init in the insmod process (rmmod: the exit), so
msleep(), wait_event*(), schedule_timeout(), a contended mutex_lock(), down() or
wait_for_completion() there really sleep while other tasks, timers and interrupts run.
The console runs init and exit on its own kernel stack; while it does, that context is the
task ``insmod`` (or ``rmmod``): a task_struct of its own that the stack's thread_info points
to, so ``current``, set_current_state() and the wait-queue entries name it. When it sleeps
the scheduler runs the others (below the init's stack frames, as kthread_stop() from
module_exit does) until a wake-up makes it runnable; its registers are saved around that
and the sleeping service then returns as it would on the board. A sleep nothing can wake
stops the run (GuestTimeout, status 3) naming what it sleeps in.
"""

from contextlib import contextmanager

from ...cpu import REG
from ...errors import GuestTimeout
from .task import TASK_RUNNING, TI_TASK, Task

#: The pid oops lines name for the console's insmod/rmmod (machine._current_task).
CONSOLE_PID = 1


class ConsoleTask:
    def __init__(self, sched, cpu, vm, console_ti, guest, caller):
        """console_ti: the thread_info at the base of the console's kernel stack; guest:
        the GuestCalls running init/exit (its stopped flag is kept across a sleep);
        caller() -> the return address of the service being called (where it sleeps)."""
        self._sched, self._cpu, self._vm, self._caller = sched, cpu, vm, caller
        self._ti, self._guest = console_ti, guest
        self.task = None             # the insmod/rmmod Task while init/exit runs
        self.asleep = False          # it sleeps: the scheduler is running the others

    @contextmanager
    def running(self, comm):
        """Module init/exit runs in the console's context as the task comm."""
        sched = self._sched
        block = sched._alloc_block()
        if block is None or self.task is not None:     # no memory, or nested: as before
            yield
            return
        task = Task(CONSOLE_PID, comm, block, self._vm)
        task.kernel = True
        outer = self._vm.read_u32(self._ti + TI_TASK)
        self._vm.write_u32(self._ti + TI_TASK, task.ts_va)
        sched.by_ts[task.ts_va] = task
        self.task = task
        try:
            yield
        finally:
            self.task = None
            sched.by_ts.pop(task.ts_va, None)
            self._vm.write_u32(self._ti + TI_TASK, outer)
            sched._free_block(block)

    def sleeper(self):
        """The task a sleep in the console's context puts to sleep (None: it cannot)."""
        return self.task if not self.asleep else None

    def sleep(self, timeout_ns):
        """schedule() of the console's task: run the others until it is woken (or, with
        timeout_ns, until its timer ends the sleep); then run its on_resume."""
        sched, task = self._sched, self.task
        if task.state == TASK_RUNNING:                  # a yield: the runnable others run
            if any(t.runnable for t in sched.runqueue):
                self._run_others(sched.settle)
            return
        if timeout_ns is not None:
            task.wake_at = sched.clock.now_ns() + timeout_ns
        what = task.sleeping_in or ("sleeping" if task.state & 1 else "D")
        site = sched.symbolize(self._caller())
        sched._event("sleep", task, what)
        self._run_others(lambda: sched.run_until(lambda: task.state == TASK_RUNNING))
        if task.state != TASK_RUNNING:        # (a timed wake-up may also end the loop idle)
            task.wake_at = None
            raise GuestTimeout(f"{task.comm}: module {'init' if task.comm == 'insmod' else 'exit'}"
                               f" sleeps in {what} (called from {site}) and nothing can "
                               f"wake it")
        sched._event("switch", task)
        task.sleeping_in = ""
        if task.on_resume is not None:
            resume, task.on_resume = task.on_resume, None
            resume()

    def _run_others(self, run):
        """run() the scheduler inside init's own run, init's registers saved around it."""
        sched, cpu = self._sched, self._cpu
        context, stopped, outer_sp = cpu.save_context(), self._guest.stopped, sched.console_sp
        sched.console_sp = (cpu.reg(REG["sp"]) - 256) & ~7   # idle work below init's frames
        # No Unicorn timer thread of their own there (2.1.4 aborts joining a nested one, see
        # GuestCalls.call_nested); the scheduler's wall-clock check still applies.
        handler = sched.irq.handler
        outer_timeout, handler.timeout_us = handler.timeout_us, 0
        self.asleep = True
        try:
            run()
        finally:
            self.asleep = False
            handler.timeout_us = outer_timeout
            sched.console_sp = outer_sp
            cpu.restore_context(context)
            self._guest.stopped = stopped
