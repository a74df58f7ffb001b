"""The board console: the board-script language, run line by line or interactively.

One command per line, `#` comments, shell quoting (README.md, Usage; read and split by
boardscript.py). A failing command stops the script with status 1 unless the next line is a
matching `expect exit N`; a guest crash or timeout stops it with status 3. Input and output
streams are arguments, so tests drive the console with StringIO.

Commands: a method decorated with :func:`command` here, or added to one console with
:meth:`Console.add_command` by whoever owns the feature (the test runner adds `golden`).
Expectations (`expect ...`) are registered in expectations.py.
"""

import math
import os
import shlex
import sys
from dataclasses import dataclass, field

from .boardscript import parse_lines
from .errors import (CommandFailed, GuestFault, GuestTimeout, InputError, LoaderError,
                     ScriptError)
from .expectations import EXPECTATIONS, usage as expect_usage
from .kernel.errno import NAMES
from .kernel.mm.faults import fail_command
from .kernel.process import STACK_SIZE
from .kernel.module import STRERROR

#: name -> (method(console, args) -> status, usage): the commands every console has.
COMMANDS = {}
MAX_SLEEP_S = 86400         # one virtual day: longer sleeps are almost certainly a typo
#: Room for argv and envp strings and pointers on a program's stack (exec's E2BIG limit):
#: the stack less a page for auxv and the start-up frames.
ARG_MAX = STACK_SIZE - 4096
#: Called as hook(console) after every command (background processes run; issue 12).
AFTER_COMMAND = []


def command(name, usage):
    """Register a console command: method(self, args) -> status."""
    def mark(fn):
        COMMANDS[name] = (fn, usage)
        return fn
    return mark


@dataclass
class Step:
    """One executed script line: its command, exit status and output."""
    line: int
    command: str
    status: int = 0
    stdout: str = ""


@dataclass
class Session:
    """The steps a script ran and the status it ended with."""
    steps: list = field(default_factory=list)
    exit_code: int = 0


#: The shell's messages when `> FILE` cannot be opened for writing.
ECHO_OPEN_ERRORS = {-2: "No such file or directory", -13: "Permission denied"}


def script_dt(lines, script_dir):
    """The device tree a script names with `dt FILE` before its first command (issue 11):
    a host path relative to the script's directory, or None."""
    for text in lines:
        try:
            words = shlex.split(text, comments=True)
        except ValueError:
            return None
        if not words:
            continue
        if words[0] != "dt" or len(words) != 2:
            return None
        return os.path.join(script_dir, words[1])
    return None


class LedPanel:
    """A row of lamps, printed whenever an LED changes (plain text when not a terminal)."""

    def __init__(self, machine, out, fancy):
        self._machine, self._out, self._fancy = machine, out, fancy
        machine.tracer.subscribe("led", self._changed)
        if fancy:                                   # issue 12: keys held show on the panel
            machine.tracer.subscribe("key", self._changed)

    def render(self):
        leds = self._machine.leds
        if self._fancy:
            return "  ".join(f"{name} {'●' if on else '○'}" for name, on in leds.items()) \
                + console_periph.panel_suffix(self._machine)          # periph: the beeper
        return "leds: " + " ".join(f"{name}={'on' if on else 'off'}" for name, on in leds.items())

    def _changed(self, _kind, _fields):
        self._out.write(self.render() + "\n")


class Console:
    def __init__(self, machine, out, fancy=False, inp=None):
        """inp: where the `debug` command reads debugger commands (default: stdin)."""
        self.machine = machine
        self.out = out
        self.inp = inp
        self.panel = LedPanel(machine, out, fancy)
        self.periph_panel = console_periph.PeriphPanel(machine, out)    # periph (issue 13)
        self.session = Session()
        self.last_step = None      # the previous step (for `expect exit`/`expect stdout`)
        self._fatal = 0            # set by invalid input (2) or a guest crash/timeout (3)
        self._commands = {name: (lambda args, fn=fn: fn(self, args), usage)
                          for name, (fn, usage) in COMMANDS.items()}

    def add_command(self, name, run, usage):
        """Give this console command ``name``: run(args) -> status (replaces a default)."""
        self._commands[name] = (run, usage)

    # -- running --------------------------------------------------------------------------
    def run_lines(self, lines):
        """Run a script's lines; returns the exit status (0, 1 or 3)."""
        parsed = parse_lines(lines)
        for i, (number, text, words) in enumerate(parsed):
            status = self.execute(number, text, words)
            if console_periph.after_command(self) is not None:     # periph: watchdog reset
                return self._board_reset(parsed[i + 1:])
            if self._fatal:
                self.session.exit_code = self._fatal
                return self._fatal
            if self.machine.syscalls.reboot:       # reboot(2): the board is gone, the run ends
                self.out.write(f"board {self.machine.syscalls.reboot.replace('_', ' ')}: "
                               f"the run ends here\n")
                return self.session.exit_code
            if status != 0:
                nxt = parsed[i + 1][2] if i + 1 < len(parsed) else None
                if words[0] != "expect" and nxt and nxt[:2] == ["expect", "exit"]:
                    continue              # the `expect exit` line judges this status
                self.session.exit_code = 1
                return 1
        return 0

    def _board_reset(self, rest):
        """The board reset: the script stops; a following `expect reset` judges it (periph)."""
        if rest and rest[0][2][:2] == ["expect", "reset"]:
            status = self.execute(*rest[0])
            self.session.exit_code = status
            return status
        self.out.write("script stopped: the board was reset\n")
        self.session.exit_code = 3
        return 3

    def execute(self, number, text, words):
        step = Step(number, text)
        self.session.steps.append(step)
        name = words[0]
        out_mark = len(self.machine.stdout)
        self.out.write(f"# {text}\n")
        try:
            if "/" in name or "|" in words or "<" in words:
                status = self.run_program(words)
            elif name in self._commands:
                status = self._commands[name][0](words[1:])
            else:
                raise CommandFailed(f"{name}: command not found")
        except (GuestFault, GuestTimeout) as e:
            self.out.write(f"{e}\n")
            status = self._fatal = e.exit_status
        except CommandFailed as e:
            self.out.write(f"{e}\n")
            status = 1
        except (LoaderError, ScriptError) as e:
            self.out.write(f"{e}\n")
            status = self._fatal = e.exit_status
        except InputError as e:            # a missing file: the command fails
            self.out.write(f"{e}\n")
            status = 1
        if not self._fatal:
            status = self._after_command(status)
        step.status = status
        step.stdout += bytes(self.machine.stdout[out_mark:]).decode("utf-8", "replace")
        if name != "expect":
            self.last_step = step
        return status

    def run_program(self, words):
        env = 3 * 24                     # the three short environment strings machine.run sets
        if sum(len(w.encode("utf-8", "surrogateescape")) + 5 for w in words) + env > ARG_MAX:
            raise CommandFailed(f"{words[0]}: Argument list too long (more than {ARG_MAX} "
                                "bytes of arguments)")
        background = words[-1] == "&" or words[-1].endswith("&")
        if background:
            words = words[:-1] if words[-1] == "&" else words[:-1] + [words[-1][:-1]]
        words, stdin = console_jobs.stdin_of(self, words)
        if background:
            return console_jobs.start_background(self, words, stdin)
        status = self.machine.run(words[0], words[1:], stdin=stdin)
        return status

    def _after_command(self, status):
        """Let background processes run (a crash there ends the script like any other)."""
        try:
            for hook in AFTER_COMMAND:
                hook(self)
        except (GuestFault, GuestTimeout) as e:
            self.out.write(f"{e}\n")
            status = self._fatal = e.exit_status
        return status

    # -- commands -------------------------------------------------------------------------
    @command("insmod", "insmod FILE.ko")
    def cmd_insmod(self, args):
        self._need(args, 1, "insmod FILE.ko")
        self.machine.insmod(args[0])
        return 0

    @command("rmmod", "rmmod NAME")
    def cmd_rmmod(self, args):
        self._need(args, 1, "rmmod NAME")
        leaks = self.machine.rmmod(args[0]) or []
        text = "".join(f"leak: {held.owner}: {held.kind} {held.what} "
                       f"(acquired at {held.site}) not released at rmmod\n" for held in leaks)
        self.out.write(text)
        self._capture(text)            # `expect stdout` can judge the leak report
        return 0

    @command("lsmod", "lsmod")
    def cmd_lsmod(self, args):
        """Newest module first, as /proc/modules and busybox list them; `expect stdout`
        can judge it (issue 11)."""
        text = "Module                  Size  Used by\n" + "".join(
            f"{m.name:<20}{m.size:>8}  {m.refcount} {','.join(m.holders)}".rstrip() + "\n"
            for m in reversed(list(self.machine.modules.loaded.values())))
        self.out.write(text)
        self._capture(text)
        return 0

    @command("echo", "echo [TEXT...] [> FILE]")
    def cmd_echo(self, args):
        """busybox echo; with `> FILE` the line is written to a sysfs attribute (issue 11)."""
        if ">" not in args:
            text = " ".join(args) + "\n"
            self.out.write(text)
            self._capture(text)
            return 0
        at = args.index(">")
        if at != len(args) - 2:
            raise CommandFailed("usage: echo [TEXT...] > FILE")
        path, data = args[-1], (" ".join(args[:at]) + "\n").encode()
        err = self.machine.vfs.write_file(path, data)
        if err in ECHO_OPEN_ERRORS:
            raise CommandFailed(f"sh: can't create {path}: {ECHO_OPEN_ERRORS[err]}")
        if err:
            raise CommandFailed(f"sh: write error: {STRERROR.get(-err) or os.strerror(-err)}")
        return 0

    @command("mknod", "mknod PATH c MAJOR MINOR")
    def cmd_mknod(self, args):
        self._need(args, 4, "mknod PATH c MAJOR MINOR")
        try:
            major, minor = int(args[2], 0), int(args[3], 0)
        except ValueError:
            raise CommandFailed(f"mknod: invalid device number '{args[2]} {args[3]}'") from None
        ret = self.machine.mknod(args[0], args[1], major, minor)
        if ret < 0:
            raise CommandFailed(f"mknod: {args[0]}: {NAMES.get(-ret, ret)}")
        return 0

    @command("ls", "ls [PATH]")
    def cmd_ls(self, args):
        path = args[0] if args else "/"
        names = self.machine.vfs.listdir(path)
        if names is None:
            raise CommandFailed(f"ls: {path}: No such file or directory")
        if names:
            text = "\n".join(names) + "\n"
            self.out.write(text)
            self._capture(text)            # `expect stdout` can judge it (issue 11)
        return 0

    @command("cat", "cat FILE")
    def cmd_cat(self, args):
        self._need(args, 1, "cat FILE")
        data = self.machine.vfs.read_file(args[0])
        if data == -13:               # a sysfs attribute without read permission (open)
            raise CommandFailed(f"cat: can't open '{args[0]}': Permission denied")
        if isinstance(data, int) and data != -2:  # a sysfs attribute's show() failed (read)
            raise CommandFailed(f"cat: read error: {os.strerror(-data)}")
        if isinstance(data, int):
            raise CommandFailed(f"cat: {args[0]}: No such file or directory")
        text = data.decode("utf-8", "replace")
        self.out.write(text)
        self._capture(text)
        return 0

    @command("dt", "dt FILE.dtb|FILE.dts (only before the first command)")
    def cmd_dt(self, args):
        """Applied when the board was made (script_dt); later it is an invalid script."""
        if len(args) != 1 or any(s.command.split()[0] != "dt" for s in self.session.steps[:-1]):
            raise ScriptError(f"line {self.session.steps[-1].line}: dt: a device tree is "
                              "chosen before the board boots: `dt FILE` must come before the "
                              "first command")
        return 0

    @command("debug", "debug")
    def cmd_debug(self, args):
        """Enter the debugger here: set breakpoints/watchpoints, then `continue` the script."""
        from .debug.debugger import Debugger
        debugger = Debugger(self.machine, self.inp or sys.stdin, self.out)
        debugger.attach()
        debugger.repl()
        return 0

    @command("leds", "leds")
    def cmd_leds(self, args):
        self.out.write(self.panel.render() + "\n")
        return 0

    @command("devmem", "devmem ADDR [WIDTH [VALUE]]")
    def cmd_devmem(self, args):
        """busybox devmem: one WIDTH-bit (8/16/32, default 32) access to a physical address."""
        self._need(args, 1, "devmem ADDR [WIDTH [VALUE]]")
        try:
            addr, width = int(args[0], 0), int(args[1], 0) if len(args) > 1 else 32
            value = int(args[2], 0) if len(args) > 2 else None
            result = self.machine.devmem.access(addr, width, value)
        except ValueError as e:
            raise CommandFailed(f"devmem: {e}") from None
        if result is not None:
            text = f"0x{result:0{width // 4}X}\n"
            self.out.write(text)
            self._capture(text)
        return 0

    @command("fail", "fail KIND nth=N|percent=P [seed=S] [times=T] | fail off [KIND] | fail")
    def cmd_fail(self, args):
        """Failure injection (KIND: kmalloc, slab, page, vmalloc, percpu, all)."""
        try:
            self.out.write(fail_command(self.machine.mm.faults, args))
        except ValueError as e:
            raise CommandFailed(f"fail: {e}") from None
        return 0

    @command("dmesg", "dmesg")
    def cmd_dmesg(self, args):
        text = "".join(line + "\n" for line in self.machine.dmesg())
        self.out.write(text)
        self._capture(text)
        return 0

    @command("sleep", "sleep SECONDS")
    def cmd_sleep(self, args):
        self._need(args, 1, "sleep SECONDS")
        try:
            seconds = float(args[0])
        except ValueError:
            seconds = math.nan
        if not 0 <= seconds <= MAX_SLEEP_S:       # also rejects nan
            raise CommandFailed(f"sleep: invalid number '{args[0]}' (0 to {MAX_SLEEP_S} "
                                "seconds)") from None
        self.machine.advance(seconds * 1e9)   # processes, timers, interrupts and devices run
        return 0

    @command("golden", "golden [FILE]")
    def cmd_golden(self, args):
        """Where golden traces are checked (emu4412 test, the pytest plugin) the runner
        replaces this command; elsewhere the line is accepted and says so."""
        self.out.write("golden: not checked here; `emu4412 test` and the pytest plugin "
                       "compare golden traces\n")
        return 0

    @command("expect", expect_usage())
    def cmd_expect(self, args):
        if not args or args[0] not in EXPECTATIONS:
            raise CommandFailed("expect: usage: " + expect_usage())
        ok, message = EXPECTATIONS[args[0]](self, args[1:])
        if not ok:
            raise CommandFailed(f"expectation failed: {message}")
        return 0

    # -- helpers --------------------------------------------------------------------------
    def _capture(self, text):
        self.session.steps[-1].stdout += text

    @staticmethod
    def _need(args, n, usage):
        if len(args) < n:
            raise CommandFailed(f"usage: {usage}")


def report(console, started):
    """The --json object (README.md, Usage)."""
    m = console.machine
    return {
        "ok": console.session.exit_code == 0,
        "exit_code": console.session.exit_code,
        "steps": [{"line": s.line, "command": s.command, "status": s.status, "stdout": s.stdout}
                  for s in console.session.steps],
        "leds": m.leds,
        "dmesg": m.dmesg(),
        "stats": m.stats(started),
    }


from . import console_periph  # noqa: E402  (periph, issue 13: registers its commands)
from . import console_keys  # noqa: E402,F401  (registers press/release/click; issue 12)
from . import console_jobs  # noqa: E402  (job control: &, jobs, wait, kill, ps; issue 12)
