"""The board console: the board-script language, run line by line or interactively.

One command per line, `#` comments, shell quoting (DESIGN.md section 3). A failing command
stops the script with status 1 unless the next line is a matching `expect exit N`; a guest
crash or timeout stops it with status 3. Input and output streams are arguments, so tests
drive the console with StringIO.
"""

import re
import shlex
import sys
from dataclasses import dataclass, field

from .errors import (CommandFailed, GuestFault, GuestTimeout, InputError, LoaderError,
                     ScriptError)
from .expectations import EXPECTATIONS as MORE_EXPECTATIONS
from .kernel.errno import NAMES
from .kernel.mm.faults import fail_command
from .runner import golden

COMMANDS = {}
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
    line: int
    command: str
    status: int = 0
    stdout: str = ""


@dataclass
class Session:
    steps: list = field(default_factory=list)
    exit_code: int = 0


class LedPanel:
    """A row of lamps, printed whenever an LED changes (plain text when not a terminal)."""

    def __init__(self, machine, out, fancy):
        self._machine, self._out, self._fancy = machine, out, fancy
        machine.tracer.subscribe("led", self._changed)

    def render(self):
        leds = self._machine.leds
        if self._fancy:
            return "  ".join(f"{name} {'●' if on else '○'}" for name, on in leds.items())
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
        self.session = Session()
        self._last = None          # the previous step (for `expect exit`/`expect stdout`)
        self._fatal = 0            # set by invalid input (2) or a guest crash/timeout (3)
        self.golden = None         # a runner.golden.GoldenCheck where golden traces are checked

    # -- running --------------------------------------------------------------------------
    def run_lines(self, lines):
        """Run a script's lines; returns the exit status (0, 1 or 3)."""
        parsed = []
        for number, text in enumerate(lines, 1):
            try:
                words = shlex.split(text, comments=True)
            except ValueError as e:
                raise ScriptError(f"line {number}: {e}") from None
            if words:
                parsed.append((number, text.strip(), words))
        for i, (number, text, words) in enumerate(parsed):
            status = self.execute(number, text, words)
            if self._fatal:
                self.session.exit_code = self._fatal
                return self._fatal
            if status != 0:
                nxt = parsed[i + 1][2] if i + 1 < len(parsed) else None
                if words[0] != "expect" and nxt and nxt[:2] == ["expect", "exit"]:
                    continue              # the `expect exit` line judges this status
                self.session.exit_code = 1
                return 1
        return 0

    def execute(self, number, text, words):
        step = Step(number, text)
        self.session.steps.append(step)
        name = words[0]
        out_mark = len(self.machine.stdout)
        self.out.write(f"# {text}\n")
        try:
            if "/" in name or "|" in words or "<" in words:
                status = self.run_program(words)
            elif name in COMMANDS:
                status = COMMANDS[name][0](self, words[1:])
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
            self._last = step
        return status

    def run_program(self, words):
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
        self.out.write("Module                  Size  Used by\n")
        for m in self.machine.modules.loaded.values():
            self.out.write(f"{m.name:<20}{m.size:>8}  {m.refcount}\n")
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
            self.out.write("\n".join(names) + "\n")
        return 0

    @command("cat", "cat FILE")
    def cmd_cat(self, args):
        self._need(args, 1, "cat FILE")
        data = self.machine.vfs.read_file(args[0])
        if isinstance(data, int):
            raise CommandFailed(f"cat: {args[0]}: No such file or directory")
        text = data.decode("utf-8", "replace")
        self.out.write(text)
        self._capture(text)
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
            raise CommandFailed(f"sleep: invalid number '{args[0]}'") from None
        self.machine.advance(seconds * 1e9)      # processes, timers and interrupts run
        return 0

    @command("golden", "golden [FILE]")
    def cmd_golden(self, args):
        return golden.declare(self, args)

    @command("expect", "expect led NAME on|off | leds NAME=on|off... | exit N | dmesg REGEX | "
                       "dmesg-not REGEX | stdout REGEX | gpio PIN 0|1 | reg NAME VALUE [MASK] | "
                       "proc PATH REGEX | no-leaks | no-kasan")
    def cmd_expect(self, args):
        if not args or args[0] not in EXPECTATIONS:
            raise CommandFailed("expect: usage: " + COMMANDS["expect"][1])
        ok, message = EXPECTATIONS[args[0]](self, args[1:])
        if not ok:
            raise CommandFailed(f"expectation failed: {message}")
        return 0

    # -- expectations ---------------------------------------------------------------------
    def _expect_led(self, args):
        self._need(args, 2, "expect led NAME on|off")
        name, want = args[0], args[1]
        if want not in ("on", "off"):
            raise CommandFailed("expect led: state must be on or off")
        leds = self.machine.leds
        if name not in leds:
            raise CommandFailed(f"expect led: no LED {name} (board has {', '.join(leds)})")
        actual = "on" if leds[name] else "off"
        return actual == want, f"{name} is {actual}, expected {want}"

    def _expect_exit(self, args):
        self._need(args, 1, "expect exit N")
        actual = self._last.status if self._last else 0
        return str(actual) == args[0], f"exit status {actual}, expected {args[0]}"

    def _expect_dmesg(self, args):
        self._need(args, 1, "expect dmesg REGEX")
        pattern = self._regex(args[0])
        return (any(pattern.search(t) for t in self.machine.log.texts()),
                f"no dmesg line matches /{args[0]}/")

    def _expect_stdout(self, args):
        self._need(args, 1, "expect stdout REGEX")
        pattern = self._regex(args[0])
        text = self._last.stdout if self._last else ""
        return bool(pattern.search(text)), f"stdout of line {self._last.line if self._last else 0} " \
                                           f"does not match /{args[0]}/: {text!r}"

    # -- helpers --------------------------------------------------------------------------
    def _capture(self, text):
        self.session.steps[-1].stdout += text

    @staticmethod
    def _regex(text):
        try:
            return re.compile(text)
        except re.error as e:
            raise CommandFailed(f"expect: bad regular expression /{text}/: {e}") from None

    @staticmethod
    def _need(args, n, usage):
        if len(args) < n:
            raise CommandFailed(f"usage: {usage}")


EXPECTATIONS = {
    "led": Console._expect_led,
    "exit": Console._expect_exit,
    "dmesg": Console._expect_dmesg,
    "stdout": Console._expect_stdout,
    **MORE_EXPECTATIONS,
}


def report(console, started):
    """The --json object of DESIGN.md section 3."""
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




from . import console_keys  # noqa: E402,F401  (registers press/release/click; issue 12)
from . import console_jobs  # noqa: E402  (job control: &, jobs, wait, kill, ps; issue 12)
