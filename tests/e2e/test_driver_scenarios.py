"""The issue-11 scenarios run green, and the console pieces they use: echo to sysfs, lsmod
newest first and matchable, ls of /dev, /sys and /proc/device-tree."""

import subprocess
import sys
from pathlib import Path

import pytest

from emulator import Board
from emulator.console import Console
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"


@pytest.mark.parametrize("name", ["platpair", "ledclass", "leds-gpio"])
def test_scenario(name):
    done = subprocess.run([sys.executable, "-m", "emulator.cli", "run",
                           str(SCENARIOS / f"{name}.board"), "--rootfs", str(PREBUILT)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def _console(board):
    import io
    out = io.StringIO()
    return Console(board.machine, out), out


def test_echo_and_ls(tmp_path):
    board = Board(dt=SCENARIOS / "leds-gpio.dts")
    console, out = _console(board)
    status = console.run_lines(["echo hello world", "expect stdout '^hello world$'",
                                "ls /proc/device-tree", "expect stdout 'fs4412-led'",
                                "ls /sys/class", "expect stdout 'leds'",
                                "echo 0 > /sys/class/leds/led2/brightness",
                                "echo 1 > /sys/class/leds/nosuch/brightness"])
    assert status == 1
    assert "sh: can't create /sys/class/leds/nosuch/brightness: No such file or directory" \
        in out.getvalue()
    assert not board.leds["LED2"]


def test_lsmod_lists_newest_first_and_is_matchable():
    board = Board()
    console, out = _console(board)
    assert console.run_lines(["insmod dtled.ko", "insmod gpioled.ko", "lsmod",
                              "expect stdout '^Module +Size +Used by\\ngpioled +\\d+ +0\\n"
                              "dtled +\\d+ +0\\n$'"]) == 0


def test_a_process_writes_an_led_class_brightness(rootfs):
    """busybox `echo 1 > .../brightness` as a process: the store runs the driver's
    brightness_set inside the write, as on the board."""
    m = Machine("fs4412", str(rootfs), skeleton=board_skeleton())    # busybox's /bin
    m.insmod("/ledclass.ko")
    led4 = "/sys/class/leds/fs4412:led4/brightness"
    assert m.run("/bin/sh", ["-c", f"echo 1 > {led4}"]) == 0
    assert m.leds == {"LED2": False, "LED3": False, "LED4": True, "LED5": False}
    mark = len(m.stdout)
    assert m.run("/bin/cat", [led4]) == 0
    assert bytes(m.stdout[mark:]) == b"1\n"
    assert m.run("/bin/sh", ["-c", f"echo 0 > {led4}"]) == 0
    assert not m.leds["LED4"]
