"""Busybox (firmware/prebuilt/busybox, Debian's 1.35 built by firmware/busybox/build.sh) run
as one process at a time against the emulated kernel, on the board's root filesystem
skeleton with the user's folder over it. What is asserted is what the board's console shows.
"""

import io
import json
import os
import re
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine

from tests.e2e.helpers import ROOT, cli

PREBUILT = ROOT / "firmware" / "prebuilt"
BUILD_SH = ROOT / "firmware" / "busybox" / "build.sh"


class Board:
    """A machine with the skeleton; run(line) gives (status, what the program printed)."""

    def __init__(self, rootfs):
        self.out = []
        self.machine = Machine("fs4412", str(rootfs), console=self.out.append,
                               skeleton=board_skeleton())

    def run(self, *argv):
        mark = len(self.machine.stdout)
        status = self.machine.run(argv[0], list(argv[1:]))
        return status, bytes(self.machine.stdout[mark:]).decode()


@pytest.fixture
def board(tmp_path):
    shutil.copy(PREBUILT / "leddrv.ko", tmp_path)
    shutil.copy(PREBUILT / "testled_app", tmp_path)
    (tmp_path / "notes.txt").write_text("hello from the host\n")
    return Board(tmp_path)


def test_ls_root_shows_skeleton_and_user_files(board):
    status, out = board.run("/bin/ls", "--color=never", "/")
    assert status == 0
    assert sorted(out.split()) == sorted(["bin", "dev", "etc", "home", "lib", "linuxrc", "mnt", "proc",
                                  "root", "sbin", "sys", "tmp", "usr", "var", "leddrv.ko",
                                  "notes.txt", "testled_app"])


def test_ls_long_shows_links_modes_and_virtual_time(board):
    status, out = board.run("/bin/ls", "-l", "--color=never", "/bin/ls", "/etc/passwd")
    assert status == 0
    assert out.splitlines() == [
        "lrwxrwxrwx    1 root     root             7 Jan  1 00:00 /bin/ls -> busybox",
        "-rw-r--r--    1 root     root            30 Jan  1 00:00 /etc/passwd"]


def test_mknod_then_ls_dev(board):
    assert board.run("/bin/mknod", "/dev/leddev", "c", "11", "0") == (0, "")
    status, out = board.run("/bin/ls", "-l", "--color=never", "/dev")
    assert status == 0
    assert "crw-r--r--    1 root     root       11,   0 Jan  1 00:00 leddev" in out


def test_cat_proc_cpuinfo_as_the_board_prints_it(board):
    status, out = board.run("/bin/cat", "/proc/cpuinfo")
    assert status == 0
    assert out.count("model name\t: ARMv7 Processor rev 0 (v7l)\n") == 4
    assert "processor\t: 3\n" in out and "CPU part\t: 0xc09\n" in out
    assert out.endswith("Hardware\t: Samsung Exynos4 (Flattened Device Tree)\n"
                        "Revision\t: 0000\nSerial\t\t: 0000000000000000\n")


def test_insmod_lsmod_rmmod_through_the_module_syscalls(board):
    assert board.run("/sbin/insmod", "leddrv.ko")[0] == 0
    assert "leddrv" in board.machine.modules.loaded
    status, out = board.run("/sbin/lsmod")
    assert status == 0
    assert out.splitlines()[1].split() == ["leddrv", "4096", "0"]
    status, out = board.run("/bin/cat", "/proc/modules")
    assert out.startswith("leddrv 4096 0 - Live 0xbf")
    status, out = board.run("/bin/cat", "/proc/sys/kernel/tainted")
    assert out == "4096\n"                                   # TAINT_OOT_MODULE
    status, _ = board.run("/sbin/insmod", "leddrv.ko")
    assert status == 17                                      # busybox exits with the errno
    assert "insmod: can't insert 'leddrv.ko': File exists\n" in board.out
    assert board.run("/bin/mknod", "/dev/leddev", "c", "11", "0")[0] == 0
    assert board.run("./testled_app", "/dev/leddev", "1", "2")[0] == 0
    assert board.machine.leds["LED2"]
    assert board.run("/sbin/rmmod", "leddrv")[0] == 0
    assert "leddrv" not in board.machine.modules.loaded
    assert board.run("/sbin/lsmod")[1].splitlines()[1:] == []
    assert board.run("/sbin/rmmod", "leddrv")[0] == 1        # ENOENT now


def test_sh_builtins_redirect_to_tmp_and_read_back(board):
    status, out = board.run("/bin/sh", "-c",
                            "echo hi > /tmp/x; echo there >> /tmp/x; read a < /tmp/x; "
                            "echo got $a; cd /etc/init.d; pwd")
    assert status == 0
    assert out == "got hi\n/etc/init.d\n"
    assert board.run("/bin/cat", "/tmp/x") == (0, "hi\nthere\n")


def test_sync_writes_back_nothing_and_succeeds(board):
    """sync(2): nothing is dirty (the overlay lives in memory), so it returns 0 at once."""
    assert board.run("/bin/sh", "-c", "echo x > /tmp/y; sync; echo $?") == (0, "0\n")
    assert not any("unimplemented syscall 36" in t for t in board.machine.log.texts())


def test_mkdir_rm_rename_stay_in_the_overlay(board, tmp_path):
    assert board.run("/bin/mkdir", "-p", "/tmp/a/b")[0] == 0
    assert board.run("/bin/cp", "/notes.txt", "/tmp/a/b/n")[0] == 0
    assert board.run("/bin/mv", "/tmp/a", "/tmp/c")[0] == 0
    assert board.run("/bin/cat", "/tmp/c/b/n") == (0, "hello from the host\n")
    assert board.run("/bin/rm", "/notes.txt")[0] == 0
    assert board.run("/bin/ls", "/notes.txt")[0] == 1
    assert (tmp_path / "notes.txt").read_text() == "hello from the host\n"   # host untouched
    assert board.run("/bin/rmdir", "/tmp/c")[0] == 1                          # not empty
    assert board.run("/bin/rm", "-r", "/tmp/c")[0] == 0
    assert board.run("/bin/ls", "-A", "/tmp") == (0, "")
    assert sorted(os.listdir(tmp_path)) == ["leddrv.ko", "notes.txt", "testled_app"]


def test_hexdump_grep_uname_date(board):
    assert board.run("/usr/bin/hexdump", "-C", "/etc/group") == (0, (
        "00000000  72 6f 6f 74 3a 78 3a 30  3a 0a                    |root:x:0:.|\n"
        "0000000a\n"))
    assert board.run("/bin/grep", "-n", "sysinit", "/etc/inittab") == (
        0, "2:::sysinit:/etc/init.d/rcS\n")
    assert board.run("/bin/uname", "-a") == (0, "Linux fs4412 3.14.0 #1 SMP PREEMPT armv7l "
                                                "GNU/Linux\n")
    assert board.run("/bin/date") == (0, "Thu Jan  1 00:00:00 UTC 1970\n")


def test_mount_tmpfs_shows_in_proc_mounts_and_hides_what_was_there(board):
    assert board.run("/bin/mkdir", "/mnt/old")[0] == 0
    assert board.run("/bin/mount", "-t", "tmpfs", "tmpfs", "/mnt")[0] == 0
    assert board.run("/bin/ls", "/mnt") == (0, "")
    status, out = board.run("/bin/cat", "/proc/mounts")
    assert out.splitlines()[-1] == "tmpfs /mnt tmpfs rw,relatime 0 0"
    assert board.run("/bin/umount", "/mnt")[0] == 0
    assert board.run("/bin/ls", "--color=never", "/mnt") == (0, "old\n")


def test_proc_self_is_the_running_process(board):
    status, out = board.run("/bin/cat", "/proc/self/stat")
    pid = board.machine.pids.last
    assert out.startswith(f"{pid} (cat) R 1 {pid} 1 52290 {pid} ")
    assert len(out.split()) == 52
    status, out = board.run("/bin/cat", "/proc/self/status")
    lines = out.splitlines()
    assert lines[:3] == ["Name:\tcat", "State:\tR (running)", f"Tgid:\t{pid + 1}"]
    assert "CapEff:\t0000001fffffffff" in lines and "Cpus_allowed_list:\t0-3" in lines
    assert int(re.search(r"VmRSS:\s+(\d+) kB", out).group(1)) > 0
    assert board.run("/bin/readlink", "/proc/self/exe") == (0, "/bin/busybox\n")
    status, out = board.run("/bin/ls", "--color=never", "/proc/self/fd")
    assert out.split() == ["0", "1", "2", "3"]


def test_same_output_across_runs(tmp_path):
    commands = [("/bin/ls", "-la", "/", "/etc", "/proc"), ("/bin/cat", "/proc/uptime"),
                ("/bin/sh", "-c", "echo $$; umask; pwd"), ("/bin/ls", "-l", "/proc/self/")]

    def session():
        board = Board(tmp_path)
        return [board.run(*c) for c in commands]
    assert session() == session()


def test_build_script_skips_cleanly_without_its_toolchain(tmp_path):
    env = dict(os.environ, CROSS_COMPILE="/nonexistent/arm-none-", BUSYBOX_WORK=str(tmp_path))
    proc = subprocess.run(["sh", str(BUILD_SH), str(tmp_path / "busybox")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 77
    assert proc.stderr.startswith("busybox build skipped: ")
    assert not (tmp_path / "busybox").exists()


def test_committed_busybox_is_small_static_arm():
    data = (PREBUILT / "busybox").read_bytes()
    assert len(data) < 2 * 1024 * 1024
    assert data[:4] == b"\x7fELF" and data[18] == 40                 # EM_ARM
    assert b"BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1)" in data


def test_df_shows_the_memory_filesystems(board):
    assert board.run("/bin/mount", "-t", "tmpfs", "tmpfs", "/mnt")[0] == 0
    assert board.run("/bin/sh", "-c", "echo hello > /mnt/f")[0] == 0
    status, out = board.run("/bin/df")
    assert status == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert [r[0] for r in rows] == ["devtmpfs", "tmpfs"]
    assert rows[1][2:] == ["4", str(int(rows[1][1]) - 4), "0%", "/mnt"]   # one page used


def test_reboot_ends_the_board_script(tmp_path):
    out = io.StringIO()
    machine = Machine("fs4412", str(tmp_path), console=out.write, skeleton=board_skeleton())
    status = Console(machine, out).run_lines(["/bin/echo before", "/sbin/reboot -f",
                                              "/bin/echo after"])
    assert status == 0
    assert "reboot: Restarting system\n" in out.getvalue()
    assert "board restart: the run ends here" in out.getvalue()
    assert "after" not in out.getvalue()


def test_touch_chmod_chown_on_the_overlay(board, tmp_path):
    host_before = (tmp_path / "notes.txt").stat()
    assert board.run("/bin/touch", "/tmp/t")[0] == 0
    assert board.run("/bin/chmod", "4755", "/tmp/t")[0] == 0
    assert board.run("/bin/chown", "1:2", "/tmp/t")[0] == 0           # clears set-user-ID
    assert board.run("/bin/sleep", "61")[0] == 0                      # virtual time
    assert board.run("/bin/touch", "/notes.txt")[0] == 0
    status, out = board.run("/bin/ls", "-l", "--color=never", "/tmp/t", "/notes.txt")
    assert out.splitlines() == [
        "-rw-r--r--    1 root     root            20 Jan  1 00:01 /notes.txt",
        "-rwxr-xr-x    1 1        2                0 Jan  1 00:00 /tmp/t"]
    host_after = (tmp_path / "notes.txt").stat()                     # the host file: as it was
    assert (host_after.st_mode, host_after.st_mtime_ns) == (host_before.st_mode,
                                                            host_before.st_mtime_ns)
    assert board.run("/bin/chmod", "777", "/proc")[0] == 1           # EPERM


def test_dmesg_and_console_loglevel(board):
    assert board.run("/bin/sh", "-c", "echo 8 > /proc/sys/kernel/printk")[0] == 0
    assert board.run("/bin/cat", "/proc/sys/kernel/printk") == (0, "8\t4\t1\t7\n")
    board.machine.printk.kernel(6, "hello from the kernel")
    status, out = board.run("/bin/dmesg")
    assert out.splitlines()[-1].endswith("] hello from the kernel")
    status, out = board.run("/bin/dmesg", "-r")
    assert out.splitlines()[-1].startswith("<6>[")
    assert board.run("/bin/dmesg", "-c")[0] == 0
    assert board.run("/bin/dmesg") == (0, "")
    assert board.run("/bin/dmesg", "-n", "3")[0] == 0
    assert board.run("/bin/cat", "/proc/sys/kernel/printk")[1].startswith("3\t")


def test_builtin_character_devices(board):
    status, out = board.run("/bin/ls", "-l", "--color=never", "/dev/null", "/dev/console",
                            "/dev/ttySAC2")
    assert out.splitlines() == [
        "crw-------    1 root     root        5,   1 Jan  1 00:00 /dev/console",
        "crw-rw-rw-    1 root     root        1,   3 Jan  1 00:00 /dev/null",
        "crw-------    1 root     root      204,  66 Jan  1 00:00 /dev/ttySAC2"]
    assert board.run("/usr/bin/tty") == (0, "/dev/console\n")
    assert board.run("/bin/sh", "-c", "echo gone > /dev/null; echo shown > /dev/ttySAC2") == (
        0, "shown\n")
    assert board.run("/usr/bin/head", "-c", "4", "/dev/zero") == (0, "\0\0\0\0")
    assert board.run("/bin/sh", "-c", "echo '<3>from user space' > /dev/kmsg")[0] == 0
    assert board.machine.dmesg()[-1].endswith("] from user space")
    assert board.run("/bin/sh", "-c", "echo x > /dev/full")[0] == 1   # ENOSPC


def test_busybox_demo_scenario_through_the_cli():
    proc = cli("run", str(ROOT / "firmware" / "scenarios" / "busybox_demo.board"),
               "--rootfs", str(PREBUILT), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["ok"], proc.stderr
    assert [s["status"] for s in report["steps"] if s["command"].startswith("/sbin/")] == \
        [0, 0, 0, 1]                                # insmod, lsmod, rmmod, rmmod again
    assert report["leds"]["LED2"] is False


def test_a_read_that_would_sleep_forever_ends_the_run_with_status_3(tmp_path):
    script = tmp_path / "k.board"
    script.write_text("/bin/cat /dev/kmsg\n/bin/echo never\n")
    proc = cli("run", str(script), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 3 and report["exit_code"] == 3
    assert [s["status"] for s in report["steps"]] == [3]
    assert "/bin/cat (pid 100) sleeps in devkmsg_read and nothing can wake it" in proc.stderr


def test_remount_read_only_refuses_writes_until_remounted_rw(board):
    assert board.run("/bin/mount", "-o", "remount,ro", "/")[0] == 0
    assert board.run("/bin/cat", "/proc/mounts")[1].splitlines()[0] == "rootfs / rootfs ro 0 0"
    assert board.run("/bin/touch", "/x")[0] == 1
    assert "touch: /x: Read-only file system\n" in board.out
    assert board.run("/bin/rm", "/notes.txt")[0] == 1
    assert board.run("/bin/mount", "-t", "tmpfs", "tmpfs", "/mnt")[0] == 0
    assert board.run("/bin/touch", "/mnt/ok")[0] == 0              # tmpfs is writable
    assert board.run("/bin/mount", "-o", "remount,rw", "/")[0] == 0
    assert board.run("/bin/rm", "/notes.txt")[0] == 0
