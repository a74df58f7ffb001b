"""Interrupt lines between device models and interrupt controllers.

A device that raises an interrupt gets one :class:`IrqLine` per output (QEMU's qemu_irq, as a
level): ``raise_()`` asserts it, ``lower()`` deasserts it. Until an interrupt controller input
is attached with :meth:`IrqLine.connect` the line only records its level, so device models can
be built and unit-tested on their own; the board wiring connects lines to GIC SPIs, combiner
inputs or EINT pins.
"""


class IrqLine:
    """One level-sensitive interrupt output of a device, named for traces (``"pwm.timer0"``)."""

    __slots__ = ("name", "level", "_sink")

    def __init__(self, name):
        self.name = name
        #: The level the device drives: 1 asserted, 0 not.
        self.level = 0
        self._sink = None

    def connect(self, sink):
        """Route the line to ``sink(level)`` (a controller input); it sees the current level."""
        self._sink = sink
        sink(self.level)

    def disconnect(self):
        self._sink = None

    @property
    def connected(self):
        return self._sink is not None

    def raise_(self):
        self.set(1)

    def lower(self):
        self.set(0)

    def pulse(self):
        """An edge: assert then deassert (for controllers latching edges)."""
        self.set(1)
        self.set(0)

    def set(self, level):
        level = 1 if level else 0
        if level == self.level:
            return
        self.level = level
        if self._sink is not None:
            self._sink(level)

    def __repr__(self):
        return f"<IrqLine {self.name} {'high' if self.level else 'low'}>"
