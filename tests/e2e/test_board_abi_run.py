"""The calls the board's headers make of inline code run with 3.14's semantics, in both builds
(tests/drivers/boardabi: mutexes, spinlock debug fields, SMP bit operations, per-CPU
iteration, DEBUG_PREEMPT, delays through arm_delay_ops)."""

import re
import shutil

from emulator.console import Console
from emulator.machine import Machine


def run(script, rootfs):
    import io
    out = io.StringIO()
    m = Machine("fs4412", str(rootfs), console=out.write)
    status = Console(m, out).run_lines(script.splitlines())
    return status, out.getvalue(), m


def test_board_abi_calls_behave_as_3_14(variant_drivers, rootfs):
    shutil.copy(variant_drivers["boardabi"], rootfs)
    status, out, m = run("insmod boardabi.ko\nrmmod boardabi\n", rootfs)
    assert status == 0, out
    assert "boardabi: 19 passed, 0 failed" in out, out
    start = re.search(r"\[ *([\d.]+)\] boardabi: delay start", out).group(1)
    end = re.search(r"\[ *([\d.]+)\] boardabi: delay end", out).group(1)
    # udelay(100) + mdelay(5) in virtual time (plus the few instructions between)
    assert 0.0051 <= float(end) - float(start) < 0.0052


def test_mutex_taken_twice_is_a_reported_deadlock(tmp_path):
    """One task: a held mutex is never released while its caller waits (exit status 3)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "Kbuild").write_text("obj-m := twice.o\n")
    (src / "twice.c").write_text(
        "#include <linux/module.h>\n#include <linux/mutex.h>\n"
        "static DEFINE_MUTEX(lock);\n"
        "static int __init twice_init(void) { mutex_lock(&lock); mutex_lock(&lock); return 0; }\n"
        "module_init(twice_init);\nMODULE_LICENSE(\"GPL\");\n")
    import subprocess
    from pathlib import Path
    SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={src}", "modules"], check=True,
                   capture_output=True)
    shutil.copy(src / "twice.ko", tmp_path)
    status, out, m = run("insmod twice.ko\n", tmp_path)
    assert status == 3
    # init sleeps as insmod's task (issue 12) on a mutex only it holds
    assert "insmod: module init sleeps in mutex_lock (called from twice_init+0x" in out
    assert "and nothing can wake it" in out
