"""Driver model and device tree (issue 11): the board's tree, platform devices, virqs, a
platform + DT driver with devtmpfs nodes, a failing probe, bad device trees."""

import shutil
import subprocess
import sys
from pathlib import Path

from emulator import Board
from emulator.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"


def _emu(*args):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_board_tree_populates_platform_devices():
    board = Board()
    names = board.machine.vfs.listdir("/sys/bus/platform/devices")
    assert {"11000000.pinctrl", "10490000.interrupt-controller", "fs4412-led.0",
            "fs4412-key.1", "138b0000.i2c"} <= set(names)
    assert "13860000.i2c" not in names                      # status = "disabled"
    assert board.machine.vfs.read_file("/proc/device-tree/fs4412-led/compatible") == \
        b"fs4412,led\0"


def test_virqs_follow_the_3_14_allocation_order():
    domains = Board().machine.dm.domains
    assert domains.find(57 + 32) == ("gic", 89)             # legacy: virq == GIC id
    # MCT's combiner lines first (populate order), then gpz's controller, then the keys.
    assert [domains.find(v) for v in (160, 161, 162, 163, 164, 165)] == [
        ("combiner", 101), ("combiner", 102), ("combiner", 103), ("combiner", 80),
        ("gpx1", 1), ("gpx1", 2)]
    assert domains.create_mapping("gpx1", 1) == 164           # existing mapping reused
    # (issue 13) then the I2C adapter's clients: the MPU6050's INT on gpx3-3
    assert domains.find(166) == ("gpx3", 3)
    assert domains.create_mapping("gpx3", 2) == 167           # next free number


def test_dtled_scenario_passes():
    done = _emu("run", SCENARIOS / "dtled.board", "--rootfs", PREBUILT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "probe of 11000c60.fs4412-dtbad failed with error -22" in done.stdout


def test_dtled_with_the_python_api(tmp_path):
    board = Board(dt=SCENARIOS / "dtled.dts")
    assert board.reg("GPX2PUD") >> 14 == 1 and board.reg("GPX2DRV") == 0
    board.insmod("dtled.ko")
    assert board.leds["LED2"]
    # the "default" pinctrl state was applied before probe: pull none, drive strength 3
    assert board.reg("GPX2PUD") >> 14 == 0 and board.reg("GPX2DRV") >> 14 == 3
    assert "/dev/dtled0" in board.machine.vfs.devices
    assert any("probe of 11000c60.fs4412-dtbad failed with error -22" in line
               for line in board.dmesg)
    assert board.rmmod("dtled") == []                       # the failed probe's devres freed
    assert "/dev/dtled0" not in board.machine.vfs.devices and not board.leds["LED2"]


def test_without_the_node_the_driver_does_not_probe():
    board = Board()
    board.insmod("dtled.ko")
    assert not board.leds["LED2"] and "/dev/dtled0" not in board.machine.vfs.devices


def test_bad_dts_is_exit_2_with_dtcs_message(tmp_path):
    bad = tmp_path / "bad.dts"
    bad.write_text('/dts-v1/;\n/ { foo = <1 ; };\n')
    script = tmp_path / "x.board"
    script.write_text("ls /dev\n")
    done = _emu("run", script, "--dt", bad)
    assert done.returncode == 2
    assert "syntax error" in done.stderr and "Traceback" not in done.stderr


def test_bad_dtb_is_a_clear_input_error(tmp_path):
    blob = tmp_path / "x.dtb"
    blob.write_bytes(b"not a tree")
    try:
        Board(dt=blob)
    except InputError as e:
        assert "not a device tree blob" in str(e)
    else:
        raise AssertionError("a bad blob was accepted")


def test_dt_line_after_a_command_is_invalid(tmp_path):
    script = tmp_path / "late.board"
    script.write_text("ls /dev\ndt x.dts\n")
    done = _emu("run", script)
    assert done.returncode == 2 and "before the first command" in done.stdout + done.stderr


def test_rmmod_reports_what_the_driver_model_still_holds(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["leakplat"], tmp_path)
    board = Board(rootfs=tmp_path)
    board.insmod("leakplat.ko")
    leaks = board.rmmod("leakplat")
    shown = sorted(f"{h.kind}: {h.what}" for h in leaks)
    assert shown[0].startswith("devres: devm_kmalloc(64) = 0x") and \
        shown[0].endswith(" for fs4412-led.0")
    assert shown[1] == 'platform_driver: platform driver "leakplat"'
    assert [h.site.split("+")[0] for h in sorted(leaks, key=lambda h: h.kind)] == [
        "leakplat_probe", "__this_module"]


def test_driverless_platform_device_prints_its_bus(variant_drivers, tmp_path):
    """dev_info on a device no driver claims names the bus (dev_driver_string), and the
    device's parent is the platform bus device, as on the board."""
    shutil.copy(variant_drivers["nodrvplat"], tmp_path)
    board = Board(rootfs=tmp_path)
    board.insmod("nodrvplat.ko")
    log = "\n".join(board.dmesg)
    assert "platform nodrvplat: no driver bound" in log
    assert "nodrvplat: parent platform, bus platform" in log
    assert board.rmmod("nodrvplat") == []


def test_dangling_label_names_the_reference(tmp_path):
    src = tmp_path / "lbl.dts"
    src.write_text('#include "fs4412.dts"\n/ { x { y = <&nolabel>; }; };\n')
    script = tmp_path / "x.board"
    script.write_text("ls /dev\n")
    done = _emu("run", script, "--dt", src)
    assert done.returncode == 2
    assert 'Reference to non-existent node or label "nolabel"' in done.stderr


def test_a_class_left_behind_makes_the_next_insmod_fail_as_on_the_board(tmp_path):
    """dtled's class "dtled" kept by a module that forgot class_destroy: -EEXIST."""
    board = Board()
    api = board.machine.dm.device_api
    name = board.machine.dm.core.cstr("dtled")
    first = api.class_create(0, name, 0)
    assert first < 0xFFFFF000
    assert api.class_create(0, name, 0) == -17 & 0xFFFFFFFF
    assert any("kobject_add_internal failed for dtled with -EEXIST" in line
               for line in board.dmesg)
