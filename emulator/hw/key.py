"""A push button wired to a GPIO input.

On the FS4412 the keys K2, K3, K4 (GPX1_1, GPX1_2, GPX3_2) short the line to ground and a board
resistor pulls it up: released reads 1, pressed reads 0 (active low). An active-high key is
taken to have a pull-down instead. The key applies its level to the pad whatever the pin's
function; the SoC sees it when the pin is not an output (GPxnDAT of an input pin).
"""


class Key:
    """``press()`` / ``release()`` set the level the board applies to ``pin``; each change
    publishes a "key" event when a tracer is given."""

    def __init__(self, name, pin, active_low=True, tracer=None):
        self.name, self.pin, self.active_low = name, pin, active_low
        self._tracer = tracer
        self._pressed = False
        pin.set_board_level(self._level())

    @property
    def pressed(self):
        return self._pressed

    def press(self):
        self._set(True)

    def release(self):
        self._set(False)

    def _set(self, pressed):
        if pressed == self._pressed:
            return
        self._pressed = pressed
        if self._tracer is not None:
            self._tracer.publish("key", key=self.name, pressed=pressed)
        self.pin.set_board_level(self._level())

    def _level(self):
        return 0 if self._pressed == self.active_low else 1

    def __repr__(self):
        return f"<Key {self.name} {'pressed' if self._pressed else 'released'} ({self.pin.name})>"
