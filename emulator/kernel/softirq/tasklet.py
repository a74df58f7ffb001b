"""Tasklets (Linux kernel/softirq.c, 3.14): deferred functions run in softirq context.

tasklet_schedule() is inline in 3.14: it sets TASKLET_STATE_SCHED in the module's
tasklet_struct (next 0, state 4, count 8, func 12, data 16) and calls __tasklet_schedule(),
which queues it here (tasklet_hi_schedule: on the high-priority list, run first). The
queued tasklets run when the interrupt that scheduled them exits (irq_exit ->
TASKLET_SOFTIRQ) or, scheduled outside an interrupt, at the next softirq point (a tick or
the CPU going idle): SCHED is cleared before the function runs (so it may reschedule
itself); a disabled tasklet (count != 0) stays queued until enabled. tasklet_kill() waits
for nothing on one CPU: it clears a pending schedule. rmmod reports tasklets still queued.
"""

import struct

from ..hypercall import export

TASKLET_STATE_SCHED, TASKLET_STATE_RUN = 1, 2
T_STATE, T_COUNT, T_FUNC, T_DATA = 4, 8, 12, 16


class Tasklets:
    def __init__(self, vm, ledger, caller, run_softirq):
        self._vm, self._ledger, self._caller = vm, ledger, caller
        self.hi, self.normal = [], []
        self.run_softirq = run_softirq   # run_softirq([(fn, arg)], kind): the softirq runner

    @property
    def pending(self):
        return bool(self.hi or self.normal)

    @export()
    def tasklet_init(self, t, func, data):
        self._vm.write(t, struct.pack("<IIiII", 0, 0, 0, func, data))

    @export("__tasklet_schedule")
    def tasklet_schedule(self, t):
        self._queue(self.normal, t)

    @export("__tasklet_hi_schedule")
    def tasklet_hi_schedule(self, t):
        self._queue(self.hi, t)

    def _queue(self, queue, t):
        if t not in self.hi and t not in self.normal:
            queue.append(t)
            self._ledger.acquire("tasklet", t, self._caller(), f"tasklet at {t:#010x}")

    @export()
    def tasklet_kill(self, t):
        for queue in (self.hi, self.normal):
            if t in queue:
                queue.remove(t)
                self._ledger.release("tasklet", t)
        state = self._vm.read_u32(t + T_STATE)
        self._vm.write_u32(t + T_STATE, state & ~TASKLET_STATE_SCHED)

    def run(self):
        """TASKLET_HI_SOFTIRQ then TASKLET_SOFTIRQ: run the enabled queued tasklets."""
        calls, keep = [], []
        for queue in (self.hi, self.normal):
            for t in queue:
                state, count, func, data = struct.unpack("<IiII", self._vm.read(t + T_STATE, 16))
                if count:
                    keep.append((queue, t))          # disabled: stays scheduled
                    continue
                self._vm.write_u32(t + T_STATE, state & ~TASKLET_STATE_SCHED)
                self._ledger.release("tasklet", t)
                calls.append((func, data))
            queue.clear()
        for queue, t in keep:
            queue.append(t)
        if calls:
            self.run_softirq(calls, "tasklet")
        return bool(calls)
