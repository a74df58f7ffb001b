"""The Python API for tests: one emulated board, driven like the console drives it.

    from emulator import Board
    board = Board("fs4412")                  # rootfs: the bundled prebuilt images
    board.insmod("leddrv.ko")
    board.mknod("/dev/leddev", "c", 11, 0)
    result = board.run("./testled_app", "/dev/leddev", 1, 2)
    assert result.status == 0 and board.leds["LED2"] and board.gpio("gpx2-7") == 1

Failures raise the emulator's errors (``emulator.errors``): CommandFailed for a failed insmod,
rmmod or mknod, GuestFault for a kernel oops, GuestTimeout when guest code runs past
``timeout``, InputError for a missing or invalid file. A program's non-zero exit status is
not an error: it is in ``Result.status``, as with ``subprocess.run``.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .data import data_dir
from .errors import CommandFailed
from .expectations import read_register
from .kernel.errno import NAMES
from .machine import Machine
from .trace import CATALOGUE, Tracer

PREBUILT = data_dir("prebuilt")
#: Event kinds `Board.trace` records by default (all of them).
TRACE_KINDS = tuple(CATALOGUE)


@dataclass(frozen=True)
class Result:
    """What a program run gave: its exit status and what it printed (stdout and stderr)."""

    status: int
    stdout: str

    @property
    def ok(self) -> bool:
        return self.status == 0


class Board:
    """A fresh emulated board (``name``: "fs4412" or a board TOML file)."""

    def __init__(self, name: str = "fs4412", rootfs: str | Path | None = None,
                 timeout: float = 10.0, trace_kinds: Iterable[str] = TRACE_KINDS, dt: str | Path | None = None):
        """rootfs: the directory relative paths resolve in (default: firmware/prebuilt);
        timeout: seconds one guest call may run; trace_kinds: what `trace` records;
        dt: the device tree, a .dtb or .dts path (default: the board's fs4412.dtb)."""
        self.rootfs = Path(rootfs) if rootfs is not None else PREBUILT
        self._console = io.StringIO()
        self._events = []
        tracer = Tracer()
        for kind in trace_kinds:
            tracer.subscribe(kind, self._record)
        self.machine = Machine(name, str(self.rootfs), timeout_s=timeout,
                               console=self._console.write, tracer=tracer,
                               dt=str(dt) if dt is not None else None)
        if {"syscall", "hypercall"} & set(trace_kinds) and hasattr(self.machine, "trace_calls"):
            self.machine.trace_calls()              # syscall/hypercall events (trace issue)

    def _record(self, kind, fields):
        self._events.append({"kind": kind, **fields})

    # -- driving --------------------------------------------------------------------------
    def insmod(self, path: str | Path) -> str | None:
        """Load a module from the rootfs and run its init; returns the module's name."""
        module = self.machine.insmod(str(path))
        return module.name if module is not None else None

    def rmmod(self, name: str) -> list:
        """Run the module's exit and unload it; returns what it still held (leaks)."""
        return self.machine.rmmod(name) or []

    def mknod(self, path: str, kind: str, major: int, minor: int) -> None:
        ret = self.machine.mknod(path, kind, int(major), int(minor))
        if ret < 0:
            raise CommandFailed(f"mknod: {path}: {NAMES.get(-ret, ret)}")

    def run(self, program: str, *args: object) -> Result:
        """Run an ARM program from the rootfs with ``args`` (str()-ed); returns a Result."""
        mark = len(self.machine.stdout)
        status = self.machine.run(str(program), [str(a) for a in args])
        return Result(status, bytes(self.machine.stdout[mark:]).decode("utf-8", "replace"))

    # -- keys -----------------------------------------------------------------------------
    def press(self, key):
        """Press board key ``key`` ("K2"); an interrupt it raises runs at once."""
        self.machine.set_key(self._key(key), True)

    def release(self, key):
        self.machine.set_key(self._key(key), False)

    def click(self, key, hold=0.1, bounce=0):
        """Press, hold for ``hold`` seconds of virtual time, release (``bounce`` chatters)."""
        from .console_keys import click
        click(self.machine, self._key(key), int(hold * 1e9), bounce)

    def _key(self, key):
        try:
            return self.machine.key(key).name
        except KeyError as e:
            raise CommandFailed(e.args[0]) from None

    # -- observing ------------------------------------------------------------------------
    @property
    def leds(self) -> dict[str, bool]:
        """LED name -> lit (a snapshot)."""
        return self.machine.leds

    def gpio(self, pin: str) -> int:
        """The level of ``pin`` ("gpx2-7"): 0 or 1."""
        return self.machine.hw.gpio.pin(pin).level

    def reg(self, name: str) -> int:
        """The value a read of SoC register ``name`` ("GPX2CON") returns (no side effects)."""
        return read_register(self.machine, name)

    @property
    def dmesg(self) -> list[str]:
        """The kernel log, one `[    0.000123] text` line each."""
        return self.machine.dmesg()

    @property
    def console(self) -> str:
        """Everything the board printed: program output, printk lines, guest errors."""
        return self._console.getvalue()

    @property
    def trace(self) -> list[dict]:
        """Events since the board was made: dicts with "kind" and the fields of
        `emulator.trace.CATALOGUE` (e.g. {"kind": "mmio_write", "reg": "GPX2DAT", ...})."""
        return list(self._events)

    # -- periph (issue 13): the board's other parts ------------------------------------------
    @property
    def beeper(self):
        """The beeper: ``.on``, ``.state`` ("on"/"off"), ``.frequency`` (Hz), ``.duty`` (0..1)."""
        return self.machine.hw.periph.beeper

    @property
    def adc(self):
        """The ADC model: ``set_input("AIN3", 1.65)``, ``inputs``, ``vref``."""
        return self.machine.hw.periph.first("adc")

    def pot(self, percent):
        """Turn the potentiometer to ``percent`` (0-100) of its travel."""
        adc = self.adc
        adc.set_input(self.machine.hw.periph.pot, adc.vref * percent / 100)

    def sensor(self, name="mpu6050"):
        """An I2C sensor: ``set_accel(x, y, z)`` (g), ``set_gyro`` (deg/s), ``set_temp`` (C)."""
        return self.machine.hw.periph.i2c_devices[name]

    @property
    def rtc(self):
        """The RTC: ``now()`` and ``set_time(datetime)``."""
        return self.machine.hw.periph.first("rtc")

    def sleep(self, seconds):
        """Let virtual time pass (as the console's `sleep`: devices see every event)."""
        from .console_periph import sleep
        sleep(self.machine, seconds * 1e9)

    @property
    def reset(self):
        """The watchdog's reset message ("watchdog: board reset") if it reset the board."""
        return self.machine.hw.periph.reset_message

    @property
    def leaks(self) -> list[tuple[str, list]]:
        """(module, [Held]) for every rmmod so far."""
        return list(self.machine.modules.leak_reports)
