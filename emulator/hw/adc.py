"""The Exynos4412 general-purpose ADC (0x126C0000): four analog inputs AIN0-3, 10 or 12 bits.

Source: Exynos 4412 SCP User's Manual, chapter "ADC" (ADCCON, ADCDLY, ADCDAT, CLRINTADC,
ADCMUX, reset values), and the register offsets of Linux's exynos_adc.c (v1: CON 0x00, DLY
0x08, DATX 0x0C, INTCLR 0x18, MUX 0x1C). A conversion takes 5 A/D clocks (1 MSPS at the 5 MHz
maximum), the A/D clock being PCLK / (PRSCVL + 1) with PRSCEN set, so it takes virtual time:
ECFLG reads 0 until then, ADCDAT keeps the previous result, and the end-of-conversion
interrupt (INT_ADC, combiner group 10 bit 3 on the Exynos4412) rises when it is done, until a
write to CLRINTADC.

A conversion starts by writing ADCCON with ENABLE_START (the bit reads 0 once started) or,
with READ_START set, by each read of ADCDAT. Misuse is a guest error: a start in standby
(STDBM) or without the prescaler enabled converts nothing; reading ADCDAT before ECFLG
returns the previous result ("undefined" in the manual). ADCDLY only matters to the touch-screen
interface this SoC does not have pins for: stored, not modelled.
"""

from .registers import Field, Reg, RegisterBlock

NS = 1_000_000_000
CLOCKS_PER_CONVERSION = 5
CHANNELS = ("AIN0", "AIN1", "AIN2", "AIN3")
ADCCON, ADCDLY, ADCDAT, CLRINTADC, ADCMUX = 0x00, 0x08, 0x0C, 0x18, 0x1C
RES, ECFLG, PRSCEN, STDBM, READ_START, ENABLE_START = 1 << 16, 1 << 15, 1 << 14, 1 << 2, 1 << 1, 1
PRSCVL_SHIFT, PRSCVL_MIN = 6, 19

REGISTERS = (
    Reg("ADCCON", ADCCON, 0x0000_3FC4, 0x0001_FFC7,
        fields=(Field("RES", 16, 1), Field("ECFLG", 15, 1), Field("PRSCEN", 14, 1),
                Field("PRSCVL", 6, 8), Field("STDBM", 2, 1), Field("READ_START", 1, 1),
                Field("ENABLE_START", 0, 1)),
        doc="ADC control"),
    Reg("ADCDLY", ADCDLY, 0x0000_00FF, 0x0000_FFFF, unimp=True,
        doc="touch-screen start delay: stored, not modelled (no touch screen)"),
    Reg("ADCDAT", ADCDAT, 0, 0x0000_0FFF, doc="conversion result"),
    Reg("CLRINTADC", CLRINTADC, 0, 0, doc="write: clear the end-of-conversion interrupt"),
    Reg("ADCMUX", ADCMUX, 0, 0xF, fields=(Field("SEL_MUX", 0, 4),), doc="input select"),
)


class Adc:
    """The ADC: ``region`` for the bus, ``set_input()`` for the board's analog levels."""

    def __init__(self, name, base, tracer, irqs, now_ns, pclk_hz=100_000_000, vref=1.8,
                 inputs=None, pc_provider=None, clock_enabled=lambda: True):
        """irqs: [end-of-conversion IrqLine]; vref: the reference voltage (full scale);
        inputs: channel name -> volts the board applies (others 0 V)."""
        self.name, self.tracer, self.now_ns = name, tracer, now_ns
        self.irq = list(irqs)[0]
        self.pclk_hz, self.vref, self.clock_enabled = pclk_hz, vref, clock_enabled
        self.inputs = dict.fromkeys(CHANNELS, 0.0)
        for channel, volts in (inputs or {}).items():
            self.set_input(channel, volts)
        self.region = block = RegisterBlock(name, base, 0x1000, tracer, pc_provider)
        self._v = block.values
        self._done_at = None            # virtual time the conversion in progress ends
        self._sample = None             # (channel, value) it will deliver
        behaviour = {"ADCCON": (self._con_read, self._con_written),
                     "ADCDAT": (self._dat_read, self._read_only),
                     "CLRINTADC": (None, self._clear_written),
                     "ADCMUX": (None, self._mux_written)}
        for reg in REGISTERS:
            block.add(reg, *behaviour.get(reg.name, (None, None)),
                      peek=self._dat_peek if reg.offset == ADCDAT else None)

    # -- the board side ---------------------------------------------------------------------

    def set_input(self, channel, volts):
        """Apply ``volts`` to ``channel`` ("AIN3"); ValueError outside 0..vref."""
        name = channel.upper()
        if name not in CHANNELS:
            raise ValueError(f"no ADC input {channel!r} (inputs: {', '.join(CHANNELS)})")
        if not 0.0 <= volts <= self.vref:
            raise ValueError(f"{name}: {volts:g} V is outside the ADC's range 0-{self.vref:g} V")
        self.inputs[name] = float(volts)

    def code(self, channel, bits=12):
        """The code a conversion of ``channel`` gives now at ``bits`` resolution."""
        full = (1 << bits) - 1
        return min(full, round(self.inputs[channel] / self.vref * full))

    # -- time -------------------------------------------------------------------------------

    def conversion_ns(self):
        """How long one conversion takes with the current prescaler."""
        prscvl = (self._v[ADCCON] >> PRSCVL_SHIFT) & 0xFF
        return CLOCKS_PER_CONVERSION * (prscvl + 1) * NS // self.pclk_hz

    def advance(self, now=None):
        """Finish the conversion in progress if its time has come."""
        if self._done_at is None:
            return
        now = self.now_ns() if now is None else now
        if now < self._done_at:
            return
        channel, value = self._sample
        self._done_at = self._sample = None
        self._v[ADCDAT] = value
        self._v[ADCCON] |= ECFLG
        bits = 12 if self._v[ADCCON] & RES else 10
        self.tracer.publish("adc", channel=channel, value=value,
                            volts=round(value * self.vref / ((1 << bits) - 1), 6))
        self.irq.raise_()

    def next_event_ns(self):
        return self._done_at

    # -- register behaviour -----------------------------------------------------------------

    def _start(self, source):
        con = self._v[ADCCON]
        if con & STDBM:
            self._guest_error(source, "conversion started in standby (ADCCON[2] STDBM=1): "
                                      "the converter is powered down, nothing is converted")
            return
        if not con & PRSCEN:
            self._guest_error(source, "conversion started with the prescaler disabled "
                                      "(ADCCON[14] PRSCEN=0): no A/D clock, nothing is converted")
            return
        if not self.clock_enabled():
            self._guest_error(source, "conversion started with the ADC clock gated")
            return
        prscvl = (con >> PRSCVL_SHIFT) & 0xFF
        if prscvl < PRSCVL_MIN:
            self._guest_error(source, f"PRSCVL={prscvl}: A/D clock {self.pclk_hz / (prscvl + 1) / 1e6:g}"
                                      f" MHz is above 5 MHz (PRSCVL 19-255): results undefined")
        channel = CHANNELS[self._v[ADCMUX] & 3]
        self._sample = (channel, self.code(channel, 12 if con & RES else 10))
        self._done_at = self.now_ns() + self.conversion_ns()
        self._v[ADCCON] = con & ~ECFLG

    def _con_read(self, stored):
        self.advance()
        return self._v[ADCCON]

    def _con_written(self, old, new, lanes):
        self.advance()
        value = (new & ~ECFLG) | (old & ECFLG)         # ECFLG is read only
        self._v[ADCCON] = value & ~ENABLE_START        # ENABLE_START clears once started
        if new & ENABLE_START and lanes & ENABLE_START:
            if new & READ_START:
                self._guest_error("ADCCON", "ENABLE_START with READ_START set: not valid "
                                            "(reads of ADCDAT start conversions)")
            self._start("ADCCON")

    def _dat_read(self, stored):
        self.advance()
        if self._done_at is not None:
            self._guest_error("ADCDAT", "read before the end of conversion (ADCCON[15] "
                                        "ECFLG=0): the previous result is returned")
        value = self._v[ADCDAT]
        if self._v[ADCCON] & READ_START:
            self._start("ADCDAT")
        return value

    def _dat_peek(self, stored):
        self.advance()
        return self._v[ADCDAT]

    def _read_only(self, old, new, lanes):
        self._v[ADCDAT] = old
        self._guest_error("ADCDAT", f"write of {new:#x} to the read-only ADCDAT: ignored")

    def _clear_written(self, old, new, lanes):
        self._v[CLRINTADC] = 0
        self.irq.lower()

    def _mux_written(self, old, new, lanes):
        if new > 3:
            self._guest_error("ADCMUX", f"SEL_MUX={new:#x} is reserved (AIN0-3 are 0-3): "
                                        f"AIN{new & 3} is converted")

    def _guest_error(self, source, message):
        if self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=source, message=message)
