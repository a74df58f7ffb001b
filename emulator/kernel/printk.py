"""printk and the kernel log buffer (what `dmesg` shows and the console prints).

Linux 3.14 semantics: a KERN_<LEVEL> prefix sets the level (default_message_loglevel 4 when
absent), KERN_CONT or a level-less printk continues an unfinished line, messages below
console_loglevel (7) also go to the console, and each line is stamped with the (virtual)
time as `[    5.123456]`.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from .hypercall import export
from .printf import format_printk, split_level

DEFAULT_MESSAGE_LOGLEVEL = 4
CONSOLE_LOGLEVEL = 7


@dataclass
class LogRecord:
    """One line of the kernel log: its timestamp, level and text."""
    ts_ns: int
    level: int
    text: str

    def line(self):
        sec, ns = divmod(self.ts_ns, 1_000_000_000)
        return f"[{sec:5d}.{ns // 1000:06d}] {self.text}"


class LogBuffer:
    """The dmesg ring (unbounded here: a board session is short)."""

    def __init__(self, clock, tracer, console=None):
        self._clock, self._tracer = clock, tracer
        self.console = console          # callable(line) for messages below console_loglevel
        self.records = []
        self._partial = None            # (level, text) of an unfinished line
        self.console_loglevel = CONSOLE_LOGLEVEL   # dmesg -n, /proc/sys/kernel/printk set it
        self._booting = False
        self.readers = []               # wake() callables of sleeping /dev/kmsg readers

    def emit(self, level, cont, text):
        """Add printk output; `cont` is True for KERN_CONT or a level-less message."""
        if self._partial is not None and not cont:
            self._flush_partial()
        if level is None:
            level = self._partial[0] if self._partial is not None else DEFAULT_MESSAGE_LOGLEVEL
        if self._partial is not None:
            text = self._partial[1] + text
            self._partial = None
        *lines, rest = text.split("\n")
        for line in lines:
            self._store(level, line)
        if rest:
            self._partial = (level, rest)

    def kernel(self, level, text):
        """printk from the emulated kernel itself (Python side): one line at level."""
        self.emit(level, False, text if text.endswith("\n") else text + "\n")

    def _flush_partial(self):
        level, text = self._partial
        self._partial = None
        self._store(level, text)

    @contextmanager
    def booting(self):
        """(issue 13) Messages of the kernel's boot (the I2C adapters' probe) go to the log
        only: a run's console and trace start after the boot, on a fresh board as on a clone
        of a booted one."""
        self._booting = True
        try:
            yield
        finally:
            if self._partial is not None:
                self._flush_partial()
            self._booting = False

    def _store(self, level, text):
        record = LogRecord(self._clock.now_ns(), level, text)
        self.records.append(record)
        for wake in self.readers:         # devkmsg_read sleepers (wake_up_interruptible)
            wake()
        if self._booting:
            return
        if self._tracer.wants("printk"):
            self._tracer.publish("printk", level=level, text=text)
        if self.console is not None and level < self.console_loglevel:
            self.console(record.line())

    def lines(self):
        if self._partial is not None:
            self._flush_partial()
        return [r.line() for r in self.records]

    def texts(self):
        if self._partial is not None:
            self._flush_partial()
        return [r.text for r in self.records]


class Printk:
    """The printk export: renders the format with Linux's vsnprintf rules into the log."""

    def __init__(self, log, vm, symbolize):
        """vm: the memory formats and %s arguments are read through (the memory checker's
        view, so a bad pointer passed to printk is reported as KASAN does)."""
        self.log, self._vm, self._symbolize = log, vm, symbolize
        self.kernel = log.kernel

    def emit_raw(self, raw):
        """Log an already formatted message (bytes, with its KERN_ level prefix)."""
        level, cont, text = split_level(raw)
        self.log.emit(level, cont or level is None, text.decode("utf-8", "replace"))

    @export("printk", varargs=True)
    def printk(self, fmt, args):
        level, cont, text = format_printk(self._vm.read_cstr(fmt), args, self._vm.read_cstr,
                                          symbolize=self._symbolize, read_bytes=self._vm.read)
        self.log.emit(level, cont or level is None, text)
        return len(text)
