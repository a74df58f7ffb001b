"""`--progress`: a live `[done/total] elapsed, ETA` line for long runs on a terminal.

Drawn on stderr with a carriage return and erased before each result line, so the result
lines stay clean. Off when stderr is not a terminal or under CI (the CI variable set, as
GitHub Actions, GitLab CI and most others set it): logs get no control characters.
"""

import os
import sys
import time

ERASE = "\r\x1b[K"


def wanted(stream=None, environ=None):
    stream = stream or sys.stderr
    environ = os.environ if environ is None else environ
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not environ.get("CI") and environ.get("TERM") != "dumb"


def text(done, total, elapsed):
    """`[12/100] 3.1 s, ETA 22.8 s` (no ETA before the first result)."""
    line = f"[{done}/{total}] {elapsed:.1f} s"
    if done:
        line += f", ETA {elapsed / done * (total - done):.1f} s"
    return line


class Progress:
    """The live line for ``total`` scripts on ``stream``."""

    def __init__(self, total, stream=None, clock=time.perf_counter):
        self.total, self.stream, self.clock = total, stream or sys.stderr, clock
        self.started = clock()
        self.done = 0

    def show(self):
        self.stream.write(ERASE + text(self.done, self.total, self.clock() - self.started))
        self.stream.flush()

    def clear(self):
        self.stream.write(ERASE)
        self.stream.flush()

    def advance(self):
        self.done += 1
