"""Wait queues of the kernel's Python side (a pipe's, the console tty's, /dev/kmsg's, a
parent's wait4): tasks sleeping interruptibly in a syscall until a wake-up, as Linux's
wait_event_interruptible on a wait_queue_head_t with wake_up_interruptible_all.

A syscall generator sleeps with ``yield from queue.sleep(task)``: the task is queued, sleeps
(entry.Sleep) and is unqueued when it runs again, whatever woke it; the caller re-checks its
condition, as wait_event's loop does.
"""

from ..entry import Sleep
from .task import TASK_INTERRUPTIBLE


class WaitList:
    def __init__(self, sched):
        self._sched = sched
        self.tasks = []

    def sleep(self, task, timeout_ns=None, why=""):
        """Generator: sleep until woken (or timeout_ns passes)."""
        self.tasks.append(task)
        if why:
            task.sleeping_in = why
        try:
            yield Sleep(timeout_ns)
        finally:
            if task in self.tasks:
                self.tasks.remove(task)

    def add(self, task):
        """Queue a task that sleeps elsewhere (poll: one task on several queues)."""
        if task not in self.tasks:
            self.tasks.append(task)

    def remove(self, task):
        if task in self.tasks:
            self.tasks.remove(task)

    def wake_all(self):
        """wake_up_interruptible_all: every queued task runs again."""
        for task in list(self.tasks):
            self._sched.wake(task, TASK_INTERRUPTIBLE)
