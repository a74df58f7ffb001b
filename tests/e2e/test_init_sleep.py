"""Module init and exit sleep as insmod and rmmod do on the board (issue 12): msleep,
wait_event_timeout woken by a timer, a completion, a semaphore and a contended mutex in init
take virtual time while timers and a kernel thread run; a sleep nothing can wake stops."""

import shutil

from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine
from tests.e2e.helpers import cli, run_script

#: initsleep's lines, each with the virtual time dmesg shows (HZ 200: msleep(100) is 21
#: jiffies; the timer wakes the wait 50 ms later; the 20 ms wait times out; the completion
#: 30 ms later, the semaphore 10 ms later; the kthread holds the mutex for msleep(50); a
#: schedule() loop yields to another kthread).
EXPECTED = [
    "[    0.000000] initsleep: init in insmod",
    "[    0.105000] initsleep: msleep(100) took 21 jiffies",
    "[    0.155000] initsleep: woken with 190 jiffies left",
    "[    0.175000] initsleep: timed out: 0",
    "[    0.205000] initsleep: completed",
    "[    0.215000] initsleep: semaphore taken",
    "[    0.215000] initsleep: holder has the mutex (pid 100)",
    "[    0.270000] initsleep: mutex taken",
    "[    0.270000] initsleep: yielded to the setter",
    "[    0.270000] initsleep: init done after 54 jiffies",
    "[    0.295000] initsleep: exit in rmmod slept 5 jiffies",
]


def _lines(text):
    return [line for line in text.splitlines() if "initsleep:" in line and line.startswith("[")]


def test_init_and_exit_sleep_in_virtual_time(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["initsleep"], tmp_path)
    status, out, m = run_script("insmod initsleep.ko\nrmmod initsleep\n", tmp_path)
    assert status == 0, out
    assert _lines(out) == EXPECTED
    assert m.modules.leak_reports[-1][1] == []          # the kthread ended, timers expired
    again = run_script("insmod initsleep.ko\nrmmod initsleep\n", tmp_path)[1]
    assert again == out                                 # deterministic


def test_busybox_insmod_sleeps_in_its_own_process(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["initsleep"], tmp_path)
    out = []
    m = Machine("fs4412", str(tmp_path), console=out.append, skeleton=board_skeleton())
    assert m.run("/sbin/insmod", ["initsleep.ko"]) == 0
    assert m.run("/sbin/rmmod", ["initsleep"]) == 0
    text = "".join(out)
    got = [line.split("] ", 1)[1] for line in _lines(text)]
    assert got == [line.split("] ", 1)[1].replace("pid 100", "pid 101") for line in EXPECTED]


def test_a_sleep_nothing_can_wake_stops_insmod(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["initstuck"], tmp_path)
    (tmp_path / "stuck.board").write_text("insmod initstuck.ko\n")
    proc = cli("run", str(tmp_path / "stuck.board"), "--rootfs", str(tmp_path))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    text = proc.stdout + proc.stderr
    assert "initstuck: waiting" in text
    assert "insmod: module init sleeps in wait_event (called from initstuck_init+0x" in text
    assert "Traceback" not in text
