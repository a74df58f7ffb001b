"""Kernel memory management as a user sees it: memtest.ko's self test and /proc, the
mempool reserve under failure injection, and the reports of the broken drivers of
tests/drivers (leak, overflow, use-after-free, double free, sleep in atomic context)."""

import re
import shutil

import pytest

from emulator.board import Board
from tests.conftest import HAVE_CROSS, build_module
from tests.e2e.helpers import ROOT, cli, cli_json, run_script

SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"


def test_memtest_scenario_passes_with_the_checks_on():
    proc, report = cli_json("run", str(SCENARIOS / "memtest.board"), "--rootfs", str(PREBUILT))
    assert proc.returncode == 0, proc.stderr
    assert report["ok"] and "memtest: 14 passed, 0 failed" in "\n".join(report["dmesg"])
    slabinfo = next(s["stdout"] for s in report["steps"] if s["command"] == "cat /proc/slabinfo")
    assert re.search(r"(?m)^memtest_keep +5 +\d+ +\d+ +\d+ +\d+ : tunables", slabinfo)


def test_memtest_scenario_with_checks_off_cannot_claim_no_kasan():
    proc = cli("run", str(SCENARIOS / "memtest.board"), "--rootfs", str(PREBUILT), "--no-kasan")
    assert proc.returncode == 1
    assert "KASAN checks are not available" in proc.stdout
    assert "memtest: 14 passed, 0 failed" in proc.stdout       # the fast path works too


def test_mempool_reserve_scenario():
    proc = cli("run", str(SCENARIOS / "mempool_reserve.board"), "--rootfs", str(PREBUILT))
    assert proc.returncode == 0, proc.stdout
    assert "mempool: 4 elements, 3 from the reserve, 1 failed" in proc.stdout
    assert "FAULT_INJECTION: forcing a failure." in proc.stdout


def test_failure_injection_reaches_a_driver_error_path(rootfs):
    status, out, _ = run_script("fail kmalloc nth=1\ninsmod leddrv.ko\nexpect exit 1\n"
                                "fail\n", rootfs)
    assert status == 0, out
    assert "insmod: can't insert 'leddrv.ko'" in out
    assert "fail: kmalloc nth=1 times=1 (1 calls, 1 failed)" in out


def test_fail_command_rejects_bad_usage(rootfs):
    status, out, _ = run_script("fail kmalloc often\n", rootfs)
    assert status == 1 and "fail: unknown option 'often'" in out


def test_seed_demo_is_clean_under_the_checks(rootfs):
    proc = cli("run", str(SCENARIOS / "seed_demo.board"), "--rootfs", str(rootfs))
    assert proc.returncode == 0 and "KASAN" not in proc.stdout and "leak:" not in proc.stdout


def test_proc_files_through_the_board_api():
    board = Board("fs4412")
    board.insmod("memtest.ko")
    vmallocinfo = board.machine.vfs.read_file("/proc/vmallocinfo").decode()
    assert re.search(r"^0xf0000000-0xf0011000   69632 memtest_init\+0x[0-9a-f]+/0x[0-9a-f]+ "
                     r"\[memtest\] pages=16 vmalloc$", vmallocinfo, re.M)
    buddy = board.machine.vfs.read_file("/proc/buddyinfo").decode().splitlines()
    assert [line.split()[3] for line in buddy] == ["Normal", "HighMem"]
    assert board.rmmod("memtest") == []


def _bug_rootfs(variant_drivers, rootfs):
    for name in ("leakmem", "overflow", "uaf", "dblfree", "sleepy"):
        shutil.copy(variant_drivers[name], rootfs)
    return rootfs


def test_memory_bugs_scenario(variant_drivers, rootfs):
    _bug_rootfs(variant_drivers, rootfs)
    proc = cli("run", str(SCENARIOS / "memory_bugs.board"), "--rootfs", str(rootfs))
    assert proc.returncode == 0, proc.stdout


def test_kasan_reports_are_the_machines(variant_drivers, rootfs):
    _bug_rootfs(variant_drivers, rootfs)
    status, out, m = run_script("insmod overflow.ko\ninsmod uaf.ko\nexpect no-kasan\n", rootfs)
    assert status == 1 and "5 KASAN report(s), first: BUG: KASAN: slab-out-of-bounds" in out
    firsts = [r.splitlines()[0] for r in m.kasan_reports]
    # overflow: p[100] = 'x' (twice, reported once), p[-1], memset of 128 bytes; uaf: 2
    assert [f.split(" in ")[0] for f in firsts] == ["BUG: KASAN: slab-out-of-bounds"] * 3 + \
        ["BUG: KASAN: use-after-free"] * 2
    assert firsts[0].startswith("BUG: KASAN: slab-out-of-bounds in overflow_init+0x")
    assert "kernel function it called" in m.kasan_reports[2]
    uaf = m.kasan_reports[3]
    assert re.search(r"Allocated by task 1:\n uaf_open\+0x", uaf)
    assert re.search(r"Freed by task 1:\n uaf_(close|init)\+0x", uaf)


def test_overflow_without_the_checker_is_silent(variant_drivers, rootfs):
    _bug_rootfs(variant_drivers, rootfs)
    (rootfs / "x.board").write_text("insmod overflow.ko\ninsmod dblfree.ko\n")
    proc = cli("run", str(rootfs / "x.board"), "--no-kasan")
    assert proc.returncode == 0 and "KASAN" not in proc.stdout
    assert "BUG kmalloc-64 (Tainted: G           O): Object already free" in proc.stdout
    assert "BUG: kfree() of invalid pointer" in proc.stdout


def test_leak_report_lists_every_kind_with_its_site(variant_drivers, rootfs):
    _bug_rootfs(variant_drivers, rootfs)
    for flags in ((), ("--no-kasan",)):
        (rootfs / "leak.board").write_text("insmod leakmem.ko\nrmmod leakmem\nexpect no-leaks\n")
        proc = cli("run", str(rootfs / "leak.board"), *flags)
        assert proc.returncode == 1
        leaks = [line for line in proc.stdout.splitlines() if line.startswith("leak: leakmem:")]
        kinds = {line.split()[2] for line in leaks}
        assert kinds == {"kmalloc", "kmem_cache", "slab", "pages", "vmalloc", "percpu",
                         "mempool"}, flags
        assert all(re.search(r"\(acquired at leakmem_init\+0x[0-9a-f]+\)", l) for l in leaks)
    proc = cli("run", str(rootfs / "leak.board"), "--no-leak-check")
    assert proc.returncode == 0 and "leak:" not in proc.stdout


def test_spinlock_recursion_is_a_deadlock(rootfs, tmp_path):
    src = tmp_path / "deadlock"
    src.mkdir()
    (src / "deadlock.c").write_text(
        "#include <linux/module.h>\n#include <linux/spinlock.h>\n"
        "static DEFINE_SPINLOCK(l);\n"
        "static int __init dl_init(void) { spin_lock(&l); spin_lock(&l); return 0; }\n"
        "static void __exit dl_exit(void) { }\n"
        "module_init(dl_init);\nmodule_exit(dl_exit);\nMODULE_LICENSE(\"GPL\");\n")
    (src / "Kbuild").write_text("obj-m := deadlock.o\n")
    if not HAVE_CROSS:
        pytest.skip("arm-linux-gnueabi-gcc not installed")
    shutil.copy(build_module(src, tmp_path / "out"), rootfs)
    status, out, _ = run_script("insmod deadlock.ko\n", rootfs)
    assert status == 3
    assert "BUG: spinlock recursion on CPU#0, insmod/1" in out
    assert re.search(r"deadlock: spin_lock\(0x[0-9a-f]+\) in (dl_init|init_module)\+0x", out)
