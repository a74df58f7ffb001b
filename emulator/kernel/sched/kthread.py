"""Kernel threads (Linux kernel/kthread.c, 3.14).

kthread_create_on_node() makes a task that runs threadfn(data) in SVC mode on its own
kernel stack; it starts stopped (TASK_UNINTERRUPTIBLE) until wake_up_process(), as 3.14's
kthread waits for its first wake-up (kthread_run() does both). When threadfn returns, the
thread returns into do_exit() with its result. kthread_stop() sets the stop flag, wakes the
thread and waits for it to end, returning threadfn's result; from module init/exit (the
console's context, which is not a task) it runs the scheduler until then, as the rmmod
process would sleep. rmmod reports a module's threads still running as leaks.
"""

from ...cpu import REG
from ...errors import GuestTimeout, Unimplemented
from ..errno import EINTR, ENOMEM
from ..hypercall import export
from ..printf import vsnprintf
from .task import TASK_UNINTERRUPTIBLE

SVC_MODE = 0x13
TASK_COMM_LEN = 16


class KThreads:
    def __init__(self, sched, vm, cpu, address_of, ledger, caller, next_pid):
        """next_pid() -> a fresh pid; address_of(name): a service's stub (do_exit)."""
        self._sched, self._vm, self._cpu = sched, vm, cpu
        self._address, self._ledger, self._caller, self._next_pid = \
            address_of, ledger, caller, next_pid

    @export("kthread_create_on_node", varargs=True)
    def kthread_create_on_node(self, threadfn, data, node, namefmt, args):
        name = vsnprintf(self._vm.read_cstr(namefmt), args, self._vm.read_cstr)
        comm = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        try:
            task = self._sched.create(self._next_pid(), comm[:TASK_COMM_LEN - 1], threadfn,
                                      0, None, kernel=True)
        except MemoryError:
            return -ENOMEM & 0xFFFFFFFF
        task.kthread_arg, task.kthread_result, task.should_stop = data, None, False
        task.kernel_exit = self._address("do_exit")
        task.state = TASK_UNINTERRUPTIBLE                 # runs after wake_up_process()
        self._sched.runqueue.remove(task)
        self._ledger.acquire("kthread", task.ts_va, self._caller(), f"kthread {comm}")
        return task.ts_va

    @export()
    def kthread_should_stop(self):
        task = self._sched.current
        return int(bool(task is not None and getattr(task, "should_stop", False)))

    @export()
    def do_exit(self, code):
        """A kernel thread's function returned (or called do_exit): the thread ends."""
        task = self._sched.current
        if task is None or task.process is not None:
            raise Unimplemented("do_exit() outside a kernel thread")
        task.kthread_result = code
        self._ledger.release("kthread", task.ts_va)
        self._sched.exit_current()

    @export()
    def kthread_stop(self, ts):
        task = self._sched.by_ts.get(ts)
        if task is None:
            return -EINTR & 0xFFFFFFFF
        task.should_stop = True
        self._sched.wake(task)
        if self._sched.current is not None:
            raise Unimplemented("kthread_stop() from a task (only module init/exit waits yet)")
        context = self._cpu.save_context()   # the console's module_exit, mid-call
        # Idle-time work (timers, interrupts) must run below module_exit's stack frames.
        self._sched.console_sp = (self._cpu.reg(REG["sp"]) - 256) & ~7
        try:
            if not self._sched.run_until(lambda: task.exited):
                raise GuestTimeout(f"kthread_stop: {task.comm} (pid {task.pid}) sleeps in "
                                   f"{self._sched.blocked_reason(task)} and never stops")
        finally:
            self._sched.console_sp = None
            self._cpu.restore_context(context)
        result = task.kthread_result
        self._sched.reap(task)
        return (result or 0) & 0xFFFFFFFF


def start_registers(cpu, task):
    """A kernel thread's first registers: SVC mode, its stack, threadfn(data) -> do_exit."""
    pc, _ = task.start
    cpu.set_reg(REG["cpsr"], SVC_MODE)
    for i in range(13):
        cpu.set_reg(REG[f"r{i}"], 0)
    cpu.set_reg(REG["r0"], task.kthread_arg)
    cpu.set_reg(REG["sp"], task.kstack_top - 8)
    cpu.set_reg(REG["lr"], task.kernel_exit)
    cpu.set_reg(REG["pc"], pc)
