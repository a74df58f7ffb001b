"""Observability of keys and tasks (issue 12, part 2): keys as VCD wires and on the terminal
panel; the debugger's `info threads` and `backtrace PID|all` over every task (a process
asleep in mutex_lock, irq threads, a user process in nanosleep)."""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.debug.debugger import Debugger
from emulator.debug.vcd import VcdWriter
from emulator.machine import Machine
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module
from tests.unit.test_vcd import history, parse

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


def test_keys_are_vcd_wires(tmp_path):
    out, vcd = io.StringIO(), io.StringIO()
    m = Machine("fs4412", str(tmp_path), console=out.write)
    writer = VcdWriter(m, vcd)
    try:
        Console(m, out).run_lines(["click K2 20ms", "press K4", "sleep 0.01"])
    finally:
        writer.close()
    _, wires, changes, _ = parse(vcd.getvalue().encode())
    assert {"fs4412.keys.K2", "fs4412.keys.K4"} <= wires
    assert "fs4412.keys.K3" not in wires                 # only keys that changed
    assert history(changes, "fs4412.keys.K2") == [(0, "1"), (20_000_000, "0")]
    assert history(changes, "fs4412.keys.K4")[-1][1] == "1"


def test_terminal_panel_shows_keys_held(tmp_path):
    out = io.StringIO()
    m = Machine("fs4412", str(tmp_path), console=out.write)
    Console(m, out, fancy=True).run_lines(["press K3", "release K3"])
    lines = out.getvalue().splitlines()
    assert any(line.endswith("  K3 ▼") for line in lines)
    assert lines[-1].endswith("LED5 ○")                 # released: gone from the panel


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("observe")
    build = tmp_path_factory.mktemp("observe-build")
    for name in ("mutexlab", "keythread"):
        shutil.copy(build_module(FIRMWARE / "drivers" / name, build), root)
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "hold_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "hold_app.c")], check=True)
    return root


def test_debugger_lists_and_unwinds_every_task(rootfs):
    out = io.StringIO()
    m = Machine("fs4412", str(rootfs), timeout_s=0, console=out.write)
    inp = io.StringIO("break k2_thread\nrun\ninfo threads\nbacktrace all\nbt 101\ncontinue\n")
    debugger = Debugger(m, inp, out)
    debugger.attach()
    debugger.repl()
    status = Console(m, out, inp=inp).run_lines([
        "insmod mutexlab.ko", "mknod /dev/lab c 252 0", "./hold_app /dev/lab 1 &",
        "./hold_app /dev/lab 1 &", "insmod keythread.ko", "click K2"])
    assert status == 0
    text = out.getvalue()
    threads = text.split("(emu4412-dbg) ")[3]
    assert "  100   S ./hold_app /dev/lab 1" in threads and "sleeps in nanosleep" in threads
    assert "  101   S ./hold_app /dev/lab 1      0xbf" in threads
    assert "in mutex_lock_interruptible+0x0/0x8  sleeps in mutex_lock" in threads
    assert "* 102   R [irq/164-key2-th]          0xbf" in threads
    assert "in k2_thread+0x0/0x" in threads
    assert "  103   S [irq/165-key3-le]" in threads and "sleeps in irq_thread" in threads
    bt_all = text.split("(emu4412-dbg) ")[4]
    assert bt_all.index("Thread 100 (hold_app):") < bt_all.index("Thread 103 ([irq/165-key3-le]):")
    one = text.split("(emu4412-dbg) ")[5]
    assert one.startswith("Thread 101 (hold_app):\n#0  0xbf")
    assert "in lab_open+0x" in one and "--- system call from user space ---" in one
    assert "in open+0x" in one                           # the user side: the libc call
    k2 = bt_all.split("Thread 102")[1].split("Thread 103")[0]
    assert "in irq_thread+0xc/0x20" in k2 and "system call" not in k2


def test_backtrace_of_an_unknown_pid(rootfs):
    out = io.StringIO()
    m = Machine("fs4412", str(rootfs), timeout_s=0, console=out.write)
    d = Debugger(m, io.StringIO(""), out)
    d.execute("bt 999")
    assert "backtrace: no task with pid 999" in out.getvalue()
