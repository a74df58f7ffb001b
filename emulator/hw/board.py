"""Board descriptions (TOML) and the hardware built from them.

A board file (``boards/fs4412.toml``) names its SoC file (``soc = "exynos4412"``, looked up
beside the board file, then in the bundled ``boards/``), its DRAM and its wiring: LEDs and keys
on GPIO pins. :func:`load_board` reads and checks both files into a :class:`BoardSpec`;
:func:`build_hardware` makes the devices. Any problem with a file raises
:class:`~emulator.errors.BoardError` with a one-line message naming the file and the key.
"""

import datetime
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..data import data_dir
from ..errors import BoardError
from ..trace import Tracer
from .combiner import GROUP_SPI, Combiner
from .eint import BLOCK_LINES, PER_PIN_SPI, SHARED_WAKEUP_SPI
from .gic import Gic
from .gpio_exynos import BankSpec, GpioBlockSpec, GpioController, GpioSpec, parse_pin_name
from .ioport_window import IoPortWindow
from .ports_test_device import PORT_DEVICE_KINDS
from .registers import describe_change
from .key import Key
from .led import Led
from . import peripherals     # periph (issue 13): PWM, ADC, watchdog, RTC, I2C and board parts

BOARDS_DIR = data_dir("boards")
_REQUIRED = object()


@dataclass(frozen=True)
class LedSpec:
    """An LED of the board file: the GPIO pin it hangs on."""
    name: str
    pin: str
    active_high: bool = True


@dataclass(frozen=True)
class KeySpec:
    """A key of the board file: the GPIO pin it pulls."""
    name: str
    pin: str
    active_low: bool = True


@dataclass(frozen=True)
class PortDeviceSpec:
    """A device on the I/O port window, at its port."""
    name: str
    kind: str
    port: int


@dataclass(frozen=True)
class IoPortSpec:
    """An optional port-I/O window: physical base and size, and the port devices in it."""
    phys: int
    size: int
    devices: tuple


@dataclass(frozen=True)
class SocSpec:
    """A SoC file: its GPIO banks and peripherals."""
    name: str
    description: str
    path: Path
    gpio: GpioSpec
    devices: tuple = ()              # periph (issue 13): peripherals.DeviceSpec
    pclk_hz: int = 100_000_000


@dataclass(frozen=True)
class BoardSpec:
    """A board file: its SoC, RAM, LEDs, keys and wiring."""
    name: str
    description: str
    path: Path
    soc: SocSpec
    dram_base: int
    dram_size: int
    leds: tuple
    keys: tuple
    ioport: IoPortSpec = None
    wiring: peripherals.Wiring = peripherals.Wiring()   # periph (issue 13)
    kernel_release: str = "3.14.0"     # [kernel] release: the board kernel's `uname -r`

    @property
    def gpio_blocks(self):
        """The SoC's GPIO blocks (GpioBlockSpec: name, base, size, banks)."""
        return self.soc.gpio.blocks


@dataclass
class Hardware:
    """The board's devices: what the core maps (``mmio_regions``) and what users watch."""

    spec: BoardSpec
    gpio: GpioController
    leds: dict
    keys: dict
    mmio_regions: list
    ioport: IoPortWindow = None
    periph: peripherals.Peripherals = None    # periph (issue 13)
    gic: Gic = None                           # interrupt controllers (issue 12)
    combiner: Combiner = None
    _by_name: dict = field(default=None, init=False, repr=False)

    def register(self, name):
        """(block, Reg) of the SoC register called ``name`` (any case): the one lookup by name
        (expectations, the debugger's watchpoints, trace decoding, the Board API).
        LookupError if none."""
        if self._by_name is None:
            self._by_name = {}
            for block in self.mmio_regions:
                for reg in getattr(block, "registers", tuple)():
                    self._by_name.setdefault(reg.name.upper(), (block, reg))
        found = self._by_name.get(name.upper())
        if found is None:
            raise LookupError(f"no register {name!r} on this SoC (names like GPX2CON)")
        return found

    def describe_write(self, reg_name, old, new):
        """What a write to register ``reg_name`` changed, from its fields' declarations:
        ``["GPX2CON[31:28]: input->output"]``, ``["gpx2-7: 0->1"]`` (trace output)."""
        try:
            _, reg = self.register(reg_name)
        except LookupError:
            return []
        return describe_change(reg, old, new)

    def set_pc_provider(self, pc_provider):
        """Give every region a callable returning the guest PC, for mmio_* trace events."""
        for region in self.mmio_regions:
            region.pc_provider = pc_provider


# -- reading TOML with one-line errors ------------------------------------------------------

_KINDS = {int: "an integer", str: "a string", bool: "true or false", dict: "a table",
          list: "an array", float: "a number", datetime.datetime: "a date-time"}


class _Table:
    """A TOML table being read: typed lookups, unknown keys rejected, errors name the key."""

    def __init__(self, data, where, path):
        self.data, self.where, self.path = data, where, path
        self.seen = set()

    def error(self, key, problem):
        where = f"{self.where}.{key}" if self.where else key
        return BoardError(f"{self.path}: {where}: {problem}")

    def get(self, key, kind, default=_REQUIRED):
        self.seen.add(key)
        if key not in self.data:
            if default is _REQUIRED:
                raise self.error(key, f"missing (expected {_KINDS[kind]})")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"expected {_KINDS[kind]}, got {value!r}")
        return value

    def table(self, key, default=_REQUIRED):
        value = self.get(key, dict, default)
        return None if value is None else _Table(value, self._sub(key), self.path)

    def tables(self, key):
        items = self.get(key, list, [])
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.error(f"{key}[{i}]", f"expected a table, got {item!r}")
        return [_Table(item, self._sub(f"{key}[{i}]"), self.path) for i, item in enumerate(items)]

    def ints(self):
        """The whole table as key -> integer (a table of offsets or reset values)."""
        return {key: self.get(key, int) for key in self.data}

    def done(self):
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self.error(unknown[0], "unknown key")
        return self

    def _sub(self, key):
        return f"{self.where}.{key}" if self.where else key


def _read_toml(path):
    try:
        with open(path, "rb") as f:
            return _Table(tomllib.load(f), "", path)
    except FileNotFoundError:
        raise BoardError(f"{path}: no such board file") from None
    except OSError as e:
        raise BoardError(f"{path}: cannot read: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        message = " ".join(str(e).split())
        raise BoardError(f"{path}: invalid TOML: {message}") from None


# -- SoC and board files --------------------------------------------------------------------

def _bank(t):
    bank = BankSpec(name=t.get("name", str), pins=t.get("pins", int), offset=t.get("offset", int),
                    has_pdn=t.get("has_pdn", bool, True), eint=t.get("eint", int, None),
                    eint_offset=t.get("eint_offset", int, 0), wakeup=t.get("wakeup", bool, False))
    t.done()
    if not 1 <= bank.pins <= 8:
        raise t.error("pins", f"{bank.pins} pins: a bank has 1 to 8")
    return bank


def _load_soc(path):
    top = _read_toml(path)
    name, description = top.get("name", str), top.get("description", str, "")
    gpio = top.table("gpio")
    blocks = []
    for t in gpio.tables("blocks"):
        banks = tuple(_bank(b) for b in t.tables("banks"))
        blocks.append(GpioBlockSpec(t.get("name", str), t.get("base", int), t.get("size", int), banks))
        t.done()
    if not blocks:
        raise gpio.error("blocks", "no GPIO blocks")
    spec = GpioSpec(tuple(blocks), gpio.table("reset").ints(), gpio.table("eint").ints(),
                    gpio.table("wakeup").ints())
    gpio.done()
    devices, pclk_hz = peripherals.load_devices(top)
    top.done()
    try:                                   # a dry build checks alignment and register overlaps
        GpioController(spec, Tracer())
    except ValueError as e:
        raise BoardError(f"{path}: gpio: {e}") from None
    return SocSpec(name, description, path, spec, devices, pclk_hz)


def _resolve(name_or_path):
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        return Path(text)
    path = BOARDS_DIR / f"{text}.toml"
    if not path.is_file():
        raise BoardError(f"unknown board {text!r} (no {path}; bundled boards: {', '.join(bundled_boards())})")
    return path


def bundled_boards():
    """Names of the board files shipped in ``boards/`` (those naming a SoC)."""
    names = []
    for path in sorted(BOARDS_DIR.glob("*.toml")):
        try:
            if "soc" in tomllib.loads(path.read_text()):
                names.append(path.stem)
        except (OSError, ValueError):
            continue
    return names


def _soc_path(board_path, soc):
    for folder in (board_path.parent, BOARDS_DIR):
        if (folder / f"{soc}.toml").is_file():
            return folder / f"{soc}.toml"
    raise BoardError(f"{board_path}: soc: no SoC file {soc}.toml beside the board or in {BOARDS_DIR}")


def _check_pins(top, soc, devices, kind):
    banks = {bank.name: bank for block in soc.gpio.blocks for bank in block.banks}
    names = set()
    for i, device in enumerate(devices):
        try:
            bank_name, index = parse_pin_name(device.pin)
        except ValueError:
            bank_name, index = None, 0
        bank = banks.get(bank_name)
        if bank is None:
            raise top.error(f"{kind}[{i}].pin", f"no pin {device.pin!r} on {soc.name} "
                                                f"(expected a name like 'gpx2-7')")
        if index >= bank.pins:
            raise top.error(f"{kind}[{i}].pin", f"no pin {device.pin!r}: {bank_name} has pins "
                                                f"0-{bank.pins - 1}")
        if device.name in names:
            raise top.error(f"{kind}[{i}].name", f"{device.name!r} declared twice")
        names.add(device.name)


def load_board(name_or_path):
    """The board called ``name_or_path`` ("fs4412") or described by that .toml file.

    Parsed and validated once per file version in a process: a test runner builds a fresh
    board for every script.
    """
    path = _resolve(name_or_path)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None                           # _read_toml reports the problem
    return _load_board(path, stamp)


@functools.lru_cache(maxsize=8)
def _load_board(path, _stamp):
    top = _read_toml(path)
    name, description = top.get("name", str), top.get("description", str, "")
    soc = _load_soc(_soc_path(path, top.get("soc", str)))
    dram = top.table("dram")
    dram_base, dram_size = dram.get("base", int), dram.get("size", int)
    dram.done()
    if dram_base % 0x1000 or dram_size <= 0 or dram_size % 0x1000:
        raise top.error("dram", f"base {dram_base:#x} / size {dram_size:#x} must be 4 KiB multiples")
    leds = []
    for t in top.tables("leds"):
        leds.append(LedSpec(t.get("name", str), t.get("pin", str).lower(), t.get("active_high", bool, True)))
        t.done()
    keys = []
    for t in top.tables("keys"):
        keys.append(KeySpec(t.get("name", str), t.get("pin", str).lower(), t.get("active_low", bool, True)))
        t.done()
    ioport = _ioport(top.table("ioport", None))
    wiring = peripherals.load_wiring(top, soc.devices)
    release = _kernel_release(top.table("kernel", None))
    top.done()
    _check_pins(top, soc, leds, "leds")
    _check_pins(top, soc, keys, "keys")
    taken = {}
    for device in (*leds, *keys):
        if device.pin in taken:
            raise top.error("keys", f"{device.name} and {taken[device.pin]} both on {device.pin}")
        taken[device.pin] = device.name
    if wiring.beeper is not None:
        _check_pins(top, soc, [wiring.beeper], "beeper")
    return BoardSpec(name, description, path, soc, dram_base, dram_size, tuple(leds), tuple(keys),
                     ioport, wiring, release)


def _kernel_release(t):
    """The optional [kernel] table: release = the kernel's release string (vermagic's first
    word, `3.14.0-g1234abc-dirty` for a tree built from a modified git checkout)."""
    if t is None:
        return "3.14.0"
    release = t.get("release", str)
    t.done()
    if not release or any(c.isspace() for c in release) or not release.isprintable():
        raise t.error("release", f"{release!r} is not a kernel release (like 3.14.0)")
    return release


def _ioport(t):
    """The optional [ioport] table: phys, size, devices = [{name, kind, port}]."""
    if t is None:
        return None
    phys, size = t.get("phys", int), t.get("size", int)
    if phys % 0x1000 or size <= 0 or size % 0x1000 or size > 0x100000:
        raise t.error("size", f"window {phys:#x}+{size:#x}: 4 KiB multiples, at most 1 MiB "
                              f"(IO_SPACE_LIMIT)")
    devices = []
    for d in t.tables("devices"):
        device = PortDeviceSpec(d.get("name", str), d.get("kind", str), d.get("port", int))
        d.done()
        if device.kind not in PORT_DEVICE_KINDS:
            raise d.error("kind", f"unknown port device {device.kind!r} "
                                  f"(known: {', '.join(sorted(PORT_DEVICE_KINDS))})")
        if not 0 <= device.port < size:
            raise d.error("port", f"port {device.port:#x} outside the window (size {size:#x})")
        devices.append(device)
    t.done()
    return IoPortSpec(phys, size, tuple(devices))


def build_hardware(spec, tracer, pc_provider=None, now_ns=lambda: 0):
    """The devices of board ``spec``, publishing to ``tracer``; now_ns: the virtual clock."""
    gpio = GpioController(spec.soc.gpio, tracer, pc_provider)
    leds = {led.name: Led(led.name, gpio.pin(led.pin), tracer, led.active_high) for led in spec.leds}
    keys = {key.name: Key(key.name, gpio.pin(key.pin), key.active_low, tracer) for key in spec.keys}
    gic, combiner = _interrupt_controllers(gpio, tracer, pc_provider)
    regions, window = list(gpio.regions) + gic.regions + combiner.regions, None
    if spec.ioport is not None:
        devices = [PORT_DEVICE_KINDS[d.kind](d.name, d.port, tracer) for d in spec.ioport.devices]
        window = IoPortWindow(spec.ioport.phys, spec.ioport.size, devices, tracer)
        regions.append(window)
    periph = peripherals.build(spec.soc.devices, spec.soc.pclk_hz, spec.wiring, gpio, tracer,
                               pc_provider, now_ns)
    regions += periph.regions
    periph.connect_interrupts(gic.spi, combiner.line)        # their IRQs reach the GIC
    return Hardware(spec, gpio, leds, keys, regions, window, periph, gic, combiner)


def _interrupt_controllers(gpio, tracer, pc_provider):
    """The GIC and the combiner, with the combiner's groups and the GPIO EINT outputs wired to
    their inputs (issue 12; the SoC's routing is in hw/combiner.py and hw/eint.py)."""
    gic = Gic(tracer, pc_provider)
    combiner = Combiner(tracer, pc_provider)
    for group, spi in enumerate(GROUP_SPI):
        combiner.outputs[group] = gic.spi(spi)
    eint = gpio.eint
    for bank, first in PER_PIN_SPI.items():
        for i, line in enumerate(eint.pin_lines.get(bank, ())):
            line.connect(gic.spi(first + i))
    if "wakeup" in eint.shared:
        eint.wakeup_line.connect(gic.spi(SHARED_WAKEUP_SPI))
    for base, target in BLOCK_LINES.items():
        line = eint.block_line(base)
        if line is not None:
            line.connect(gic.spi(target[1]) if target[0] == "gic" else combiner.line(*target[1:]))
    return gic, combiner
