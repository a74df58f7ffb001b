"""The Python API (`from emulator import Board`) and the pytest plugin's `board` fixture and
board-script items, as a test author uses them."""

import shutil
import subprocess
import sys

import pytest

from emulator.errors import CommandFailed, GuestTimeout, InputError
from tests.e2e.helpers import ROOT


def test_import_does_not_load_the_cpu_until_board_is_asked_for():
    code = ("import sys, emulator; assert 'unicorn' not in sys.modules; "
            "from emulator import Board; print(Board.__module__, 'unicorn' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert proc.stdout.split() == ["emulator.board", "True"]


def test_board_fixture_drives_the_seed_driver(board):
    assert board.insmod("leddrv.ko") == "leddrv"
    board.mknod("/dev/leddev", "c", 11, 0)
    result = board.run("./testled_app", "/dev/leddev", 1, 2)
    assert (result.status, result.stdout, result.ok) == (0, "", True)
    assert board.leds == {"LED2": True, "LED3": False, "LED4": False, "LED5": False}
    assert board.gpio("gpx2-7") == 1 and board.gpio("gpx1-0") == 0
    assert board.reg("GPX2CON") & 0xF0000000 == 0x10000000
    assert board.reg("gpx2dat") & 0x80
    assert board.rmmod("leddrv") == []
    assert board.leaks == [("leddrv", [])]


def test_program_failure_is_a_status_not_an_exception(board):
    board.insmod("leddrv.ko")
    board.mknod("/dev/leddev", "c", 11, 0)
    result = board.run("./testled_app", "/dev/leddev", 1, 9)
    assert (result.status, result.stdout, result.ok) == (2, "len-no is invalid\n", False)
    assert board.run("./testled_app", "/dev/nothere", 1, 2).stdout == "open /dev/nothere failed\n"


def test_trace_lists_the_events_in_order(board):
    board.insmod("leddrv.ko")
    board.mknod("/dev/leddev", "c", 11, 0)
    mark = len(board.trace)
    board.run("./testled_app", "/dev/leddev", 1, 3)
    events = [e for e in board.trace[mark:] if e["kind"] in ("mmio_write", "pin", "led")]
    assert [(e["kind"], e.get("reg") or e.get("pin") or e.get("led")) for e in events] == [
        ("mmio_write", "GPX1DAT"), ("pin", "gpx1-0"), ("led", "LED3")]
    assert events[0]["value"] & 1 and events[1]["level"] == 1 and events[2]["on"] is True
    if hasattr(board.machine, "trace_calls"):          # syscall events (the trace issue)
        calls = [e["name"] for e in board.trace[mark:] if e["kind"] == "syscall"]
        assert calls[-4:] == ["openat", "ioctl", "close", "exit_group"]


def test_dmesg_and_console(board):
    board.insmod("leddrv.ko")
    board.rmmod("leddrv")
    assert all(line.startswith("[") for line in board.dmesg)
    assert isinstance(board.console, str)


def test_errors_raise_the_emulator_exceptions(board):
    with pytest.raises(InputError, match="nothere.ko: No such file or directory"):
        board.insmod("nothere.ko")
    board.insmod("leddrv.ko")
    with pytest.raises(CommandFailed, match="File exists"):
        board.insmod("leddrv.ko")
    with pytest.raises(CommandFailed, match="mknod: /tmp/x: ENOENT"):   # no /tmp: no skeleton
        board.mknod("/tmp/x", "c", 11, 0)


def test_a_hanging_driver_raises_guest_timeout(tmp_path, variant_drivers):
    from emulator import Board

    shutil.copy(variant_drivers["hang"], tmp_path)
    shutil.copy(ROOT / "firmware" / "prebuilt" / "testled_app", tmp_path)
    board = Board("fs4412", rootfs=tmp_path, timeout=0.5)
    board.insmod("hang.ko")
    board.mknod("/dev/hang", "c", 241, 0)
    with pytest.raises(GuestTimeout, match="hang_ioctl"):
        board.run("./testled_app", "/dev/hang", 1, 2)


PLUGIN_TEST = '''
def test_led(board):
    board.insmod("leddrv.ko")
    board.mknod("/dev/leddev", "c", 11, 0)
    assert board.run("./testled_app", "/dev/leddev", 1, 4).status == 0
    assert board.leds["LED4"]
'''


def test_plugin_collects_board_scripts_and_offers_the_fixture(tmp_path):
    (tmp_path / "ok.board").write_text("insmod leddrv.ko\nexpect proc /proc/modules leddrv\n")
    (tmp_path / "bad.board").write_text("insmod leddrv.ko\nexpect leds LED2=on\n")
    (tmp_path / "test_api.py").write_text(PLUGIN_TEST)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"--emu4412-rootfs={ROOT / 'firmware' / 'prebuilt'}", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "1 failed, 2 passed" in proc.stdout
    assert "expectation failed: LED2 is off, expected on" in proc.stdout
    assert "FAILED bad.board::bad - line 2 (expect leds LED2=on): expectation failed" in proc.stdout
