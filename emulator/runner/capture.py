"""What one script run printed and did last: the console stream (per step) and a ring
buffer of the most recent trace events, for the failure report of a hang or a crash."""

from collections import deque

from ..trace import CATALOGUE

#: Event kinds kept in the ring buffer (printk lines are in the console tail already).
RECENT_KINDS = ("mmio_write", "mmio_read", "pin", "led", "guest_error", "unimp",
                "syscall", "hypercall", "fault")
#: Fields shown in hex, and fields holding a code address (shown as symbol+offset).
HEX = {"addr", "value", "old"}
CODE = {"caller"}


class Capture:
    """A console stream (``write(text)``) that remembers which step printed each part."""

    def __init__(self):
        self.parts = []          # (number of steps when written, text)
        self.steps = []          # the console session's steps, set once the console exists

    def write(self, text):
        self.parts.append((len(self.steps), text))

    def flush(self):
        pass

    def text(self):
        return "".join(text for _, text in self.parts)

    def of_step(self, index):
        """What step ``index`` (0-based) printed, without its `# command` echo line."""
        text = "".join(t for n, t in self.parts if n == index + 1)
        head, sep, rest = text.partition("\n")
        return rest if head.startswith("# ") and sep else text

    def tail(self, n):
        return "\n".join(self.text().splitlines()[-n:])


class Recent:
    """The last ``size`` trace events, with the script line and symbol they came from."""

    def __init__(self, tracer, symbolize, step, size=12):
        """symbolize(pc) names code addresses; step() says which script line is running."""
        self.events = deque(maxlen=size)
        self.symbolize, self.step = symbolize, step
        for kind in RECENT_KINDS:
            if kind in CATALOGUE:
                tracer.subscribe(kind, self._event)

    def _event(self, kind, fields):
        self.events.append((self.step(), kind, fields))

    def _value(self, key, value):
        if key in CODE and isinstance(value, int) and self.symbolize:
            return self.symbolize(value)
        return f"{value:#x}" if key in HEX and isinstance(value, int) else value

    def lines(self):
        """The events as text. PCs are symbolized now (cheap on the hot path): module code
        keeps its symbols until rmmod; a finished program's show as addresses."""
        out = []
        for step, kind, fields in self.events:
            shown = " ".join(f"{k}={self._value(k, v)}" for k, v in fields.items() if k != "pc")
            pc = fields.get("pc")
            at = f" at {self.symbolize(pc)}" if pc is not None and self.symbolize else ""
            out.append(f"[{step or 'start'}] {kind} {shown}{at}")
        return out
