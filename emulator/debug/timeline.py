"""LED, GPIO pin and key levels over virtual time, from a machine's "led", "pin", "key" events.

The waveform outputs (`--vcd`, `--plot`) need the whole run before they can write: a VCD
declares every signal in its header and only the pins that changed belong there. So they
record here and write on ``close()``. Only changes are stored (a few per ioctl), each stamped
with ``machine.clock.now_ns()``, the virtual time `--trace` uses too.
"""

from dataclasses import dataclass, field


@dataclass
class Signal:
    """One row of the timeline: a level (1, 0, or None: the pin is not driven) and its changes."""

    name: str                  # "LED2", "gpx2-7"
    kind: str                  # "led" or "pin"
    initial: int | None        # the level when recording started
    changes: list = field(default_factory=list)     # [(t_ns, level), ...] in time order

    def segments(self, start_ns, end_ns):
        """[(t0, t1, level), ...] covering start..end, one per constant stretch."""
        points = [(start_ns, self.initial)] + self.changes
        ends = [t for t, _ in points[1:]] + [max(end_ns, points[-1][0])]
        return [(t0, t1, level) for (t0, level), t1 in zip(points, ends)]


class Timeline:
    """Subscribes to a machine's "led" and "pin" events until ``close()``.

    Every LED of the board is a signal (level 1 = lit); a GPIO pin becomes one at its first
    change, with the level it had when recording started as its initial value.
    """

    def __init__(self, machine):
        self._clock, self._tracer = machine.clock, machine.tracer
        self.board = machine.spec.name
        self.start_ns = self._clock.now_ns()
        self.end_ns = None
        self.leds = {name: Signal(name, "led", int(led.on)) for name, led in machine.hw.leds.items()}
        #: Every pin's driven level now, in the SoC's order (which orders the pin rows).
        self._before = {pin.name: pin.driven for bank in machine.hw.gpio.banks.values()
                        for pin in bank.pins}
        self._pins = {}
        self._tracer.subscribe("pin", self._pin)
        self._tracer.subscribe("led", self._led)
        # periph (issue 13): the beeper's on/off (a signal) and its frequency (Hz, a real)
        beeper = machine.hw.periph.beeper if machine.hw.periph is not None else None
        self.beeper = Signal(beeper.name, "beeper", int(beeper.on)) if beeper else None
        self.beeper_hz = Signal(f"{beeper.name}_hz", "beeper_hz", beeper.frequency) \
            if beeper else None
        if beeper:
            self._tracer.subscribe("beeper", self._beeper)
        # issue 12: the board's keys (1 = pressed), a row once one changes
        self.keys = {name: Signal(name, "key", int(key.pressed))
                     for name, key in machine.hw.keys.items()}
        self._tracer.subscribe("key", self._key)

    def _pin(self, _kind, fields):
        name = fields["pin"]
        signal = self._pins.get(name)
        if signal is None:
            signal = self._pins[name] = Signal(name, "pin", self._before[name])
        signal.changes.append((self._clock.now_ns(), fields["level"]))

    def _led(self, _kind, fields):
        self.leds[fields["led"]].changes.append((self._clock.now_ns(), int(fields["on"])))

    def _key(self, _kind, fields):
        self.keys[fields["key"]].changes.append((self._clock.now_ns(), int(fields["pressed"])))

    def _beeper(self, _kind, fields):
        now = self._clock.now_ns()
        self.beeper.changes.append((now, int(fields["on"])))
        self.beeper_hz.changes.append((now, fields["frequency"]))

    @property
    def pins(self):
        """The pins that changed, in the SoC's order."""
        order = {name: i for i, name in enumerate(self._before)}
        return sorted(self._pins.values(), key=lambda s: order[s.name])

    def signals(self):
        """Every LED, then every pin that changed (then the beeper and the keys that
        changed)."""
        beeper = [self.beeper] if self.beeper and self.beeper.changes else []
        keys = [key for key in self.keys.values() if key.changes]
        return list(self.leds.values()) + self.pins + beeper + keys

    def close(self):
        """Stop recording; the run's end (virtual time) is now. Safe to call twice."""
        if self.end_ns is None:
            self._tracer.unsubscribe("pin", self._pin)
            self._tracer.unsubscribe("led", self._led)
            self._tracer.unsubscribe("key", self._key)
            if self.beeper:
                self._tracer.unsubscribe("beeper", self._beeper)
            self.end_ns = self._clock.now_ns()
