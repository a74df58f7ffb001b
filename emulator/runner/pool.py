"""Run tasks in N worker processes and yield the results in input order.

Each worker imports the emulator once and runs one task at a time. A worker that dies (a
segfault in the CPU library, an out-of-memory kill) or outlives a task's hard deadline is
replaced, and its task gets the result ``on_lost(task, reason)``: one failed script, never a
hung or aborted run. Workers are forked where the platform allows (cheap: the parent has
already imported the emulator), spawned elsewhere.
"""

import multiprocessing
import signal
import time
from multiprocessing.connection import wait


def _serve(conn, work):
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C is the parent's to handle
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(work(task))


class _Worker:
    def __init__(self, ctx, work):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.task = None            # (index, task, deadline) while busy

    def give(self, index, task, deadline):
        self.task = (index, task, time.monotonic() + deadline)
        self.conn.send(task)

    def stop(self, kill=False):
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class _Pool:
    """The workers, each idle or busy with one (index, task, deadline)."""

    def __init__(self, ctx, work, size):
        self.ctx, self.work = ctx, work
        self.workers = [_Worker(ctx, work) for _ in range(size)]

    def _replace(self, i):
        self.workers[i].stop(kill=True)
        self.workers[i] = _Worker(self.ctx, self.work)
        return self.workers[i]

    def assign(self, pending, deadline):
        """Give each idle worker the next pending (index, task)."""
        for i, w in enumerate(self.workers):
            if w.task is None and pending:
                if not w.process.is_alive():       # died between tasks: replace it
                    w = self._replace(i)
                index, task = pending.pop()
                w.give(index, task, deadline(task))

    def wait(self):
        """Until a busy worker answers, dies, or reaches its deadline."""
        busy = [w for w in self.workers if w.task is not None]
        if busy:
            timeout = max(0.0, min(w.task[2] for w in busy) - time.monotonic())
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)

    def harvest(self, on_lost):
        """(index, result) of every task finished or lost since the last call."""
        done = []
        for i, w in enumerate(self.workers):
            if w.task is None:
                continue
            index, task, until = w.task
            outcome = _collect(w, until)
            if outcome is None:
                continue
            result, lost = outcome
            if lost:
                self._replace(i)
                result = on_lost(task, result)
            else:
                w.task = None
            done.append((index, result))
        return done

    def close(self):
        for w in self.workers:
            w.stop(kill=w.task is not None)


def run_parallel(tasks, jobs, work, deadline, on_lost):
    """Yield ``work(task)`` for each task, in order, computed by ``jobs`` processes.

    ``deadline(task)`` is the wall-clock seconds a task may take before its worker is
    killed; ``on_lost(task, reason)`` makes the result of a task whose worker was lost."""
    tasks = list(tasks)
    pool = _Pool(_context(), work, max(1, min(jobs, len(tasks))))
    pending = list(enumerate(tasks))[::-1]
    results, emitted = {}, 0
    try:
        while emitted < len(tasks):
            pool.assign(pending, deadline)
            pool.wait()
            results.update(pool.harvest(on_lost))
            while emitted in results:
                yield results.pop(emitted)
                emitted += 1
    finally:
        pool.close()


def _collect(w, until):
    """(result, False) when the worker answered, (reason, True) when it is lost, else None."""
    if w.conn.poll():
        try:
            return w.conn.recv(), False
        except (EOFError, OSError):
            pass
    if not w.process.is_alive():
        code = w.process.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return f"the worker process died ({why}) while running this script", True
    if time.monotonic() >= until:
        return "the worker process did not finish this script in time and was killed", True
    return None
