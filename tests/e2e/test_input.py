"""The input subsystem (issue 12, part 2): the built-in gpio-keys driver bound to a
`gpio-keys` node reports K2/K3/K4 on /dev/input/event0 (debounced); a course input driver
(request_irq + input_report_key) on the SDK and board-tree builds; evdev's blocking read,
poll, whole packets, ENODEV after unregister; the core's filtering."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIRMWARE, HAVE_CROSS
from tests.e2e.part2 import build, run

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
SCENARIOS = FIRMWARE / "scenarios"


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    root = tmp_path_factory.mktemp("input-apps")
    for name in ("input_app",):
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / name),
                        str(FIRMWARE / "apps" / "key_apps" / f"{name}.c")], check=True)
    return root


@pytest.fixture
def gk_root(apps, tmp_path):
    shutil.copy(apps / "input_app", tmp_path)
    shutil.copy(SCENARIOS / "gpio-keys.dts", tmp_path)
    shutil.copy(SCENARIOS / "gpio-keys.board", tmp_path)
    return tmp_path


def test_gpio_keys_scenario(gk_root):
    done = subprocess.run([sys.executable, "-m", "emulator.cli", "run",
                           str(gk_root / "gpio-keys.board")], capture_output=True, text=True,
                          cwd=FIRMWARE.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gpio_keys_debounce_and_events(gk_root):
    status, out, m = run("""
./input_app /dev/input/event0 4 &
click K3 bounce=3
sleep 0.05
click K2 30ms
wait
""", gk_root, dt=str(gk_root / "gpio-keys.dts"))
    assert status == 0, out
    keys = [line for line in out.splitlines() if " key " in line]
    # K3: 3 bounces 1 ms apart then held; reported 20 ms (4 jiffies) after the last edge
    # (the release bounces too): one event each, on the tick after the last edge + 20 ms;
    # K2 (5 ms default): the tick after each edge
    assert keys == ["0.025000 key 4 pressed", "0.130000 key 4 released",
                    "0.165000 key 3 pressed", "0.195000 key 3 released"], out
    assert "input: gpio-keys.2 as /devices/gpio-keys.2/input/input0" in "\n".join(m.dmesg())


def test_gpio_keys_needs_keycodes(apps, tmp_path):
    (tmp_path / "bad.dts").write_text(
        '#include "fs4412.dts"\n/ { gpio-keys { compatible = "gpio-keys";\n'
        '  nogpio { label = "x"; };\n  k2 { label = "K2"; gpios = <&gpx1 1 1>; }; }; };\n')
    status, out, m = run("ls /dev\n", tmp_path, dt=str(tmp_path / "bad.dts"))
    assert status == 0
    dmesg = "\n".join(m.dmesg())
    assert "gpio-keys gpio-keys.2: Found button without gpios" in dmesg
    assert "gpio-keys gpio-keys.2: Button without keycode: 0xdd" in dmesg
    assert "input" not in out.split("# ls /dev")[1]


@pytest.fixture(scope="module", params=["sdk", "genuine"])
def keyinput_root(request, apps, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"keyinput-{request.param}")
    shutil.copy(build(request.param, FIRMWARE / "drivers" / "keyinput",
                      tmp_path_factory.mktemp("keyinput-build")), root)
    shutil.copy(apps / "input_app", root)
    return root


def test_course_input_driver(keyinput_root):
    status, out, m = run("""
insmod keyinput.ko
expect dmesg "keyinput: 3 keys, evbit 0x13"
./input_app /dev/input/event0 4 poll &
expect stdout "/dev/input/event0: fs4412-keys"
click K2
click K4 20ms
wait
./input_app /dev/input/event0 &
rmmod keyinput
ls /dev/input
""", keyinput_root)
    assert status == 0, out
    keys = [line for line in out.splitlines() if " key " in line]
    assert [k.split(" ", 1)[1] for k in keys] == ["key 3 pressed", "key 3 released",
                                                 "key 28 pressed", "key 28 released"]
    assert keys[1].startswith("0.100") and keys[3].startswith("0.120")
    assert "read: No such device\n[2]+  Exit 1" in out   # the reader woke at unregister
    assert out.rstrip().endswith("# ls /dev/input")     # the node went away
    assert "input: fs4412-keys as /devices/virtual/input/input0" in "\n".join(m.dmesg())
