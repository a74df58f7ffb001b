"""gdb-multiarch against `emu4412 run --gdb PORT`, in batch mode, as a developer would use it."""

import os
import re
import shutil
import socket
import subprocess
import sys

import pytest

from tests.e2e.helpers import ROOT

PREBUILT = ROOT / "firmware" / "prebuilt"
GDB = shutil.which("gdb-multiarch")
SVC_IN_IOCTL = 0x3842C          # the `svc 0` of glibc's ioctl() in the prebuilt testled_app


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(GDB is None, reason="gdb-multiarch not installed (.ci/run installs it)")
def test_gdb_breaks_in_driver_and_app_and_steps_across_the_syscall(tmp_path):
    script = tmp_path / "g.board"
    script.write_text("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 2\n")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    emu = subprocess.Popen([sys.executable, "-m", "emulator.cli", "run", str(script),
                            "--rootfs", str(PREBUILT), "--gdb", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    waiting = emu.stderr.readline()              # printed once the stub listens
    assert f"gdb: waiting on 127.0.0.1:{port}" in waiting
    commands = [
        "set confirm off", f"target remote 127.0.0.1:{port}",
        "continue",                                                  # stops at insmod
        f"add-symbol-file {PREBUILT / 'leddrv.ko'} 0xbf002000 -s .init.text 0xbf002458",
        "break myled_ioctl", "break main", f"break *{SVC_IN_IOCTL:#x}",
        "continue",                                                  # main
        "info registers pc",
        "continue",                                                  # the svc in ioctl()
        "stepi",                                                     # into the driver
        "info registers pc cpsr",
        "bt",
        "x/4xw $sp",
        "delete",
        "continue",
    ]
    args = [GDB, "-batch", "-nx", str(PREBUILT / "testled_app")]
    for c in commands:
        args += ["-ex", c]
    gdb = subprocess.run(args, capture_output=True, text=True, timeout=120)
    out, err = emu.communicate(timeout=60)
    err = waiting + err
    log = gdb.stdout + gdb.stderr
    assert "Breakpoint 2, main (argc=4" in log, log
    # gdb prints the address zero-padded: "Breakpoint 3, 0x0003842c in ioctl ()".
    assert re.search(rf"Breakpoint 3, 0x0*{SVC_IN_IOCTL:x} in ioctl", log), log
    # One stepi from the svc lands on the driver's first instruction, in SVC mode.
    assert "myled_ioctl (pfile=" in log
    assert "pc             0xbf002160" in log and "cpsr           0x13" in log
    assert "exited normally" in log
    assert emu.returncode == 0, err
    assert "add-symbol-file leddrv.ko 0xbf002000 -s .init.text 0xbf002458" in err
    assert "leds: LED2=on" in out
