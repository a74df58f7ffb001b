"""The board-state expectations of issue 5: each passes on the right state and, on the wrong
one, stops the script with status 1 and a message saying what was found and expected."""

import io
import shutil

import pytest

from emulator.console import Console
from tests.e2e.helpers import run_script

LED2_ON = "insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 2\n"


def failing_message(out):
    return next(l for l in out.splitlines() if l.startswith(("expectation failed", "usage", "expect")))


@pytest.mark.parametrize("check", [
    "expect leds LED2=on LED3=off LED4=off LED5=off",
    "expect gpio gpx2-7 1",
    "expect gpio gpx1-0 0",
    "expect reg GPX2CON 0x10000000 0xf0000000",
    "expect reg gpx2dat 0x80 0x80",
    "expect dmesg-not Oops",
    "expect proc /proc/devices \" 11 myled\"",
    "expect proc /proc/modules ^leddrv",
])
def test_expectation_holds(rootfs, check):
    status, out, _ = run_script(LED2_ON + check + "\n", rootfs)
    assert status == 0, out


@pytest.mark.parametrize("check, message", [
    ("expect leds LED2=off LED5=on",
     "expectation failed: LED2 is on, expected off; LED5 is off, expected on"),
    ("expect gpio gpx2-7 0", "expectation failed: gpx2-7 is 1 (output), expected 0"),
    ("expect reg GPX2CON 0x20000000 0xf0000000",
     "expectation failed: GPX2CON is 0x10000000 (masked with 0xf0000000: 0x10000000), "
     "expected 0x20000000"),
    ("expect reg GPX2DAT 0", "expectation failed: GPX2DAT is 0x00000080, expected 0x00000000"),
    ("expect dmesg-not rseq", "expectation failed: dmesg line matches /rseq/: "
                              "'emu4412: unimplemented syscall 398 (rseq) returns -ENOSYS'"),
    ("expect proc /proc/devices \"12 other\"",
     "expectation failed: /proc/devices does not match /12 other/"),
    ("expect leds LED9=on", "expect leds: no LED LED9 (board has LED2, LED3, LED4, LED5)"),
    ("expect gpio gpx9-1 1", "expect gpio: no GPIO bank 'gpx9'"),
    ("expect reg NOPE 1", "no register 'NOPE' on this SoC (names like GPX2CON)"),
    ("expect proc /proc/nothere x", "expect proc: /proc/nothere: No such file or directory"),
])
def test_expectation_fails_with_found_and_expected(rootfs, check, message):
    status, out, _ = run_script(LED2_ON + check + "\nleds\n", rootfs)
    assert status == 1
    assert any(l.startswith(message) for l in out.splitlines()), out
    assert "# leds" not in out                      # the script stopped there


def test_no_leaks_judges_every_rmmod(rootfs, variant_drivers):
    shutil.copy(variant_drivers["leakled"], rootfs)
    status, out, _ = run_script("insmod leddrv.ko\nrmmod leddrv\nexpect no-leaks\n", rootfs)
    assert status == 0, out
    status, out, _ = run_script("insmod leakled.ko\nexpect no-leaks\nrmmod leakled\n"
                                "expect no-leaks\n", rootfs)
    assert status == 1                               # loaded modules are not judged
    line = failing_message(out)
    assert line.startswith("expectation failed: 9 resource(s) not released at rmmod: "
                           "leakled: chrdev_region")
    assert "(acquired at init_module+0x" in line and "(and 6 more)" in line   # (kallsyms)


def test_no_kasan_never_passes_unchecked(rootfs):
    status, out, m = run_script("insmod leddrv.ko\n", rootfs)
    console = Console(m, io.StringIO())
    if not hasattr(m, "kasan_reports"):
        assert console.run_lines(["expect no-kasan"]) == 1
        assert "KASAN checks are not available in this build" in console.out.getvalue()
    m.kasan_reports = []
    assert Console(m, io.StringIO()).run_lines(["expect no-kasan"]) == 0
    m.kasan_reports = ["BUG: KASAN: slab-out-of-bounds in myled_ioctl+0x1c\nWrite of size 4"]
    console = Console(m, io.StringIO())
    assert console.run_lines(["expect no-kasan"]) == 1
    assert "1 KASAN report(s), first: BUG: KASAN: slab-out-of-bounds in myled_ioctl+0x1c" \
        in console.out.getvalue()


def test_expect_exit_judges_any_failing_command(rootfs):
    status, out, _ = run_script("""
insmod leddrv.ko
insmod leddrv.ko
expect exit 1
rmmod nothere
expect exit 1
cat /proc/nothere
expect exit 1
mknod /dev/leddev c 11 0
mknod /dev/leddev c 11 0
expect exit 1
mknod /dev/other c 11 1
expect exit 0
""", rootfs)
    assert status == 0, out
    assert "insmod: can't insert 'leddrv.ko': File exists" in out
