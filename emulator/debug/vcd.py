"""`--vcd FILE`: the board's LEDs, GPIO pins and keys as a Value Change Dump, for GTKWave.

One 1-bit wire per LED (1 = lit) under ``<board>.leds`` and per GPIO pin that changed during
the run under ``<board>.gpio``, per key pressed during the run under ``<board>.keys`` (1 =
pressed); a pin that is not driven (not an output) reads ``z``. Times are
virtual nanoseconds (``$timescale 1 ns``), the clock `--trace` stamps events with, so the two
line up and two runs write identical files. The header must name every signal before the
first change, so the file is written by ``close()``; the caller closes in a `finally`, and a
run that ends in a guest crash still leaves a complete file up to the crash.
"""

from importlib.metadata import PackageNotFoundError, version

from vcd import VCDWriter

from .timeline import Timeline


def _version():
    try:
        return f"emu4412 {version('emu4412')}"
    except PackageNotFoundError:
        return "emu4412"


#: Signal kind -> VCD scope under the board.
SCOPES = {"led": "leds", "pin": "gpio", "beeper": "beeper", "key": "keys"}


def _value(level):
    """A pin level as a VCD scalar: 0, 1, or 'z' for a pin nothing drives."""
    return "z" if level is None else level


class VcdWriter:
    """Records a machine's LED and pin changes; ``close()`` writes them to ``stream`` as VCD."""

    def __init__(self, machine, stream):
        """stream: a writable text stream (the caller closes it after ``close()``)."""
        self._stream = stream
        self.timeline = Timeline(machine)

    def close(self):
        """Write the VCD (once; later calls do nothing)."""
        timeline = self.timeline
        if timeline.end_ns is not None:
            return
        timeline.close()
        board = timeline.board
        writer = VCDWriter(self._stream, timescale="1 ns", date="", version=_version(),
                           comment=f"{board}: LEDs (1 = lit) and the GPIO pins that changed "
                                   f"(z = not driven); virtual time",
                           init_timestamp=timeline.start_ns)
        wires = []
        for signal in timeline.signals():
            scope = f"{board}.{SCOPES.get(signal.kind, 'gpio')}"
            wires.append((writer.register_var(scope, signal.name, "wire", size=1,
                                              init=_value(signal.initial)), signal))
        if timeline.beeper_hz is not None and timeline.beeper_hz.changes:   # periph: Hz
            hz = timeline.beeper_hz
            wires.append((writer.register_var(f"{board}.beeper", "frequency", "real",
                                              init=float(hz.initial)), hz))
        changes = sorted(((t, wire, level) for wire, signal in wires
                          for t, level in signal.changes), key=lambda change: change[0])
        for t, wire, level in changes:            # a stable sort: same-time changes keep order
            writer.change(wire, t, _value(level))
        writer.close(timeline.end_ns)
        self._stream.flush()
