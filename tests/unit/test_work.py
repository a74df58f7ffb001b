"""Bulk work of kernel services (issue 16, work.py): charged to virtual time a chunk at a
time, stopped at the run's virtual-time and wall-clock limits; small calls untouched."""

import time
from types import SimpleNamespace

import pytest

from emulator.errors import GuestTimeout
from emulator.kernel.clock import Clock
from emulator.kernel.work import CHUNK, UNMETERED, WorkMeter


def meter(max_time_ns=None, deadline=None, current=None, deadline_wall=None):
    clock = Clock()
    sched = SimpleNamespace(max_time_ns=max_time_ns, current=current,
                            deadline_wall=deadline_wall, timeout_us=2_000_000)
    return clock, WorkMeter(clock, sched, SimpleNamespace(deadline=deadline))


def test_small_jobs_are_one_piece_and_free():
    clock, work = meter(max_time_ns=0)            # even past the limit: not checked
    assert list(work.chunks(CHUNK, "copy", "memcpy")) == [(0, CHUNK)]
    assert list(work.chunks(0, "copy", "memcpy")) == []
    assert clock.now_ns() == 0


def test_bulk_jobs_are_chunked_and_charged_at_the_arm_routines_rate():
    clock, work = meter()
    pieces = list(work.chunks(3 * CHUNK + 5, "fill", "memset"))
    assert pieces == [(0, CHUNK), (CHUNK, CHUNK), (2 * CHUNK, CHUNK), (3 * CHUNK, 5)]
    # 8 bytes a cycle at 1.4 GHz: 3 MiB + 5 bytes ~ 280.9 us
    assert clock.now_ns() == 3 * (CHUNK * 10**9 // (8 * 1_400_000_000)) + 0   # 5: < 1 ns
    clock, work = meter()
    list(work.chunks(2 * CHUNK, "scan", "memcmp"))  # a byte a cycle
    assert clock.now_ns() == 2 * (CHUNK * 10**9 // 1_400_000_000)


def test_virtual_time_limit_stops_a_bulk_job_mid_way():
    clock, work = meter(max_time_ns=1_000_000)    # 1 ms: about 11 MiB of memset
    done = []
    with pytest.raises(GuestTimeout, match=r"virtual time limit reached: 0.001 s .* in memset"):
        for off, step in work.chunks(64 * CHUNK, "fill", "memset"):
            done.append(step)
    assert 10 <= len(done) <= 12


def test_wall_clock_deadline_of_the_run_stops_a_bulk_job():
    _, work = meter(deadline=time.monotonic() - 1)
    with pytest.raises(GuestTimeout, match=r"timeout: copy_from_user did not finish within 2 s"):
        list(work.chunks(2 * CHUNK, "copy", "copy_from_user"))


def test_a_tasks_deadline_counts_only_while_a_task_runs():
    _, work = meter(deadline_wall=time.perf_counter() - 1)          # stale: console context
    assert len(list(work.chunks(2 * CHUNK, "copy", "memcpy"))) == 2
    _, work = meter(deadline_wall=time.perf_counter() - 1, current=object())
    with pytest.raises(GuestTimeout):
        list(work.chunks(2 * CHUNK, "copy", "memcpy"))


def test_unmetered_chunks_the_same_way():
    assert list(UNMETERED.chunks(CHUNK + 1, "copy", "x")) == [(0, CHUNK), (CHUNK, 1)]
