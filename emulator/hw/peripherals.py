"""The SoC's timer, converter and bus blocks and the board parts on them, from the TOML files.

The SoC file lists its blocks (``[[devices]]``: name, kind, base, interrupts such as
``"spi 37"`` or ``"combiner 10 3"``) and the peripheral clock (``[clocks] pclk``); the board
file wires its parts: the beeper on a PWM output pin, the ADC inputs (the potentiometer), the
devices on the I2C buses, the RTC's epoch. :func:`build` makes one model per block (a table
from kind to factory) and one :class:`~emulator.hw.irq.IrqLine` per interrupt, listed in
``irq_lines`` for the interrupt controllers to connect.
"""

import datetime as dt
from dataclasses import dataclass, field

from .adc import CHANNELS, Adc
from .beeper import Beeper
from .i2c_s3c import I2cController
from .irq import IrqLine
from .mpu6050 import Mpu6050
from .pwm import Pwm
from .rtc import DEFAULT_EPOCH, Rtc
from .wdt import Watchdog


@dataclass(frozen=True)
class DeviceSpec:
    """A SoC peripheral from the SoC file: its kind, registers' base and interrupts."""
    name: str
    kind: str
    base: int
    interrupts: tuple          # ("spi 37", ...) or ("combiner 10 3",)


@dataclass(frozen=True)
class BeeperSpec:
    """The board's beeper: the pin and PWM timer that drive it."""
    name: str
    pin: str
    function: int              # the GPxCON value routing the timer output to the pin
    pwm: str
    timer: int


@dataclass(frozen=True)
class I2cDeviceSpec:
    """A chip on one of the board's I2C buses, at its address."""
    name: str
    kind: str
    bus: str
    address: int


@dataclass(frozen=True)
class Wiring:
    """The board's parts on the SoC's peripheral blocks."""
    beeper: BeeperSpec = None
    adc_inputs: dict = field(default_factory=dict)      # "AIN3" -> volts
    adc_vref: float = 1.8
    pot: str = None                                      # the channel of the potentiometer
    i2c_devices: tuple = ()
    rtc_epoch: dt.datetime = DEFAULT_EPOCH


# -- reading the TOML tables (t: board.py's _Table) ---------------------------------------------

def _interrupt(t, key, text):
    words = text.split()
    ok = (len(words) == 2 and words[0] == "spi" and words[1].isdigit()) or \
         (len(words) == 3 and words[0] == "combiner" and words[1].isdigit() and words[2].isdigit())
    if not ok:
        raise t.error(key, f"interrupt {text!r}: write 'spi N' or 'combiner GROUP BIT'")
    return " ".join(words)


def load_devices(top):
    """The SoC file's ``[[devices]]`` and ``[clocks] pclk``: (devices, pclk_hz)."""
    devices = []
    for t in top.tables("devices"):
        kind = t.get("kind", str)
        if kind not in KINDS:
            raise t.error("kind", f"unknown device kind {kind!r} (known: {', '.join(KINDS)})")
        irqs = tuple(_interrupt(t, "interrupts", i) for i in t.get("interrupts", list, []))
        devices.append(DeviceSpec(t.get("name", str), kind, t.get("base", int), irqs))
        t.done()
    clocks = top.table("clocks", None)
    pclk = 100_000_000
    if clocks is not None:
        pclk = clocks.get("pclk", int, pclk)
        clocks.done()
    return tuple(devices), pclk


def load_wiring(top, devices):
    """The board file's ``[beeper]``, ``[adc]``, ``[[i2c_devices]]`` and ``[rtc]``."""
    names = {d.name: d for d in devices}
    beeper = None
    t = top.table("beeper", None)
    if t is not None:
        beeper = BeeperSpec(t.get("name", str, "beeper"), t.get("pin", str).lower(),
                            t.get("function", int), t.get("pwm", str), t.get("timer", int))
        if names.get(beeper.pwm, DeviceSpec("", "", 0, ())).kind != "pwm":
            raise t.error("pwm", f"no PWM block {beeper.pwm!r} on the SoC")
        if not 0 <= beeper.timer <= 3:
            raise t.error("timer", "timers 0-3 have outputs")
        t.done()
    inputs, vref, pot = {}, 1.8, None
    t = top.table("adc", None)
    if t is not None:
        vref = float(t.get("vref", float, 1.8))
        pot = t.get("pot", str, None)
        raw = t.get("inputs", dict, {})
        for channel, volts in raw.items():
            if channel not in CHANNELS or not isinstance(volts, (int, float)) \
                    or not 0 <= volts <= vref:
                raise t.error(f"inputs.{channel}", f"expected AIN0-3 = volts in 0-{vref:g}")
            inputs[channel] = float(volts)
        if pot is not None and pot not in CHANNELS:
            raise t.error("pot", f"{pot!r} is not an ADC input (AIN0-3)")
        t.done()
    i2c = []
    for t in top.tables("i2c_devices"):
        spec = I2cDeviceSpec(t.get("name", str), t.get("kind", str), t.get("bus", str),
                             t.get("address", int))
        t.done()
        if spec.kind not in I2C_KINDS:
            raise t.error("kind", f"unknown I2C device {spec.kind!r} (known: {', '.join(I2C_KINDS)})")
        if names.get(spec.bus, DeviceSpec("", "", 0, ())).kind != "i2c":
            raise t.error("bus", f"no I2C controller {spec.bus!r} on the SoC")
        if not 0x08 <= spec.address <= 0x77:
            raise t.error("address", f"{spec.address:#x} is not a 7-bit device address")
        i2c.append(spec)
    epoch = DEFAULT_EPOCH
    t = top.table("rtc", None)
    if t is not None:
        epoch = t.get("epoch", dt.datetime, DEFAULT_EPOCH)
        t.done()
    return Wiring(beeper, inputs, vref, pot, tuple(i2c), epoch)


# -- building -----------------------------------------------------------------------------------

@dataclass
class _Context:
    """What building a peripheral needs from the board."""
    tracer: object
    pc_provider: object
    now_ns: object
    pclk_hz: int
    wiring: Wiring
    on_reset: object


def _pwm(d, irqs, c):
    return Pwm(d.name, d.base, c.tracer, irqs, c.now_ns, c.pclk_hz, c.pc_provider)


def _adc(d, irqs, c):
    return Adc(d.name, d.base, c.tracer, irqs, c.now_ns, c.pclk_hz, c.wiring.adc_vref,
               c.wiring.adc_inputs, c.pc_provider)


def _wdt(d, irqs, c):
    return Watchdog(d.name, d.base, c.tracer, irqs, c.now_ns, c.on_reset, c.pclk_hz, c.pc_provider)


def _rtc(d, irqs, c):
    return Rtc(d.name, d.base, c.tracer, irqs, c.now_ns, c.wiring.rtc_epoch, c.pc_provider)


def _i2c(d, irqs, c):
    return I2cController(d.name, d.base, c.tracer, irqs, c.pc_provider)


#: Device kind -> factory(DeviceSpec, irq lines, context).
KINDS = {"pwm": _pwm, "adc": _adc, "wdt": _wdt, "rtc": _rtc, "i2c": _i2c}
#: I2C device kind -> factory(name, tracer).
I2C_KINDS = {"mpu6050": Mpu6050}


class Peripherals:
    """The built blocks: ``devices`` by name, ``regions`` for the bus, the board parts."""

    def __init__(self, devices, irq_lines, beeper, i2c_devices, pot):
        self.devices, self.irq_lines = devices, irq_lines
        self.regions = [d.region for d in devices.values()]
        self.beeper, self.i2c_devices, self.pot = beeper, i2c_devices, pot
        self._timed = [d for d in devices.values() if hasattr(d, "advance")]
        self.reset_message = None          # set when the watchdog reset the board

    def connect_interrupts(self, spi, combiner):
        """Route every device line to its controller input: ``spi(n)`` and
        ``combiner(group, bit)`` return the input sinks (the interrupt controllers' side)."""
        routes = {"spi": lambda words: spi(int(words[1])),
                  "combiner": lambda words: combiner(int(words[1]), int(words[2]))}
        for _name, _index, source, line in self.irq_lines:
            words = source.split()
            line.connect(routes[words[0]](words))

    def first(self, kind):
        """The first block of ``kind`` ("adc"), or None."""
        return next((d for d in self.devices.values() if KIND_OF[type(d)] == kind), None)

    def advance(self, now=None):
        """Bring every timed block up to ``now``: conversions, expiries, alarms."""
        for device in self._timed:
            device.advance(now)

    def next_event_ns(self):
        """The earliest virtual time a block has something to do (None: nothing scheduled)."""
        times = [t for d in self._timed if (t := d.next_event_ns()) is not None]
        return min(times) if times else None


KIND_OF = {Pwm: "pwm", Adc: "adc", Watchdog: "wdt", Rtc: "rtc", I2cController: "i2c"}


def build(devices, pclk_hz, wiring, gpio, tracer, pc_provider, now_ns):
    """Models for the SoC's ``devices`` and the board's ``wiring``."""
    holder = {}

    def on_reset(message):
        holder["p"].reset_message = message

    ctx = _Context(tracer, pc_provider, now_ns, pclk_hz, wiring, on_reset)
    built, lines = {}, []
    for d in devices:
        irqs = [IrqLine(f"{d.name}.{i}") for i in range(len(d.interrupts))]
        lines += [(d.name, i, source, line) for i, (source, line) in
                  enumerate(zip(d.interrupts, irqs))]
        built[d.name] = KINDS[d.kind](d, irqs, ctx)
    beeper = None
    if wiring.beeper is not None:
        b = wiring.beeper
        beeper = Beeper(b.name, gpio.pin(b.pin), f"func{b.function}",
                        built[b.pwm].touts[b.timer], tracer)
    i2c = {}
    for spec in wiring.i2c_devices:
        device = I2C_KINDS[spec.kind](spec.name, tracer)
        built[spec.bus].attach(spec.address, device)
        i2c[spec.name] = device
    p = holder["p"] = Peripherals(built, lines, beeper, i2c, wiring.pot)
    return p
