"""System calls as a program sees them: errno values, EFAULT, /proc, SIGSEGV on kernel memory."""

import shutil

import pytest

from tests.e2e.helpers import cli, run_script


@pytest.fixture
def probe_rootfs(rootfs, test_programs):
    shutil.copy(test_programs["sysprobe"], rootfs / "sysprobe")
    return rootfs


def test_open_errors_are_linux_errnos(probe_rootfs):
    status, out, _ = run_script("""
insmod leddrv.ko
mknod /dev/leddev c 11 0
mknod /dev/nodrv c 99 0
./sysprobe errno /dev/nothere
./sysprobe errno /dev/nodrv
./sysprobe errno /dev/leddev
""", probe_rootfs)
    assert status == 0, out
    assert "open /dev/nothere: ENOENT" in out
    assert "open /dev/nodrv: ENXIO" in out
    assert "open /dev/leddev: ok" in out


def test_bad_user_pointer_is_efault(probe_rootfs):
    status, out, _ = run_script("./sysprobe efault\n", probe_rootfs)
    assert status == 0 and "write: -1 EFAULT" in out


def test_proc_read_through_syscalls(probe_rootfs):
    status, out, _ = run_script("insmod leddrv.ko\n./sysprobe proc /proc/devices\n./sysprobe proc /proc/modules\n",
                                probe_rootfs)
    assert status == 0, out
    assert " 11 myled\n" in out
    assert "leddrv " in out and "Live 0xbf" in out


def test_writev_gathers(probe_rootfs):
    status, out, _ = run_script("./sysprobe writev\n", probe_rootfs)
    assert status == 0 and "hello, world\nwritev: 13" in out


def test_driver_ioctl_errors_reach_errno(probe_rootfs):
    status, out, m = run_script("""
insmod leddrv.ko
mknod /dev/leddev c 11 0
./sysprobe ioctl /dev/leddev 0x6701
./sysprobe ioctl /dev/leddev 0x1234
""", probe_rootfs)
    assert status == 0, out
    assert "ioctl: 0 ok" in out
    assert "ioctl: -1 EPERM" in out            # myled_ioctl returns -1 for an unknown cmd
    assert m.leds["LED2"] is True


@pytest.mark.parametrize("addr", ["c0000000", "bf000000"])
def test_user_access_to_kernel_memory_is_sigsegv(probe_rootfs, addr):
    status, out, m = run_script(f"./sysprobe segv {addr}\nexpect exit 139\n", probe_rootfs)
    assert status == 0, out
    assert "Segmentation fault" in out
    assert f"reading 0x{addr}" in out and "read " not in out.split("reading")[1]


def test_kuser_helper_version_is_readable(probe_rootfs):
    status, out, _ = run_script("./sysprobe segv ffff0ffc\n", probe_rootfs)
    assert status == 0 and "read 5" in out


def test_sigsegv_through_cli_is_status_1_not_a_crash(probe_rootfs):
    script = probe_rootfs / "s.board"
    script.write_text("./sysprobe segv c0000000\n")
    proc = cli("run", str(script))
    assert proc.returncode == 1                 # the program died; the board did not
    assert "Segmentation fault" in proc.stdout


def test_different_programs_alternate_in_one_board(probe_rootfs):
    # Same virtual addresses, different code: nothing stale may run.
    status, out, m = run_script("""
insmod leddrv.ko
mknod /dev/leddev c 11 0
./sysprobe writev
./testled_app /dev/leddev 1 2
./sysprobe errno /dev/leddev
./testled_app /dev/leddev 1 3
./sysprobe writev
""", probe_rootfs)
    assert status == 0, out
    assert out.count("writev: 13") == 2 and "open /dev/leddev: ok" in out
    assert m.leds["LED2"] and m.leds["LED3"]
