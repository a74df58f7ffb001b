"""Workqueues (Linux kernel/workqueue.c, 3.14): work items run in process context by a
kernel worker thread, so they may sleep.

A work_struct (data 0, entry 4, func 12; pending = bit 0 of data, as work_pending() tests)
is queued on a workqueue; each workqueue has one worker kernel thread ("kworker/0:1" for
system_wq, the workqueue's name for the others) created on first use. The worker runs a
four-instruction loop in kernel memory: call worker_thread() (this module) for the next
item, call its func(work), repeat; with nothing queued it sleeps. Delayed work arms its
timer_list with delayed_work_timer_fn, as 3.14 does. flush/cancel_*_sync wait for a running
item; from module init/exit (the console's context) they run the scheduler until it is
done. rmmod reports work still queued as a leak.
"""

import struct

from ...cpu import REG
from ...errors import GuestTimeout, Unimplemented
from ..hypercall import export
from ..printf import vsnprintf

W_DATA, W_ENTRY, W_FUNC = 0, 4, 12
DW_TIMER = 16
T_EXPIRES, T_FUNCTION, T_DATA = 8, 16, 20
PENDING = 1
#: The worker's loop: ldr ip, [pc, #8]; blx ip; blx r1; b loop; .word worker_thread.
WORKER_LOOP = (0xE59FC008, 0xE12FFF3C, 0xE12FFF31, 0xEAFFFFFB)


class _Workqueue:
    def __init__(self, handle, name):
        self.handle, self.name = handle, name
        self.queue = []
        self.worker = None
        self.current = None          # the work item running now


class Workqueues:
    def __init__(self, sched, vm, cpu, timers, ledger, caller, address_of, next_pid,
                 loop_va, system_wq_va):
        self._sched, self._vm, self._cpu, self._timers = sched, vm, cpu, timers
        self._ledger, self._caller, self._address, self._next_pid = \
            ledger, caller, address_of, next_pid
        self._loop = loop_va
        self._wqs = {}               # handle -> _Workqueue
        self._next_handle = 0x100
        self._system = self._new("kworker/0:1")
        self._system_va = system_wq_va
        vm.write_u32(system_wq_va, self._system.handle)

    def install_loop(self):
        code = list(WORKER_LOOP) + [self._address("worker_thread")]
        self._vm.write(self._loop, struct.pack("<5I", *code))

    def data_symbols(self):
        return {"system_wq": self._system_va}

    def _new(self, name):
        wq = _Workqueue(self._next_handle, name)
        self._next_handle += 0x10
        self._wqs[wq.handle] = wq
        return wq

    def _wq(self, handle):
        wq = self._wqs.get(handle)
        if wq is None:
            raise Unimplemented(f"workqueue handle {handle:#x} is not a workqueue")
        return wq

    # -- queueing -------------------------------------------------------------------------------
    def _set_pending(self, work):
        data = self._vm.read_u32(work + W_DATA)
        if data & PENDING:
            return False
        self._vm.write_u32(work + W_DATA, data | PENDING)
        return True

    def _enqueue(self, wq, work):
        wq.queue.append(work)
        self._ledger.acquire("work", work, self._caller(), f"work_struct at {work:#010x}")
        if wq.worker is None:
            task = self._sched.create(self._next_pid(), wq.name[:15], self._loop, 0, None,
                                      kernel=True)
            task.kthread_arg, task.kernel_exit = 0, self._loop
            wq.worker = task
            task.workqueue = wq
        else:
            self._sched.wake(wq.worker)

    @export()
    def queue_work_on(self, cpu, wq, work):
        if not self._set_pending(work):
            return 0
        self._enqueue(self._wq(wq), work)
        return 1

    @export()
    def queue_delayed_work_on(self, cpu, wq, dwork, delay):
        if not self._set_pending(dwork):
            return 0
        self._vm.write_u32(dwork + 44, wq)                       # dwork->wq
        if delay == 0:
            self._enqueue(self._wq(wq), dwork)
            return 1
        timer = dwork + DW_TIMER
        self._vm.write(timer + T_FUNCTION, struct.pack("<II", self._address("delayed_work_timer_fn"),
                                                       dwork))
        self._timers.mod_timer(timer, (self._timers.jiffies + delay) & 0xFFFFFFFF)
        return 1

    @export()
    def delayed_work_timer_fn(self, data):
        self._enqueue(self._wq(self._vm.read_u32(data + 44)), data)

    # -- the worker -----------------------------------------------------------------------------
    @export()
    def worker_thread(self):
        """The worker loop's call: (work, func) of the next item, or sleep until one comes."""
        task = self._sched.current
        wq = getattr(task, "workqueue", None)
        if wq is None:
            raise Unimplemented("worker_thread() called outside a workqueue worker")
        wq.current = None
        if wq.queue:
            return self._take(wq)
        task.state = 1                                          # TASK_INTERRUPTIBLE
        task.sleeping_in = "worker_thread"

        def resume():
            regs = self._take(wq) if wq.queue else (0, self._loop)
            self._cpu.set_reg(REG["r0"], regs[0])
            self._cpu.set_reg(REG["r1"], regs[1])
        task.on_resume = resume
        self._sched.block_current()
        return None

    def _take(self, wq):
        work = wq.queue.pop(0)
        self._vm.write_u32(work + W_DATA, self._vm.read_u32(work + W_DATA) & ~PENDING)
        self._ledger.release("work", work)
        wq.current = work
        return work, self._vm.read_u32(work + W_FUNC)

    # -- flushing and cancelling ----------------------------------------------------------------
    def _busy(self, work):
        return any(work in wq.queue or wq.current == work for wq in self._wqs.values())

    def _wait(self, done, what):
        if done():
            return
        if self._sched.current is not None:
            raise Unimplemented(f"{what} from a task (only module init/exit waits yet)")
        context = self._cpu.save_context()
        self._sched.console_sp = (self._cpu.reg(REG["sp"]) - 256) & ~7
        try:
            if not self._sched.run_until(done):
                raise GuestTimeout(f"{what}: the work never finishes")
        finally:
            self._sched.console_sp = None
            self._cpu.restore_context(context)

    def _cancel(self, work):
        was = False
        for wq in self._wqs.values():
            if work in wq.queue:
                wq.queue.remove(work)
                self._ledger.release("work", work)
                was = True
        data = self._vm.read_u32(work + W_DATA)
        self._vm.write_u32(work + W_DATA, data & ~PENDING)
        return was or bool(data & PENDING)

    @export()
    def flush_work(self, work):
        busy = self._busy(work)
        self._wait(lambda: not self._busy(work), "flush_work")
        return int(busy)

    @export()
    def cancel_work_sync(self, work):
        was = self._cancel(work)
        self._wait(lambda: not self._busy(work), "cancel_work_sync")
        return int(was)

    @export()
    def cancel_delayed_work(self, dwork):
        was = bool(self._timers.del_timer(dwork + DW_TIMER))
        return int(self._cancel(dwork) or was)

    @export()
    def cancel_delayed_work_sync(self, dwork):
        was = bool(self._timers.del_timer(dwork + DW_TIMER))
        was = self._cancel(dwork) or was
        self._wait(lambda: not self._busy(dwork), "cancel_delayed_work_sync")
        return int(was)

    @export()
    def flush_workqueue(self, handle):
        wq = self._wq(handle)
        self._wait(lambda: not wq.queue and wq.current is None, "flush_workqueue")

    # -- creating and destroying ----------------------------------------------------------------
    @export("__alloc_workqueue_key", varargs=True)
    def alloc_workqueue_key(self, fmt, flags, max_active, key, lock_name, args):
        name = vsnprintf(self._vm.read_cstr(fmt), args, self._vm.read_cstr)
        return self._new(name).handle

    @export()
    def destroy_workqueue(self, handle):
        wq = self._wq(handle)
        self.flush_workqueue(handle)
        if wq.worker is not None:
            self._sched.reap(wq.worker)
            wq.worker.exited = True
        del self._wqs[handle]
