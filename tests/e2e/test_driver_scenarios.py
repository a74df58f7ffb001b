"""The issue-11 scenarios run green, and the console pieces they use: echo to sysfs, lsmod
newest first and matchable, ls of /dev, /sys and /proc/device-tree."""

import subprocess
import sys
from pathlib import Path

import pytest

from emulator import Board
from emulator.console import Console

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
