"""Interrupts end to end (issue 12): a course key driver's handler runs when a script presses
K2/K3, in hardirq context, counted in /proc/interrupts; keys in traces; bad keys fail."""

import io
import shutil

import pytest

from emulator import Board
from emulator.console import Console
from emulator.machine import Machine
from emulator.trace import Tracer
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("irq")
    build = tmp_path_factory.mktemp("irq-build")
    shutil.copy(build_module(FIRMWARE / "drivers" / "keyirq", build), root / "keyirq.ko")
    return root


def run(script, rootfs, tracer=None):
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=10, console=out.write, tracer=tracer)
    status = Console(machine, out).run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine


KEYS = """
insmod keyirq.ko
click K2
click K2 20ms
press K3
release K3
click K4
expect dmesg "key2: irq 164, press 2, level 0, in_irq 1, irqs_disabled 1"
expect proc /proc/interrupts "164:\\s+2 exynos_wkup_irq_chip\\s+1  key2"
rmmod keyirq
expect dmesg "key2 2 presses, key3 1 presses"
"""


def test_key_presses_run_the_drivers_handler(rootfs):
    status, out, m = run(KEYS, rootfs)
    assert status == 0, out
    dmesg = "\n".join(m.dmesg())
    assert "keyirq: key2 on gpio 221 is irq 164" in dmesg
    assert "key3: irq 165, press 1, level 0, in_irq 1, irqs_disabled 1" in dmesg
    assert dmesg.count("key2: irq 164") == 2          # falling edges only; K4 has no handler
    # free_irq masked the lines again: EXT_INT41_MASK bits 1 and 2 set, the GIC SPIs enabled
    assert m.hw.gpio.eint_groups["gpx1"].block.peek(0xF04) & 0b110 == 0b110


def test_proc_interrupts_format(rootfs):
    status, out, m = run("insmod keyirq.ko\nclick K3\ncat /proc/interrupts", rootfs)
    assert status == 0
    lines = out.split("# cat /proc/interrupts\n")[1].splitlines()
    assert lines[0] == " " * 11 + "CPU0" + " " * 7
    assert "165:          1 exynos_wkup_irq_chip   2  key3" in lines
    assert "164:          0 exynos_wkup_irq_chip   1  key2" in lines
    assert lines[-1] == "Err:          0" and lines[-2] == "IPI7:          0  completion interrupts"


def test_same_script_same_output_and_trace(rootfs, tmp_path):
    outputs = []
    for _ in range(2):
        events = []
        tracer = Tracer()
        for kind in ("key", "irq", "printk", "mmio_write"):
            tracer.subscribe(kind, lambda kind, fields: events.append((kind, dict(fields))))
        status, out, m = run(KEYS, rootfs, tracer)
        assert status == 0
        outputs.append((out, events, m.cpu.instructions))
    assert outputs[0] == outputs[1]
    kinds = [k for k, _ in outputs[0][1]]
    assert kinds.count("key") == 8 and kinds.count("irq") == 6     # entry + exit each


def test_unknown_key_fails_the_command(rootfs):
    status, out, _ = run("press K9", rootfs)
    assert status == 1
    assert "press: no key K9 (board has K2, K3, K4)" in out


def test_bad_click_arguments(rootfs):
    status, out, _ = run("click K2 soon", rootfs)
    assert status == 1 and "click: invalid duration 'soon'" in out


def test_bounce_gives_one_interrupt_per_falling_edge(rootfs):
    status, out, m = run("insmod keyirq.ko\nclick K2 bounce=3", rootfs)
    assert status == 0
    # Falling edges: 3 bounces + the press, then 3 bounces while the contact opens.
    assert sum("key2: irq 164" in line for line in m.dmesg()) == 7


def test_board_api_press(rootfs):
    board = Board(rootfs=rootfs)
    board.insmod("keyirq.ko")
    board.press("K2")
    board.release("K2")
    board.click("K3", hold=0.05)
    assert any("key2: irq 164, press 1" in line for line in board.dmesg)
    assert any("key3: irq 165, press 1" in line for line in board.dmesg)
    assert [e["pressed"] for e in board.trace if e["kind"] == "key"] == [True, False, True, False]
    from emulator.errors import CommandFailed
    with pytest.raises(CommandFailed, match="no key K7"):
        board.press("K7")


@pytest.fixture(scope="module")
def debounce_rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("debounce")
    build = tmp_path_factory.mktemp("debounce-build")
    shutil.copy(build_module(FIRMWARE / "drivers" / "keydebounce", build), root / "keydebounce.ko")
    return root


def test_timer_debounces_a_bouncing_key(debounce_rootfs):
    status, out, m = run("""
insmod keydebounce.ko
expect dmesg "HZ 200, 20 ms = 4 jiffies, timer pending 0"
click K2 bounce=3
expect dmesg "K2 pressed \\\\(1\\\\) after 4 edges, in_softirq 1, in_irq 0, data 42"
click K2 200ms
sleep 0.05
expect proc /proc/interrupts "164:\\\\s+8 exynos_wkup_irq_chip\\\\s+1  key2-debounce"
rmmod keydebounce
expect dmesg "keydebounce: 2 presses"
""", debounce_rootfs)
    assert status == 0, out
    lines = [l for l in m.dmesg() if "K2 pressed" in l]
    assert len(lines) == 2                         # 8 falling edges, two settled presses
    assert lines[0].startswith("[    0.025000]")   # 20 ms after the last bounce, on a tick


def test_tasklet_runs_on_irq_exit_unless_disabled(tmp_path_factory):
    root = tmp_path_factory.mktemp("tasklet")
    build = tmp_path_factory.mktemp("tasklet-build")
    shutil.copy(build_module(FIRMWARE / "drivers" / "keytasklet", build), root / "keytasklet.ko")
    status, out, m = run("insmod keytasklet.ko\nclick K2\nclick K2\nclick K2\nrmmod keytasklet\n",
                         root)
    assert status == 0, out
    lines = [l.split("] ", 1)[1] for l in m.dmesg() if "keytasklet" in l]
    assert lines == [
        "keytasklet: top half, press 1",
        "keytasklet: bottom half for press 1, in_softirq 1, in_irq 0, data 7",
        "keytasklet: top half, press 2",                    # disabled: stays scheduled
        "keytasklet: top half, press 3",                    # enabled again: runs once
        "keytasklet: bottom half for press 3, in_softirq 1, in_irq 0, data 7"]


def test_work_runs_in_a_worker_thread_and_may_sleep(tmp_path_factory):
    root = tmp_path_factory.mktemp("work")
    build = tmp_path_factory.mktemp("work-build")
    shutil.copy(build_module(FIRMWARE / "drivers" / "keywork", build), root / "keywork.ko")
    status, out, m = run("insmod keywork.ko\nclick K2\nps\npress K2\nrmmod keywork\nps\n", root)
    assert status == 0, out
    assert "  100 S    [kworker/0:1]\n  101 S    [keywq]" in out
    assert out.rstrip().endswith("PID STAT COMMAND\n  100 S    [kworker/0:1]")   # keywq gone
    lines = [l for l in m.dmesg() if "keywork" in l]
    assert lines == [
        "[    0.000000] keywork: work for press 1 in kworker/0:1, in_interrupt 0",
        "[    0.000000] keywork: own workqueue runs in keywq",
        "[    0.015000] keywork: work slept 10 ms",              # msleep(10): 3 jiffies
        "[    0.050000] keywork: delayed work, pending 0",
        "[    0.100000] keywork: work for press 2 in kworker/0:1, in_interrupt 0",
        "[    0.100000] keywork: own workqueue runs in keywq",
        "[    0.100000] keywork: cancel_delayed_work_sync 1",     # its timer was pending
        "[    0.115000] keywork: work slept 10 ms"]               # cancel_work_sync waited
