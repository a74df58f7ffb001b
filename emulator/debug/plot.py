"""`--plot FILE.png|svg`: the LED/pin timeline as a picture, like a logic analyser's screen.

One row per LED (filled while lit) and per GPIO pin that changed, a step trace over virtual
time, names on the y axis; a pin that is not driven (z) sits at mid level, dashed. Drawn with
matplotlib's object API (no pyplot, so no display or global backend state): Agg for PNG, the
SVG backend with real text for SVG, so row names can be searched in the file. The format
comes from the extension; the file is opened at once (a bad path fails before the run) and
drawn by ``close()``, which the caller runs in a `finally`.
"""

import os

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import InputError
from .timeline import Timeline

#: File extension -> matplotlib format.
FORMATS = {".png": "png", ".svg": "svg"}
#: Time units for the x axis: (ns per unit, name), the largest that keeps the run >= 1 unit.
UNITS = ((1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us"), (1, "ns"))
ROW, HIGH = 1.0, 0.7           # row pitch, and the height of a 1 within it
#: At most this many distinguishable segments per row (about two per pixel column at 100 dpi).
MAX_SEGMENTS = 2000
BUSY = "busy"                  # a merged run of sub-pixel segments (see _visible)
LED_COLOUR, PIN_COLOUR, Z_COLOUR = "tab:red", "tab:blue", "tab:gray"


def plot_format(path):
    """'png' or 'svg' from ``path``'s extension; InputError for anything else."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix not in FORMATS:
        raise InputError(f"--plot {path}: unsupported file type "
                         f"(use {' or '.join(FORMATS)})")
    return FORMATS[suffix]


def _unit(span_ns):
    return next((scale, name) for scale, name in UNITS if span_ns >= scale or scale == 1)


def _visible(segments, min_width):
    """Merge runs of segments narrower than ``min_width`` into (t0, t1, BUSY): sub-pixel
    toggling (an ioctl loop) is drawn as one solid block, as logic analysers show it, and a
    100k-toggle run still draws in well under a second."""
    merged = []
    for t0, t1, level in segments:
        if t1 - t0 >= min_width:
            merged.append((t0, t1, level))
        elif merged and merged[-1][2] is BUSY:
            merged[-1] = (merged[-1][0], t1, BUSY)
        else:
            merged.append((t0, t1, BUSY))
    return merged


def _draw_signal(ax, signal, base, start, end, scale):
    """One row: a step trace (z at mid level, dashed), busy blocks, LEDs filled while lit."""
    colour = LED_COLOUR if signal.kind == "led" else PIN_COLOUR
    segments = _visible(signal.segments(start, end), (end - start) / MAX_SEGMENTS)
    levels = [level for _, _, level in segments]
    levels.append(levels[-1])                      # the trace's last point, at the end
    xs = np.array([t0 for t0, _, _ in segments] + [segments[-1][1]], dtype=float) / scale

    def y(pick):
        return np.array([pick(level) for level in levels], dtype=float)

    ax.step(xs, base + y(lambda v: np.nan if v in (BUSY, None) else v * HIGH), where="post",
            color=colour, linewidth=1.5)
    if None in levels:
        ax.step(xs, base + y(lambda v: HIGH / 2 if v is None else np.nan), where="post",
                color=Z_COLOUR, linestyle="--", linewidth=1.5)
    busy = [(t0 / scale, (t1 - t0) / scale) for t0, t1, level in segments if level is BUSY]
    if busy:
        ax.broken_barh(busy, (base, HIGH), facecolor=colour, alpha=0.5, edgecolor=colour)
    if signal.kind == "led":
        ax.fill_between(xs, base, base + y(lambda v: HIGH if v == 1 else 0), step="post",
                        color=colour, alpha=0.3, linewidth=0)


def render(timeline, out, fmt):
    """Draw ``timeline`` (closed) into the binary stream ``out`` as ``fmt``."""
    signals = timeline.signals()
    start, end = timeline.start_ns, max(timeline.end_ns, timeline.start_ns + 1)
    scale, unit = _unit(end - start)
    fig = Figure(figsize=(10, 1.0 + 0.45 * len(signals)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rows = range(len(signals) - 1, -1, -1)              # first signal on top
    for signal, row in zip(signals, rows):
        _draw_signal(ax, signal, row * ROW, start, end, scale)
    ax.set_yticks([row * ROW + HIGH / 2 for row in rows], [s.name for s in signals])
    ax.set_ylim(-0.3 * ROW, len(signals) * ROW)
    ax.set_xlim(start / scale, end / scale)
    ax.set_xlabel(f"virtual time ({unit})")
    ax.set_title(f"{timeline.board}: LEDs and GPIO pins")
    ax.grid(axis="x", alpha=0.3)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "emu4412"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)


class PlotWriter:
    """Records a machine's LED and pin changes; ``close()`` draws them into ``path``."""

    def __init__(self, machine, path):
        self._format = plot_format(path)
        try:
            self._out = open(path, "wb")
        except OSError as e:
            raise InputError(f"--plot {path}: {e.strerror}") from None
        self.timeline = Timeline(machine)

    def close(self):
        """Draw the picture and close the file (once; later calls do nothing)."""
        if self._out.closed:
            return
        self.timeline.close()
        try:
            render(self.timeline, self._out, self._format)
        finally:
            self._out.close()
