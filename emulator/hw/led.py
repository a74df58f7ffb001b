"""An LED lamp fed by one GPIO line (after QEMU hw/misc/led.c).

On the FS4412 the lamps LED2..LED5 hang on GPX2_7, GPX1_0, GPF3_4 and GPF3_5 through a
transistor: driving the line high lights them (active high). A line that is not driven (the pin
is not an output) leaves the lamp dark, whatever its polarity.
"""


class Led:
    """``on`` follows the driven level of ``pin``; each change publishes a "led" event."""

    def __init__(self, name, pin, tracer, active_high=True):
        self.name, self.pin, self.active_high = name, pin, active_high
        self._tracer = tracer
        self._active = 1 if active_high else 0
        self._on = pin.driven == self._active
        pin.connect(self._line_changed)

    @property
    def on(self):
        return self._on

    def _line_changed(self, pin, level):
        on = level == self._active
        if on != self._on:
            self._on = on
            tracer = self._tracer
            if "led" in tracer.active:          # (speed) no event built when nobody listens
                direct = tracer.direct.get("led")   # (speed) a trace file's line writer
                if direct is not None:
                    direct(self.name, on)
                else:
                    tracer.publish("led", led=self.name, on=on)

    def __repr__(self):
        return f"<Led {self.name} {'on' if self._on else 'off'} ({self.pin.name})>"
