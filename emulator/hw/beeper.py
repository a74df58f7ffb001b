"""The FS4412's beeper: a passive buzzer driven by PWM timer 0's output TOUT0 on GPD0_0.

A passive buzzer sounds at the frequency of the square wave it is fed. On the FS4412 it hangs
on GPD0_0 through a transistor; the pad carries TOUT0 only when GPD0CON[3:0] selects function 2
(UM ch. 6, "GPD0CON[0]: 0x2 = TOUT_0"). It sounds while that holds and the timer runs with
auto-reload and a duty cycle strictly between 0% and 100% (a constant level is silent).
Each change publishes a "beeper" event (on, frequency in Hz, duty 0..1).
"""


class Beeper:
    """``on``, ``frequency`` (Hz) and ``duty`` (0..1) of what the buzzer plays now."""

    def __init__(self, name, pin, function, tout, tracer):
        """pin: the GPIO pad; function: the CON value routing the timer output to it
        ("func2"); tout: the PWM timer output (:class:`emulator.hw.pwm.Tout`)."""
        self.name, self.pin, self.function, self.tout = name, pin, function, tout
        self._tracer = tracer
        self.on, self.frequency, self.duty = False, 0.0, 0.0
        pin.on_function(lambda _pin, _function: self._update())
        tout.connect(lambda _tout: self._update())
        self._update()

    @property
    def state(self):
        """"on" or "off"."""
        return "on" if self.on else "off"

    def describe(self):
        """The console's words for it: ``beeper: on 1000.0 Hz duty 50%`` / ``beeper: off``."""
        if not self.on:
            return f"{self.name}: off"
        return f"{self.name}: on {self.frequency:.1f} Hz duty {round(self.duty * 100)}%"

    def _update(self):
        routed = self.pin.function == self.function
        on = routed and self.tout.sounding
        frequency, duty = (self.tout.frequency, self.tout.duty) if on else (0.0, 0.0)
        if (on, frequency, duty) != (self.on, self.frequency, self.duty):
            self.on, self.frequency, self.duty = on, frequency, duty
            self._tracer.publish("beeper", beeper=self.name, on=on, frequency=frequency,
                                 duty=duty)

    def __repr__(self):
        return f"<Beeper {self.describe()} ({self.pin.name})>"
