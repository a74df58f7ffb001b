"""Bulk work a guest asks a kernel service for (issue 16): memset/memcpy/copy_*_user of a
size the guest chose, up to gigabytes, done in Python.

The board's CPU would spend time on it, so the service charges virtual time for it, and the
limits a run has hold while it works: a chunk at a time, the virtual-time limit (--max-time)
and the wall-clock one (--timeout) of the run in progress are checked, and a guest that asks
for too much ends with GuestTimeout (exit status 3) as a spinning one does. Calls of up to one
chunk (1 MiB) are neither charged nor checked: a driver's everyday copies keep their timing.
The cost is the one of 3.14's ARM routines, which move 32 bytes a `ldm`/`stm` pair: 8 bytes
a cycle for copying and filling, and a cycle a byte for comparing and scanning.
"""

import time

from ..errors import GuestTimeout
from .clock import CPU_HZ

CHUNK = 1 << 20
#: bytes a cycle, by kind of work
BYTES_PER_CYCLE = {"copy": 8, "fill": 8, "scan": 1}


class WorkMeter:
    def __init__(self, clock, sched, guest):
        """clock: the virtual Clock; sched: the Scheduler (max_time_ns; deadline_wall while a
        task runs, `current` set); guest: GuestCalls (`deadline` of the run in progress)."""
        self._clock, self._sched, self._guest = clock, sched, guest

    def chunks(self, n, kind, what):
        """(offset, length) pieces of an n-byte job, each charged and checked before it is
        done when the job is larger than one chunk."""
        if n <= CHUNK:
            if n:
                yield 0, n
            return
        rate = BYTES_PER_CYCLE[kind]
        for off in range(0, n, CHUNK):
            step = min(CHUNK, n - off)
            self._clock.busy_ns(step * 1_000_000_000 // (rate * CPU_HZ))
            self._check(what)
            yield off, step

    def _check(self, what):
        sched = self._sched
        limit = sched.max_time_ns
        if limit is not None and self._clock.now_ns() > limit:
            raise GuestTimeout(f"virtual time limit reached: {limit / 1e9:g} s of board time "
                               f"(--max-time), in {what}")
        deadline = self._guest.deadline
        late = deadline is not None and time.monotonic() >= deadline
        if not late and sched.current is not None and sched.deadline_wall is not None:
            late = time.perf_counter() >= sched.deadline_wall
        if late:
            raise GuestTimeout(f"timeout: {what} did not finish within "
                               f"{sched.timeout_us / 1e6:g} s (--timeout)")


class Unmetered:
    """The same chunks, neither charged nor checked (a service built without a meter)."""

    @staticmethod
    def chunks(n, kind, what):
        for off in range(0, n, CHUNK):
            yield off, min(CHUNK, n - off)


UNMETERED = Unmetered()
