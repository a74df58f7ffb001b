"""Boot once, fork per script: a warmed board in this process, each script in an os.fork()
child of it.

The template is a board built once (SoC, kernel, page allocator, page cache, stub pages), with
the images the scripts name already parsed into the loaders' caches. It has run nothing, but
once the first script's clone has recorded the user code it ran, the template translates that
code (run_warmed, warm.py), so later clones find it translated. A script runs in a forked
child: the child sees the template's memory copy-on-write (the Unicorn instance and its guest
RAM included), adopts the board for the script (its root filesystem, console stream and trace
subscribers, as a fresh board would have them), runs it and sends its ScriptResult back over a
pipe, then exits. Whatever the script does to the board - a kernel oops, corrupted kernel
memory, a crash of the CPU library - dies with the child: the next script forks the same
untouched template. The child never returns into the caller (os._exit), so it cannot run the
parent's exit handlers or flush the parent's buffered output twice.

Nothing here assumes one guest process: the template is just a board that has run nothing.
"""

import gc
import os
import pickle
import select
import shlex
import signal
import time

from ..errors import EmulatorError
from ..trace import Tracer

#: Where a fork is available the runner clones; elsewhere every script builds a fresh board.
CAN_FORK = hasattr(os, "fork")


class _Console:
    """The template's console stream: what the board printed while it was built (kept, so
    each script's stream starts with it, as a fresh board's would)."""

    def __init__(self):
        self.boot = []

    def write(self, text):
        self.boot.append(text)


class Template:
    """A board built once for (board, timeout); adopt() hands it to one script's run."""

    #: Templates built in this process (a pytest-xdist worker builds one and reuses it).
    built = 0

    def __init__(self, board, timeout):
        from ..machine import Machine

        Template.built += 1
        self.console = _Console()
        self.machine = Machine(board, os.getcwd(), timeout_s=timeout,
                               console=self.console.write, tracer=Tracer())
        self.scouted = False       # the first script's clone has recorded its code (warm.py)
        self._guard = None

    def adopt(self, rootfs, console, subscribe):
        """The board, set up as Machine(board, rootfs, console=console, tracer=T) would be
        where ``subscribe(T)`` had run before the board subscribed its own observers (so
        every event reaches the observers in the same order as on a fresh board).

        Machine.adopt does it (test_clone.py compares the result with a fresh board)."""
        machine = self.machine
        machine.adopt(rootfs, console, subscribe)
        for text in self.console.boot:
            console(text)
        return machine

    def scout(self, work, task):
        """(work(task), what warm.translate needs) in a clone: the code the run ran."""
        from .warm import Scout
        recorder = Scout(self.machine)
        result = work(task)
        return result, recorder.report()

    def warm(self, report):
        """Translate a scout's code in the booted board (warm.py: nothing a script sees
        changes), so later clones find it translated."""
        from . import warm
        if self._guard is None:
            self._guard = warm.FrameGuard(self.machine)
        warm.translate(self.machine, report, self._guard)


_TEMPLATES = {}


def template(board, timeout):
    """The template for (board, timeout), built on first use (None when it cannot be built:
    the script runs then report the error as fresh boards would)."""
    key = (board, timeout)
    if key not in _TEMPLATES:
        try:
            _TEMPLATES[key] = Template(board, timeout)
        except Exception:                  # noqa: BLE001  (each script's own run reports it)
            _TEMPLATES[key] = None
    return _TEMPLATES[key]


def warm_images(scripts, rootfs_of):
    """Parse the modules and programs the scripts name, once, before any child forks (the
    loaders cache parses by content, so every child finds them parsed)."""
    from ..kernel.abi import GUARDED
    from ..loader.elf import read_bytes
    from ..loader.module import ModuleLinker
    from ..loader.program import load_program

    def parse_module(data, name):      # labelled as Machine.insmod labels it
        # insmod's ABI guard reads the module's DWARF layouts: read them here, once.
        ModuleLinker.parse(data, os.path.basename(name)).struct_layouts(GUARDED)

    # 100 copies of one script share their lines and folder: each distinct line is split,
    # and each (root, name) resolved, once (shlex and realpath were ~1.8 ms a script here,
    # in the parent, before the first clone forks).
    parsers = {"module": parse_module, "program": load_program}
    roots, named, seen = {}, set(), set()
    for script in scripts:
        try:
            with open(script, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        folder = rootfs_of(script)
        root = roots.get(folder)
        if root is None:
            root = roots[folder] = os.path.realpath(folder)
        for text in lines:
            key = (root, text)
            if key in named:
                continue
            named.add(key)
            name, kind = _image_named(text)
            if name is None:
                continue
            host = os.path.realpath(os.path.join(root, name.lstrip("/")))
            if host in seen or not host.startswith(root + os.sep) or not os.path.isfile(host):
                continue
            seen.add(host)
            try:
                parsers[kind](read_bytes(host), name)   # (read_bytes keeps the bytes for the clones)
            except (OSError, EmulatorError):
                pass                       # the script's own run reports it


def _image_named(text):
    """(name, "module" or "program") of the image a script line loads, or (None, None)."""
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        return None, None
    if not words:
        return None, None
    if words[0] == "insmod" and len(words) > 1:
        return words[1], "module"
    if "/" in words[0]:
        return words[0], "program"
    return None, None


class Child:
    """One forked script run: its pid, the read end of its result pipe, its deadline."""

    def __init__(self, task, pid, fd, deadline):
        self.task, self.pid, self.fd, self.until = task, pid, fd, time.monotonic() + deadline
        self.data = bytearray()

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def reap(self):
        """The child's wait status (blocks until it has exited)."""
        while True:
            try:
                return os.waitpid(self.pid, 0)[1]
            except ChildProcessError:
                return 0
            except InterruptedError:
                continue


def fork(task, work, deadline):
    """Run ``work(task)`` in a forked child; returns the Child (the parent's handle)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:                           # the child: run, send, exit without unwinding
        status = 0
        try:
            os.close(rfd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
            data = pickle.dumps(work(task), pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(wfd, view):]
        except BaseException:              # noqa: BLE001  (the parent reports the lost task)
            status = 70
        finally:
            os._exit(status)
    os.close(wfd)
    return Child(task, pid, rfd, deadline)


def run_one(script, options, deadline, on_lost):
    """``script``'s ScriptResult from a forked clone of this process's template (built on
    first use), or from a fresh board where there is no fork or no template."""
    from .. import console, console_shell  # noqa: F401  (imported here once, not in every child)
    from .script import run_script

    board = template(options.board, options.timeout) if CAN_FORK else None
    if board is None:
        return run_script(script, options)
    warm_images([script], lambda s: options.rootfs or os.path.dirname(os.path.abspath(s)))
    work = lambda s: run_script(s, options, board)  # noqa: E731
    return next(run_warmed(board, [script], 1, work, deadline, on_lost))


def run_warmed(template, tasks, jobs, work, deadline, on_lost):
    """run_forked, the template's first task run alone in a clone that records the code it
    runs (Template.scout), translated in the template before the next ones fork.

    The recording clone's result is the task's (recording slows the run, not what it does)
    unless it crashed or ran out of time: that task runs again in a plain clone, so a
    guest time limit reached only because of the recording cannot change a result."""
    tasks = list(tasks)
    if template.scouted or not tasks:
        yield from run_forked(tasks, jobs, work, deadline, on_lost)
        return
    template.scouted = True
    scout = lambda task: template.scout(work, task)  # noqa: E731
    result, report = next(run_forked(tasks[:1], 1, scout, deadline,
                                     lambda task, why: (on_lost(task, why), None)))
    if report is not None:
        template.warm(report)
    if report is None or getattr(result, "exit_code", 0) == 3:
        result = next(run_forked(tasks[:1], 1, work, deadline, on_lost))
    yield result
    yield from run_forked(tasks[1:], jobs, work, deadline, on_lost)


def _lost_reason(status):
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def run_forked(tasks, jobs, work, deadline, on_lost):
    """Yield ``work(task)`` for each task, in order, each computed in a forked child of this
    process, at most ``jobs`` at a time. A child that dies without answering or outlives
    ``deadline(task)`` seconds gives ``on_lost(task, reason)``."""
    tasks = list(tasks)
    pending = list(enumerate(tasks))[::-1]
    running, results, emitted = {}, {}, 0
    # What lives now (the board, parsed images) goes to the collector's permanent
    # generation, after one collection: a clone's collections then walk only what it makes
    # itself (one of the inherited heap cost each clone ~2.5 ms and copied every page of
    # objects it touched); the parent keeps collecting what it makes afterwards.
    gc.collect()
    gc.freeze()
    try:
        while emitted < len(tasks):
            while pending and len(running) < max(1, jobs):
                index, task = pending.pop()
                child = fork(task, work, deadline(task))
                running[child.fd] = (index, child)
            timeout = max(0.0, min(c.until for _, c in running.values()) - time.monotonic())
            ready, _, _ = select.select(list(running), [], [], timeout)
            for fd in ready:
                index, child = running[fd]
                chunk = os.read(fd, 1 << 16)
                if chunk:
                    child.data += chunk
                    continue
                del running[fd]
                os.close(fd)
                status = child.reap()
                results[index] = _finished(child, status, on_lost)
            now = time.monotonic()
            for fd, (index, child) in list(running.items()):
                if now >= child.until:
                    child.kill()
                    child.reap()
                    del running[fd]
                    os.close(fd)
                    results[index] = on_lost(child.task, "the worker process did not finish "
                                                         "this script in time and was killed")
            while emitted in results:
                yield results.pop(emitted)
                emitted += 1
    finally:
        for fd, (_, child) in running.items():
            child.kill()
            child.reap()
            os.close(fd)


def _finished(child, status, on_lost):
    if child.data:
        try:
            return pickle.loads(bytes(child.data))
        except Exception:                  # noqa: BLE001  (a truncated answer: the child died)
            pass
    return on_lost(child.task, f"the worker process died ({_lost_reason(status)}) while "
                               f"running this script")
