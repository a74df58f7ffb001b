"""Golden traces: the hardware a script drove, compared with a committed text file.

A run's trace is its sequence of MMIO writes (register name and value), GPIO pin changes and
LED changes: nothing that depends on where memory was allocated, so two builds that drive the
hardware identically give the same trace. The file is text, one entry a line:

    # line 6: ./testled_app /dev/leddev 1 2
    GPX2DAT = 0x00000080          # myled_ioctl+0x5c
    gpx2-7 -> 1
    LED2 -> on

Text after ``#`` is ignored when comparing: the step comments (script line and command) and
the symbol of each write are there to make the file and the diff readable.
"""

import difflib
import os
from dataclasses import dataclass

from ..errors import CommandFailed, ScriptError

SUFFIX = ".golden"
HEADER = ("# emu4412 golden trace: MMIO writes, pin and LED changes, in order.\n"
          "# Text after '#' is not compared. Regenerate: emu4412 test --update-golden SCRIPT\n")


def _write_text(f):
    offset = f["addr"] & 3 if f["size"] != 4 else 0
    where = f"{f['reg']}+{offset}" if offset else f["reg"]
    if f["size"] == 4:
        return f"{where} = {f['value']:#010x}"
    return f"{where} = {f['value']:#0{2 + 2 * f['size']}x} ({8 * f['size']}-bit)"


#: Event kind -> its golden text (the compared part of a line).
FORMATS = {
    "mmio_write": _write_text,
    "pin": lambda f: f"{f['pin']} -> {'z' if f['level'] is None else f['level']}",
    "led": lambda f: f"{f['led']} -> {'on' if f['on'] else 'off'}",
    # periph (issue 13): what the board's other parts did
    "beeper": lambda f: (f"{f['beeper']} -> on {f['frequency']:.1f} Hz duty {round(f['duty'] * 100)}%"
                         if f["on"] else f"{f['beeper']} -> off"),
    "i2c": lambda f: f"{f['bus']}: {f['line']}",
    "board_reset": lambda f: f"{f['source']}: board reset",
}


@dataclass(frozen=True)
class Entry:
    text: str             # compared: "GPX2DAT = 0x00000080"
    step: str = ""        # "line 6: ./testled_app /dev/leddev 1 2"
    symbol: str = ""      # "myled_ioctl+0x5c"


class Recorder:
    """Collects a run's golden entries from a tracer, each with its step and symbol.

    ``symbolize(pc)`` names the code of each write, ``step()`` the script line it came from."""

    def __init__(self, tracer, symbolize, step):
        self.entries = []
        self.symbolize, self.step = symbolize, step
        for kind in FORMATS:
            tracer.subscribe(kind, self._event)

    def _event(self, kind, fields):
        pc = fields.get("pc")
        symbol = self.symbolize(pc) if pc is not None and self.symbolize else ""
        self.entries.append(Entry(FORMATS[kind](fields), self.step(), symbol))


def render(entries):
    """The golden file's text for ``entries``."""
    lines, step = [HEADER], None
    for e in entries:
        if e.step != step:
            step = e.step
            lines.append(f"# {step or 'before the first command'}\n")
        lines.append(f"{e.text:<32}  # {e.symbol}\n" if e.symbol else f"{e.text}\n")
    return "".join(lines)


def parse(text):
    """The entries of a golden file (steps and symbols taken from its comments)."""
    entries, step = [], ""
    for raw in text.splitlines():
        body, _, comment = raw.partition("#")
        body, comment = " ".join(body.split()), comment.strip()
        if body:
            entries.append(Entry(body, step, comment))
        elif comment.startswith("line "):
            step = comment
    return entries


@dataclass
class Divergence:
    index: int            # first entry that differs (0-based)
    expected: Entry       # None: the golden trace ended first
    actual: Entry         # None: the run's trace ended first
    diff: str

    def summary(self, golden_name):
        def where(e, who):
            parts = [p for p in (e.step, e.symbol and f"in {e.symbol}") if p]
            return f" ({who}{', '.join(parts)})" if parts else ""
        exp = f"'{self.expected.text}'" if self.expected else "end of trace"
        got = f"'{self.actual.text}'" if self.actual else "end of trace"
        at = where(self.actual, "") if self.actual else where(self.expected, "golden: ")
        return (f"golden trace {golden_name} differs at entry {self.index + 1}{at}: "
                f"expected {exp}, got {got}")


def compare(golden, actual, golden_name="golden", context=3, limit=30):
    """The first divergence between two entry lists, or None when they match."""
    want, got = [e.text for e in golden], [e.text for e in actual]
    if want == got:
        return None
    index = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    diff = list(difflib.unified_diff(want, got, golden_name, "this run", n=context, lineterm=""))
    if len(diff) > limit:
        diff = diff[:limit] + [f"... ({len(diff) - limit} more diff lines)"]
    pick = lambda seq: seq[index] if index < len(seq) else None  # noqa: E731
    return Divergence(index, pick(golden), pick(actual), "\n".join(diff))


@dataclass
class Verdict:
    ok: bool
    message: str = ""     # one line
    details: str = ""     # the diff
    note: str = ""        # "golden updated", ...


def sibling_of(script_path):
    """SCRIPT.golden beside SCRIPT.board: the golden trace checked without a `golden` line."""
    return os.path.splitext(os.path.abspath(script_path))[0] + SUFFIX


class GoldenCheck:
    """A script's golden trace: declared by `golden [FILE]` or a sibling SCRIPT.golden."""

    def __init__(self, script_path, update=False, recorder=None, rootfs=None):
        """recorder: the run's Recorder (None: the script has no golden trace); rootfs: a
        second folder golden files may live in (--rootfs); nothing else is read or written,
        as the guest sees nothing outside its root filesystem."""
        self.script = os.path.abspath(script_path)
        self.update = update
        self.recorder = recorder
        self.roots = [os.path.realpath(os.path.dirname(self.script))]
        if rootfs:
            self.roots.append(os.path.realpath(rootfs))
        self.path = None

    @property
    def sibling(self):
        return sibling_of(self.script)

    def command(self, args):
        """The console's `golden [FILE]` where golden traces are checked (runner/script.py
        adds it to the console)."""
        self.declare(args[0] if args else None)
        return 0

    def declare(self, name=None):
        """`golden [FILE]`: FILE relative to the script's directory (default: the sibling)."""
        if name is not None and ("\0" in name or not name):
            raise ScriptError(f"golden: invalid file name {name!r}")
        path = os.path.join(os.path.dirname(self.script), name) if name else self.sibling
        path = os.path.normpath(path)
        self.confined(path, name or os.path.basename(path))
        if self.path is not None and self.path != path:
            raise CommandFailed(f"golden: already declared as {self.path}")
        self.path = path

    def confined(self, path, shown):
        """path, if it (symbolic links resolved) lies inside the script's folder or --rootfs;
        else ScriptError (exit 2): a script never reads or writes other host files."""
        real = os.path.realpath(path)
        if not any(os.path.commonpath([real, root]) == root for root in self.roots):
            where = " or ".join(self.roots)
            raise ScriptError(f"golden: {shown}: outside the script's folder ({where})")
        return path

    def target(self):
        """The golden file this run is checked against, or None."""
        if self.path is not None:
            return self.path
        return self.sibling if os.path.isfile(self.sibling) else None

    def finish(self):
        """Compare the recorded trace with the golden file (or rewrite it when updating)."""
        path = self.target()
        if path is None:
            return Verdict(True)
        try:
            self.confined(path, path)        # the sibling may be a link out of the folder
        except ScriptError as e:
            return Verdict(False, str(e))
        if self.recorder is None:
            return Verdict(False, f"golden trace {path}: nothing was recorded (declare it "
                                  f"with a `golden` line)")
        rel = os.path.relpath(path)
        name = path if rel.startswith("..") else rel
        return (self._write if self.update else self._check)(path, name, self.recorder.entries)

    @staticmethod
    def _write(path, name, entries):
        text = render(entries)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    return Verdict(True, note=f"golden unchanged: {name}")
        except (OSError, UnicodeDecodeError):
            pass
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            return Verdict(False, f"golden trace {name} cannot be written: {e.strerror}")
        return Verdict(True, note=f"golden updated: {name} ({len(entries)} entries)")

    @staticmethod
    def _check(path, name, entries):
        try:
            with open(path, encoding="utf-8") as f:
                golden = parse(f.read())
        except FileNotFoundError:
            return Verdict(False, f"golden trace {name} does not exist "
                                  f"(create it with: emu4412 test --update-golden)")
        except (OSError, UnicodeDecodeError) as e:
            return Verdict(False, f"golden trace {name} cannot be read: {e}")
        divergence = compare(golden, entries, name)
        if divergence is None:
            return Verdict(True)
        return Verdict(False, divergence.summary(name), divergence.diff)
