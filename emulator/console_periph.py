"""Console commands and expectations for the board's peripherals (beeper, ADC, sensors, RTC,
watchdog), and the time stepping they need.

Commands: ``adc [AINn [VOLTS]]``, ``pot [PERCENT]``, ``sensor NAME [accel X Y Z | gyro X Y Z |
temp T]``, ``beeper``, ``rtc [set YYYY-MM-DDTHH:MM:SS]``. Expectations: ``expect beeper on
[FREQ]`` (1% tolerance), ``expect beeper off``, ``expect reset``. Units may be written with the
value (``1.65V``, ``900mV``, ``50%``, ``1g``, ``90dps``, ``25C``).

:class:`PeriphPanel` prints what a person at the board would notice: ``beeper: on 1000.0 Hz
duty 50%`` / ``beeper: off``, ``watchdog: board reset``. :func:`sleep` lets virtual time pass
stopping at each hardware event (a conversion's end, a timer or watchdog expiry, an alarm).
"""

import datetime as dt
import re

from . import console
from .errors import CommandFailed
from .expectations import expectation

#: How far `expect beeper on FREQ` may be off: 1% of FREQ.
FREQ_TOLERANCE = 0.01
_NUMBER = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z%°]*)$", re.I)
#: Unit suffix -> factor to the base unit, per quantity.
UNITS = {
    "volts": {"": 1.0, "v": 1.0, "mv": 1e-3},
    "percent": {"": 1.0, "%": 1.0},
    "g": {"": 1.0, "g": 1.0, "mg": 1e-3},
    "dps": {"": 1.0, "dps": 1.0, "°/s": 1.0},
    "celsius": {"": 1.0, "c": 1.0, "°c": 1.0},
    "hz": {"": 1.0, "hz": 1.0, "khz": 1e3},
}


def parse_quantity(text, quantity):
    """'1.65V' -> 1.65; CommandFailed naming the expected unit."""
    match = _NUMBER.match(text.strip())
    units = UNITS[quantity]
    if not match or match.group(2).lower() not in units:
        wanted = "/".join(u for u in units if u) or "a number"
        raise CommandFailed(f"'{text}' is not a value in {wanted}")
    return float(match.group(1)) * units[match.group(2).lower()]


def _periph(con):
    periph = con.machine.hw.periph
    if periph is None:
        raise CommandFailed("this board has no peripherals")
    return periph


def _device(con, kind, what):
    device = _periph(con).first(kind)
    if device is None:
        raise CommandFailed(f"this board has no {what}")
    return device


def _say(con, text):
    con.out.write(text + "\n")
    con._capture(text + "\n")


# -- time --------------------------------------------------------------------------------------

def sleep(machine, ns):
    """Let ``ns`` of virtual time pass, stepping through every hardware event on the way
    (Machine.advance: tasks, timers and interrupts run too)."""
    machine.advance(ns)


def after_command(con):
    """Bring the devices up to now; returns the reset message if the board was reset."""
    periph = con.machine.hw.periph
    if periph is None:
        return None
    periph.advance()
    return periph.reset_message


# -- what the console prints on its own ---------------------------------------------------------

def panel_suffix(machine):
    """The beeper on the terminal's LED panel: ``  ♪ 1000.0 Hz`` while it sounds; then the
    keys held down (issue 12): ``  K2 ▼``."""
    periph = machine.hw.periph
    beeper = periph.beeper if periph is not None else None
    text = f"  ♪ {beeper.frequency:.1f} Hz" if beeper is not None and beeper.on else ""
    return text + "".join(f"  {name} ▼" for name, key in machine.hw.keys.items() if key.pressed)


class PeriphPanel:
    """Prints beeper changes and a watchdog reset as they happen (plain lines, also on a
    terminal, where the LED panel shows a sounding beeper too)."""

    def __init__(self, machine, out):
        self._out = out
        machine.tracer.subscribe("beeper", self._beeper)
        machine.tracer.subscribe("board_reset", self._reset)

    def _beeper(self, _kind, f):
        text = (f"{f['beeper']}: on {f['frequency']:.1f} Hz duty {round(f['duty'] * 100)}%"
                if f["on"] else f"{f['beeper']}: off")
        self._out.write(text + "\n")

    def _reset(self, _kind, f):
        self._out.write(f"{f['source']}: board reset\n")


# -- commands ----------------------------------------------------------------------------------

@console.command("adc", "adc [AINn [VOLTS]]")
def cmd_adc(con, args):
    """Show the ADC inputs, or apply VOLTS to input AINn."""
    adc = _device(con, "adc", "ADC")
    if len(args) >= 2:
        try:
            adc.set_input(args[0], parse_quantity(args[1], "volts"))
        except ValueError as e:
            raise CommandFailed(f"adc: {e}") from None
        return 0
    channels = [args[0].upper()] if args else list(adc.inputs)
    for channel in channels:
        if channel not in adc.inputs:
            raise CommandFailed(f"adc: no input {args[0]!r} (inputs: {', '.join(adc.inputs)})")
        _say(con, f"adc {channel} {adc.inputs[channel]:.3f}V")
    return 0


@console.command("pot", "pot [PERCENT]")
def cmd_pot(con, args):
    """Turn the board's potentiometer to PERCENT of its travel (or show where it is)."""
    adc, pot = _device(con, "adc", "ADC"), _periph(con).pot
    if pot is None:
        raise CommandFailed("pot: this board has no potentiometer")
    if args:
        percent = parse_quantity(args[0], "percent")
        if not 0 <= percent <= 100:
            raise CommandFailed(f"pot: {args[0]} is outside 0-100%")
        adc.set_input(pot, adc.vref * percent / 100)
        return 0
    _say(con, f"pot {adc.inputs[pot] / adc.vref * 100:.0f}% ({pot} {adc.inputs[pot]:.3f}V)")
    return 0


SENSOR_USAGE = "sensor NAME [accel X Y Z | gyro X Y Z | temp T]"
#: What `sensor NAME WHAT ...` sets: WHAT -> (values, unit, setter(sensor, values)).
SENSOR_SETTERS = {
    "accel": (3, "g", lambda sensor, v: sensor.set_accel(*v)),
    "gyro": (3, "dps", lambda sensor, v: sensor.set_gyro(*v)),
    "temp": (1, "celsius", lambda sensor, v: sensor.set_temp(*v)),
}


@console.command("sensor", SENSOR_USAGE)
def cmd_sensor(con, args):
    """Set what an I2C sensor measures (g, deg/s, deg C), or show it."""
    con._need(args, 1, SENSOR_USAGE)
    devices = _periph(con).i2c_devices
    sensor = devices.get(args[0])
    if sensor is None:
        raise CommandFailed(f"sensor: no sensor {args[0]!r} (board has {', '.join(devices) or 'none'})")
    if len(args) == 1:
        _say(con, f"{args[0]}: accel {' '.join(f'{v:g}' for v in sensor.accel)} g, gyro "
                  f"{' '.join(f'{v:g}' for v in sensor.gyro)} dps, temp {sensor.temp:g} C"
                  f"{' (asleep)' if sensor.asleep else ''}")
        return 0
    what = SENSOR_SETTERS.get(args[1])
    if what is None or len(args) != 2 + what[0]:
        raise CommandFailed(f"usage: {SENSOR_USAGE}")
    _count, unit, setter = what
    setter(sensor, [parse_quantity(a, unit) for a in args[2:]])
    return 0


@console.command("beeper", "beeper")
def cmd_beeper(con, args):
    beeper = _periph(con).beeper
    if beeper is None:
        raise CommandFailed("beeper: this board has no beeper")
    _say(con, beeper.describe())
    return 0


@console.command("rtc", "rtc [set YYYY-MM-DDTHH:MM:SS]")
def cmd_rtc(con, args):
    rtc = _device(con, "rtc", "RTC")
    if args:
        if args[0] != "set" or len(args) != 2:
            raise CommandFailed("usage: rtc [set YYYY-MM-DDTHH:MM:SS]")
        try:
            rtc.set_time(dt.datetime.fromisoformat(args[1]))
        except ValueError:
            raise CommandFailed(f"rtc: '{args[1]}' is not a date-time like 2014-01-01T12:00:00") from None
        return 0
    _say(con, f"rtc {rtc.now().isoformat()}")
    return 0


# -- expectations ------------------------------------------------------------------------------

@expectation("beeper", "beeper on [FREQ] | beeper off")
def expect_beeper(con, args):
    con._need(args, 1, "expect beeper on [FREQ] | off")
    beeper = _periph(con).beeper
    if beeper is None:
        raise CommandFailed("expect beeper: this board has no beeper")
    want = args[0]
    if want not in ("on", "off"):
        raise CommandFailed("expect beeper: state must be on or off")
    actual = beeper.describe()
    if want == "off" or not beeper.on:
        return beeper.on == (want == "on"), f"{actual}, expected {want}"
    if len(args) < 2:
        return True, ""
    freq = parse_quantity(args[1], "hz")
    ok = abs(beeper.frequency - freq) <= FREQ_TOLERANCE * freq
    return ok, f"{actual}, expected on {freq:g} Hz (within 1%)"


@expectation("reset", "reset")
def expect_reset(con, args):
    periph = con.machine.hw.periph
    message = periph.reset_message if periph is not None else None
    return message is not None, "the board was not reset"

