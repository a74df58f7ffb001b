"""Completions and counting semaphores that really block (Linux kernel/sched/completion.c,
kernel/locking/semaphore.c, 3.14).

The counters live in the module's structures in guest memory (completion.done at 0;
semaphore.count after its spinlock, see abi.py); the sleepers are kept here per structure
address, first come first served. A waker hands the resource straight to the first sleeper
(complete() gives it one ``done``, up() one count), so a woken task never has to re-check,
and its result (remaining jiffies, 0 or -EINTR) is set when it next runs.
"""

from collections import defaultdict, deque

from ..abi import COMPLETION, SEMAPHORE
from ..errno import EINTR, ETIME
from ..hypercall import export
from .task import TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_UNINTERRUPTIBLE
from ..time.jiffies import TICK_NS

MAX_SCHEDULE_TIMEOUT = 0x7FFFFFFF
UINT_MAX = 0xFFFFFFFF
DONE = COMPLETION["done"]
COUNT = SEMAPHORE["count"]


class _Waiter:
    __slots__ = ("task", "granted")

    def __init__(self, task):
        self.task, self.granted = task, False


class Sync:
    def __init__(self, sched, vm, atomic, set_r0):
        """set_r0(value): write the running task's r0 (a result decided when it resumes)."""
        self._sched, self._vm, self._atomic, self._set_r0 = sched, vm, atomic, set_r0
        self._waiters = defaultdict(deque)        # structure va -> deque of _Waiter

    # -- sleeping -------------------------------------------------------------------------------
    def _sleep(self, key, state, timeout, result):
        """Queue the running task on key and sleep; result(waiter, timed_out, signalled)
        gives r0 when it runs again."""
        if self._atomic.schedule_check():
            return                                 # "BUG: scheduling while atomic" reported
        task = self._sched.sleeper
        if task is None:
            from ...errors import Unimplemented
            raise Unimplemented("sleeping on a completion or semaphore outside a task "
                                "(the console's context sleeps only in module init/exit)")
        waiter = _Waiter(task)
        self._waiters[key].append(waiter)
        clock = self._sched.clock
        start = clock.now_ns()
        timeout_ns = None if timeout == MAX_SCHEDULE_TIMEOUT else timeout * TICK_NS
        task.state = state
        task.sleeping_in = "completion/semaphore"

        def resume():
            if not waiter.granted:
                self._remove(key, waiter)
            left = 0 if timeout_ns is None else max(0, start + timeout_ns - clock.now_ns())
            self._set_r0(result(waiter, left, bool(task.pending_signal)) & UINT_MAX)
        task.on_resume = resume
        self._sched.block_current(timeout_ns)

    def _remove(self, key, waiter):
        queue = self._waiters.get(key)
        if queue and waiter in queue:
            queue.remove(waiter)

    def _hand_over(self, key):
        """Give the resource to the first sleeper; True if there was one."""
        queue = self._waiters.get(key)
        while queue:
            waiter = queue.popleft()
            waiter.granted = True
            if self._sched.wake(waiter.task, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE):
                return True
        return False

    # -- completions ----------------------------------------------------------------------------
    def _wait_completion(self, x, state, timeout, on_done):
        done = self._vm.read_u32(x + DONE)
        if done:
            if done != UINT_MAX:
                self._vm.write_u32(x + DONE, done - 1)
            return on_done
        if timeout == 0:
            return 0

        def result(waiter, left, signalled):
            if waiter.granted:
                return max(1, (left + TICK_NS - 1) // TICK_NS) if timeout != MAX_SCHEDULE_TIMEOUT \
                    else on_done
            if signalled and state == TASK_INTERRUPTIBLE:
                return -512                        # -ERESTARTSYS
            return 0                               # timed out
        self._sleep(x, state, timeout, result)
        return None

    @export()
    def wait_for_completion(self, x):
        self._wait_completion(x, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, 0)

    @export()
    def wait_for_completion_timeout(self, x, timeout):
        return self._wait_completion(x, TASK_UNINTERRUPTIBLE, timeout, max(1, timeout))

    @export()
    def wait_for_completion_interruptible(self, x):
        return self._wait_completion(x, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, 0)

    @export()
    def wait_for_completion_interruptible_timeout(self, x, timeout):
        return self._wait_completion(x, TASK_INTERRUPTIBLE, timeout, max(1, timeout))

    @export()
    def try_wait_for_completion(self, x):
        done = self._vm.read_u32(x + DONE)
        if not done:
            return 0
        if done != UINT_MAX:
            self._vm.write_u32(x + DONE, done - 1)
        return 1

    @export()
    def completion_done(self, x):
        return int(self._vm.read_u32(x + DONE) != 0)

    @export()
    def complete(self, x):
        if not self._hand_over(x):
            done = self._vm.read_u32(x + DONE)
            if done != UINT_MAX:
                self._vm.write_u32(x + DONE, done + 1)

    @export()
    def complete_all(self, x):
        while self._hand_over(x):
            pass
        self._vm.write_u32(x + DONE, UINT_MAX)

    # -- semaphores -----------------------------------------------------------------------------
    def _down(self, sem, state, timeout, fail):
        count = self._vm.read_u32(sem + COUNT)
        if count:
            self._vm.write_u32(sem + COUNT, count - 1)
            return 0

        def result(waiter, left, signalled):
            return 0 if waiter.granted else fail(signalled)
        self._sleep(sem, state, timeout, result)
        return None

    @export()
    def down(self, sem):
        self._down(sem, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, lambda s: 0)

    @export()
    def down_interruptible(self, sem):
        return self._down(sem, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, lambda s: -EINTR)

    @export()
    def down_killable(self, sem):
        return self._down(sem, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, lambda s: -EINTR)

    @export()
    def down_timeout(self, sem, jiffies):
        return self._down(sem, TASK_UNINTERRUPTIBLE, jiffies, lambda s: -ETIME)

    @export()
    def down_trylock(self, sem):
        """0 when the semaphore was taken, 1 when it was not (3.14's inverted convention)."""
        count = self._vm.read_u32(sem + COUNT)
        if count:
            self._vm.write_u32(sem + COUNT, count - 1)
            return 0
        return 1

    @export()
    def up(self, sem):
        if not self._hand_over(sem):
            self._vm.write_u32(sem + COUNT, self._vm.read_u32(sem + COUNT) + 1)


__all__ = ["Sync", "TASK_RUNNING"]
