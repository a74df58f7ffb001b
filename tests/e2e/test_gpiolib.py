"""gpiolib, OF gpio helpers and misc devices (issue 11): 3.14's gpio numbers, register-level
effects, -EBUSY/-EPROBE_DEFER/-EINVAL, /sys/kernel/debug/gpio, /proc/misc."""

import shutil
import subprocess
import sys
from pathlib import Path

from emulator import Board

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"


def test_gpio_numbers_are_the_board_kernels():
    gpio = Board().machine.dm.gpio
    assert [gpio.number(b, p) for b, p in (("gpa0", 0), ("gpf3", 4), ("gpk0", 0), ("gpx1", 0),
                                            ("gpx2", 7), ("gpz", 0), ("gpv4", 1))] == \
        [0, 68, 83, 220, 235, 244, 284]


def test_gpioled_scenario():
    done = subprocess.run([sys.executable, "-m", "emulator.cli", "run",
                           str(SCENARIOS / "gpioled.board"), "--rootfs", str(PREBUILT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gpiolib_reaches_the_registers_as_pinctrl_samsung_does():
    board = Board(trace_kinds=("mmio_write",))
    board.insmod("gpioled.ko")
    writes = [(e["reg"], e["value"]) for e in board.trace]
    # direction_output(235, 0): DAT first, then the pin's CON field -> output.
    assert ("GPX2DAT", 0) in writes and ("GPX2CON", 0x10000000) in writes
    assert writes.index(("GPX2DAT", 0)) < writes.index(("GPX2CON", 0x10000000))
    assert board.reg("GPF3CON") & 0x00FF0000 == 0x00110000
    board.run("./testled_app", "/dev/gpioled", 1, 4)
    assert board.gpio("gpf3-4") == 1 and board.leds["LED4"]


def test_of_and_gpio_error_returns(variant_drivers, tmp_path):
    for f in ("gpioled.ko",):
        shutil.copy(PREBUILT / f, tmp_path / f)
    shutil.copy(variant_drivers["ofgpioerr"], tmp_path)
    board = Board(rootfs=tmp_path)
    board.insmod("gpioled.ko")
    try:
        board.insmod("ofgpioerr.ko")
    except Exception as e:                      # its init returns -ENODEV on purpose
        assert "No such device" in str(e)
    got = dict(line.split("] ofgpioerr: ", 1)[1].split(" = ", 1)
               for line in board.dmesg if "] ofgpioerr: " in line)
    assert got == {
        "bad compatible": "  (null)", "bad path": "  (null)",
        "node name": "fs4412-led full /fs4412-led",
        "missing u32": "-22", "short u32 array": "-75", "string": "0 fs4412,led",
        "bool": "1 0", "missing gpio": "-2", "led3 gpio": "220 flags 0", "gpio count": "1",
        "busy": "-16", "no chip": "-517", "valid 600": "0", "out of range": "-22",
        "direction no chip": "-22", "export": "-38", "key irq": "164",
        "key irqs": "164 165 0", "match": "fs4412,key", "no reg": "-22",
        "reg": "0 0x11000000-0x11000fff /pinctrl@11000000",
        "child": "/pinctrl@11000000/gpx2"}
    assert any("invalid GPIO 600" in line for line in board.dmesg)


def test_misc_minors_count_down_and_free():
    board = Board()
    board.insmod("gpioled.ko")
    misc = board.machine.vfs.read_file("/proc/misc").decode()
    assert misc.startswith(" 60 gpioled\n 61 network_throughput\n")
    assert board.machine.vfs.read_file("/sys/class/misc/gpioled/dev") == b"10:60\n"
    board.rmmod("gpioled")
    assert "gpioled" not in board.machine.vfs.read_file("/proc/misc").decode()
    assert "/dev/gpioled" not in board.machine.vfs.devices
