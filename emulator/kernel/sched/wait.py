"""Sleeping and waking: schedule(), wait queues (Linux kernel/sched/core.c and wait.c, 3.14).

3.14's wait_event*() macros expand in the module to a loop over prepare_to_wait_event(),
the condition, schedule() (or schedule_timeout()) and finish_wait(), with a wait_queue_t on
the module's stack whose func is autoremove_wake_function; wake_up*() call __wake_up(). The
wait queue lists live in guest memory (layouts: abi.WAIT_QUEUE_HEAD, abi.WAIT_QUEUE) and are linked and unlinked
here as Linux does, so a module's own list walks see them. A task's state is the word at
task_struct offset 0 (set_current_state() in the module writes it too).
"""

from ...cpu import REG
from ...errors import Unimplemented
from ..abi import WAIT_QUEUE, WAIT_QUEUE_HEAD, spinlock_bytes
from ..errno import ERESTARTSYS
from ..hypercall import export
from .task import TASK_INTERRUPTIBLE, TASK_NORMAL, TASK_RUNNING, TASK_UNINTERRUPTIBLE
from ..time.jiffies import TICK_NS

WQ_FLAG_EXCLUSIVE = 1
WQH_LIST = WAIT_QUEUE_HEAD["task_list"]
WQ_FLAGS, WQ_PRIVATE, WQ_FUNC, WQ_LIST = (WAIT_QUEUE[f] for f in ("flags", "private", "func",
                                                                  "task_list"))
MAX_SCHEDULE_TIMEOUT = 0x7FFFFFFF


class WaitQueues:
    def __init__(self, sched, vm, atomic, address_of, printk, call_guest=None):
        """address_of(name): the stub address of an exported function (wake functions);
        call_guest(fn, args) -> r0: runs a module's own wake function."""
        self.sched, self._vm, self._atomic, self._address = sched, vm, atomic, address_of
        self._printk, self._call_guest = printk, call_guest

    @staticmethod
    def signal_pending(task):
        """signal_pending(): TIF_SIGPENDING of a task (a signal is queued for it)."""
        return bool(task.pending_signal)

    # -- guest list helpers ------------------------------------------------------------------
    def _r(self, va):
        return self._vm.read_u32(va)

    def _w(self, va, value):
        self._vm.write_u32(va, value)

    def _list_empty(self, entry):
        return self._r(entry) == entry

    def _list_add(self, new, head, tail=False):
        prev, nxt = (self._r(head + 4), head) if tail else (head, self._r(head))
        self._w(nxt + 4, new)
        self._w(new, nxt)
        self._w(new + 4, prev)
        self._w(prev, new)

    def _list_del_init(self, entry):
        nxt, prev = self._r(entry), self._r(entry + 4)
        self._w(nxt + 4, prev)
        self._w(prev, nxt)
        self._w(entry, entry)
        self._w(entry + 4, entry)

    def _current(self):
        task = self.sched.sleeper
        if task is None:
            raise Unimplemented("sleeping on a wait queue outside a task (the console's "
                                "context sleeps only in module init/exit)")
        return task

    # -- schedule -------------------------------------------------------------------------------
    @export()
    def schedule(self):
        """Give up the CPU: sleep in the state set before (or just yield when TASK_RUNNING)."""
        if self._atomic.schedule_check():
            return None                       # "BUG: scheduling while atomic" (reported)
        task = self._current()
        if task.state & TASK_INTERRUPTIBLE and self.signal_pending(task):
            task.state = TASK_RUNNING
            return None
        self.sched.block_current()
        return None

    @export()
    def schedule_timeout(self, timeout):
        """Sleep at most timeout jiffies; returns the jiffies left (0: it timed out)."""
        if timeout == MAX_SCHEDULE_TIMEOUT:
            self.schedule()
            return MAX_SCHEDULE_TIMEOUT
        if timeout & 0x80000000:
            self._printk(3, f"schedule_timeout: wrong timeout value {timeout - (1 << 32):x}")
            self._current().state = TASK_RUNNING
            return 0
        if self._atomic.schedule_check():
            return timeout
        task = self._current()
        if task.state & TASK_INTERRUPTIBLE and self.signal_pending(task):
            task.state = TASK_RUNNING
            return timeout
        wheel = self.sched.timers.wheel
        expire = wheel.jiffies64() + timeout      # 3.14: expire = timeout + jiffies
        cpu = self.sched.cpu

        def resume():                             # timeout = expire - jiffies, at least 0
            cpu.set_reg(REG["r0"], max(0, expire - wheel.jiffies64()))
        task.on_resume = resume
        task.sleeping_in = task.sleeping_in or "schedule_timeout"
        if self.sched.block_current(timeout * TICK_NS):
            return None                          # (issue 12) init/exit slept: r0 is set
        return timeout

    @export()
    def wake_up_process(self, ts):
        task = self.sched.by_ts.get(ts)
        return int(self.sched.wake(task, TASK_NORMAL)) if task else 0

    # -- wait queues ----------------------------------------------------------------------------
    @export()
    def prepare_to_wait_event(self, q, wait, state):
        """Queue the on-stack wait entry (once) and set the task's state; -ERESTARTSYS when
        a signal is pending for an interruptible sleep."""
        task = self._current()
        self._w(wait + WQ_PRIVATE, task.ts_va)
        self._w(wait + WQ_FUNC, self._address("autoremove_wake_function"))
        entry = wait + WQ_LIST
        if self._list_empty(entry):
            self._list_add(entry, q + WQH_LIST, tail=bool(self._r(wait) & WQ_FLAG_EXCLUSIVE))
        if state & TASK_INTERRUPTIBLE and self.signal_pending(task):
            return -ERESTARTSYS & 0xFFFFFFFF
        task.state = state
        task.sleeping_in = task.sleeping_in or "wait_event"
        return 0

    @export()
    def prepare_to_wait(self, q, wait, state):
        self._w(wait + WQ_FLAGS, self._r(wait) & ~WQ_FLAG_EXCLUSIVE)
        if self._list_empty(wait + WQ_LIST):
            self._list_add(wait + WQ_LIST, q + WQH_LIST)
        self._current().state = state

    @export()
    def prepare_to_wait_exclusive(self, q, wait, state):
        self._w(wait + WQ_FLAGS, self._r(wait) | WQ_FLAG_EXCLUSIVE)
        if self._list_empty(wait + WQ_LIST):
            self._list_add(wait + WQ_LIST, q + WQH_LIST, tail=True)
        self._current().state = state

    @export()
    def finish_wait(self, q, wait):
        task = self._current()
        task.state = TASK_RUNNING
        task.sleeping_in = ""
        entry = wait + WQ_LIST
        if not self._list_empty(entry):
            self._list_del_init(entry)

    @export()
    def abort_exclusive_wait(self, q, wait, mode, key):
        """An exclusive waiter gives up (a signal): dequeue it, or, if a wake-up already
        took it off the queue, hand that wake-up on to the next exclusive waiter."""
        task = self._current()
        task.state = TASK_RUNNING
        task.sleeping_in = ""
        entry = wait + WQ_LIST
        if not self._list_empty(entry):
            self._list_del_init(entry)
        elif not self._list_empty(q + WQH_LIST):
            self.wake_up(q, mode, 1, key)

    @export()
    def __init_waitqueue_head(self, q, name, key):
        """init_waitqueue_head(): an unlocked spinlock (DEBUG_SPINLOCK's magic and owner) and
        an empty task list; name and key are lockdep's (off on the board)."""
        self._vm.write(q + WAIT_QUEUE_HEAD["lock"], spinlock_bytes())
        self._w(q + WQH_LIST, q + WQH_LIST)
        self._w(q + WQH_LIST + 4, q + WQH_LIST)

    @export()
    def add_wait_queue(self, q, wait):
        self._w(wait + WQ_FLAGS, self._r(wait) & ~WQ_FLAG_EXCLUSIVE)
        self._list_add(wait + WQ_LIST, q + WQH_LIST)

    @export()
    def add_wait_queue_exclusive(self, q, wait):
        self._w(wait + WQ_FLAGS, self._r(wait) | WQ_FLAG_EXCLUSIVE)
        self._list_add(wait + WQ_LIST, q + WQH_LIST, tail=True)

    @export()
    def remove_wait_queue(self, q, wait):
        self._list_del_init(wait + WQ_LIST)

    @export()
    def autoremove_wake_function(self, wait, mode, sync, key):
        woken = self.default_wake_function(wait, mode, sync, key)
        if woken:
            self._list_del_init(wait + WQ_LIST)
        return woken

    @export()
    def default_wake_function(self, wait, mode, sync, key):
        task = self.sched.by_ts.get(self._r(wait + WQ_PRIVATE))
        return int(self.sched.wake(task, mode)) if task else 0

    @export("__wake_up")
    def wake_up(self, q, mode, nr_exclusive, key):
        """Wake the queue's sleepers in mode: every non-exclusive one and nr_exclusive
        exclusive ones (0: all), in list order."""
        head = q + WQH_LIST
        entry = self._r(head)
        functions = {self._address("autoremove_wake_function"): self.autoremove_wake_function,
                     self._address("default_wake_function"): self.default_wake_function}
        while entry != head:
            nxt = self._r(entry)
            wait = entry - WQ_LIST
            flags = self._r(wait + WQ_FLAGS)
            func = functions.get(self._r(wait + WQ_FUNC))
            if func is None:                  # the module's own (init_waitqueue_func_entry)
                woken = self._call_guest(self._r(wait + WQ_FUNC), (wait, mode, 0, key))
            else:
                woken = func(wait, mode, 0, key)
            if woken and flags & WQ_FLAG_EXCLUSIVE:
                nr_exclusive -= 1
                if nr_exclusive == 0:
                    break
            entry = nxt
        return None


__all__ = ["WaitQueues", "TASK_UNINTERRUPTIBLE"]
