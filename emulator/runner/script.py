"""Run one board script on a fresh board and judge it: the unit of `emu4412 test`.

The result is plain data (picklable, so worker processes can send it back) and holds what a
CI user needs: the failing step (line, command), expected vs actual, the step's output, a
golden-trace diff, the last events before a hang or crash, and the tails of console and dmesg.
"""

import io
import os
import time
import traceback
from dataclasses import dataclass, field

from ..boardscript import read_script, uses_command
from ..errors import EmulatorError
from ..trace import Tracer
from . import golden
from .capture import Capture, Recent

CONSOLE_TAIL, DMESG_TAIL, STEP_LINES = 40, 20, 40
#: Console exit status -> what kind of failure it is (JUnit's failure type).
FAILURE_TYPES = {1: "failed", 2: "invalid input", 3: "crash or timeout"}


@dataclass
class Options:
    board: str = "fs4412"
    rootfs: str = None          # None: each script's own directory
    timeout: float = 10.0       # seconds a guest call may run
    update_golden: bool = False
    dt: str = None              # --dt: the device tree (a script's `dt FILE` line wins)
    force_vermagic: bool = False  # load modules built for another kernel release (issue 9)


@dataclass
class ScriptResult:
    path: str                   # as shown to the user
    classname: str              # JUnit: from the directory ("tests.board")
    name: str                   # JUnit: from the file ("leds")
    outcome: str = "passed"     # "passed" | "failed"
    exit_code: int = 0          # the console's status; 1 for a golden mismatch
    kind: str = ""              # failure type (FAILURE_TYPES, "golden", "internal error")
    line: int = 0               # the failing step's script line (0: none)
    command: str = ""
    message: str = ""           # one line: what was expected and what happened
    details: str = ""           # the step's output, golden diff, last events
    output: str = ""            # tail of the console
    dmesg: str = ""             # tail of dmesg
    notes: list = field(default_factory=list)
    duration: float = 0.0

    @property
    def passed(self):
        return self.outcome == "passed"

    def fail(self, exit_code, kind, message, details=""):
        self.outcome, self.exit_code, self.kind = "failed", exit_code, kind
        self.message, self.details = message, details


def shown_path(path):
    """``path`` relative to the working directory when it is below it."""
    rel = os.path.relpath(os.path.abspath(path))
    return path if rel.startswith("..") else rel


def test_names(path):
    """(classname, name) for JUnit: the directory dotted, the file without `.board`."""
    folder, base = os.path.split(shown_path(path))
    if not folder or os.path.isabs(folder):
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return folder.replace(os.sep, ".").strip(".") or "board", os.path.splitext(base)[0]


def run_script(path, options=None, template=None):
    """Run the script at ``path`` on a fresh board; never raises for what the script does.

    template: a clone.Template whose board this run adopts (in a forked child: see clone.py)
    instead of building one; the run is the same as on a fresh board."""
    options = options or Options()
    result = ScriptResult(shown_path(path), *test_names(path))
    started = time.perf_counter()
    try:
        _run(path, options, result, template)
    except Exception:                      # an emulator bug must not stop the other scripts
        trace = traceback.format_exc()
        result.fail(1, "internal error", "internal error: " + trace.strip().splitlines()[-1], trace)
    result.duration = time.perf_counter() - started
    return result


class _Run:
    """A fresh board for one script, with what watches it: the console stream, the recent
    events and, when the script has a golden trace, the golden recorder."""

    def __init__(self, path, lines, options, template=None):
        from ..console import Console      # the emulator proper (unicorn) loads on first use

        rootfs = options.rootfs or os.path.dirname(os.path.abspath(path))
        self.rootfs = rootfs
        self.shell = is_shell(path, lines)   # busybox sh on the booted board (issue 14)
        self.out, self.steps = Capture(), []
        recording = not self.shell and (_may_use(lines, "golden") and uses_command(lines, "golden")
                                        or os.path.isfile(golden.sibling_of(path)))
        # Bound late: the watchers subscribe before the board's own observers (as on a fresh
        # board), and name symbols and script lines once the board and console exist.
        symbolize = lambda pc: (self.machine.symbolize.short(pc)  # noqa: E731
                                if hasattr(self, "machine") else "")  # (boot: no symbols yet)
        line = lambda: f"line {self.steps[-1].line}" if self.steps else ""  # noqa: E731
        command = lambda: (f"line {self.steps[-1].line}: {self.steps[-1].command}"  # noqa: E731
                           if self.steps else "")
        recorders = []

        def subscribe(tracer):
            self.recent = Recent(tracer, symbolize, line)
            recorders.append(golden.Recorder(tracer, symbolize, command) if recording else None)

        from ..console import script_dt
        dt = options.dt if self.shell else \
            script_dt(lines, os.path.dirname(os.path.abspath(path))) or options.dt
        if self.shell:                     # a board with the busybox root filesystem, booted
            from ..kernel.fs.skeleton import board_skeleton
            from ..machine import Machine
            tracer = Tracer()
            subscribe(tracer)
            machine = Machine(options.board, rootfs, timeout_s=options.timeout,
                              console=self.out.write, tracer=tracer, dt=dt,
                              force_vermagic=options.force_vermagic, skeleton=board_skeleton())
        elif template is not None and dt is None and not options.force_vermagic:
            # (a script's own tree, or forced modules: a board of its own)
            machine = template.adopt(rootfs, self.out.write, subscribe)
        else:
            from ..machine import Machine
            tracer = Tracer()
            subscribe(tracer)
            machine = Machine(options.board, rootfs, timeout_s=options.timeout,
                              console=self.out.write, tracer=tracer, dt=dt,
                              force_vermagic=options.force_vermagic)
        self.machine = machine
        self.console = Console(machine, self.out, inp=io.StringIO())  # `debug`: no keyboard
        self.steps = self.out.steps = self.console.session.steps
        self.golden = golden.GoldenCheck(path, options.update_golden, recorders[0],
                                         options.rootfs)
        self.console.add_command("golden", self.golden.command, "golden [FILE]")
        # From the trace issue: syscall events for the last events; exact PCs of MMIO
        # accesses for the golden trace's symbols (a memory hook: only when recording).
        if hasattr(machine, "trace_calls"):
            machine.trace_calls()
        if recording and hasattr(machine, "track_access_pc"):
            machine.track_access_pc()


def _run(path, options, result, template):
    try:
        lines = read_script(path)
        run = _Run(path, lines, options, template)
    except EmulatorError as e:             # unreadable script, bad board
        result.fail(e.exit_status, FAILURE_TYPES.get(e.exit_status, "failed"), str(e))
        return
    try:
        if run.shell:
            from ..console_shell import run_shell_script
            status = run_shell_script(run.console, path, run.rootfs)
        else:
            status = run.console.run_lines(lines)
    except EmulatorError as e:             # a line that does not parse
        status = e.exit_status
        result.fail(status, FAILURE_TYPES.get(status, "failed"), str(e))
    result.output = run.out.tail(CONSOLE_TAIL)
    result.dmesg = "\n".join(run.machine.dmesg()[-DMESG_TAIL:])
    if result.outcome == "failed":
        return
    if status != 0:
        _failed_step(result, status, run)
        return
    verdict = run.golden.finish()
    result.notes += [verdict.note] if verdict.note else []
    if not verdict.ok:
        result.fail(1, "golden", verdict.message, verdict.details)


def _may_use(lines, name):
    """False when no line can run command ``name`` (a script without it is not parsed with
    shlex for it: issue 15 d). Quoting only adds quote and backslash characters around the
    letters of a word, so a line without them is cleared by a substring test."""
    return any(name in text.replace('"', "").replace("'", "").replace("\\", "")
               for text in lines)


def is_shell(path, lines):
    """A shell script for busybox sh: named *.sh or with a `#!...sh` first line."""
    from ..console_shell import is_shell_script
    return str(path).endswith(".sh") or is_shell_script(lines)


def _failed_step(result, status, run):
    """Fill the failure from the step that stopped the script (the console's last step; in
    a shell script the first failed emu4412-expect, else the script's own step)."""
    index = len(run.steps) - 1
    if run.shell:
        index = next((i for i, s in enumerate(run.steps) if i and s.status), 0)
    step, recent = run.steps[index], run.recent
    printed = step.stdout if run.shell else run.out.of_step(index)
    if run.shell and status == 3:          # the crash or time limit, as the console said it
        printed += "\n" + run.out.text().rstrip("\n").rsplit("\n", 1)[-1]
    lines = printed.rstrip("\n").splitlines()
    last = lines[-1] if lines else ""
    if step.command.split()[0] in ("expect", "emu4412-expect"):
        message = last or "expectation failed"
    else:
        message = f"exit status {step.status}" + (f": {last}" if last else "")
    details = [f"line {step.line}: {step.command}"]
    if lines:
        details += lines[-STEP_LINES:]
    if status == 3:
        details += ["last events:"] + ["  " + e for e in recent.lines()] \
            if recent.events else ["last events: none (no MMIO access, syscall or fault)"]
    result.fail(status, FAILURE_TYPES.get(status, "failed"), message, "\n".join(details))
    result.line, result.command = step.line, step.command
