"""sysfs attributes with module callbacks (DEVICE_ATTR, DRIVER_ATTR, attribute groups), as
Linux 3.14 serves them: read and written from a board script (the console: host context)
and from busybox processes (open/read/write: the callbacks run inside the syscall), with
3.14's errors, and gone at rmmod (tests/drivers/sysattr)."""

import io
import shutil

import pytest

from emulator.console import Console
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine

MISC = "/sys/class/misc/sysattr"
DRIVER = "/sys/bus/platform/drivers/sysattr"
PDEV = "/sys/bus/platform/devices/sysattr"
STRAY = "/sys/devices/platform/stray"


@pytest.fixture
def rootfs(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["sysattr"], tmp_path)
    return tmp_path


class Script:
    """A board script typed a line at a time: (status, what the console printed)."""

    def __init__(self, rootfs):
        self.out = io.StringIO()
        self.machine = Machine("fs4412", str(rootfs), console=self.out.write,
                               skeleton=board_skeleton())
        self.console = Console(self.machine, self.out)

    def __call__(self, line):
        self.out.seek(0)
        self.out.truncate()
        status = self.console.run_lines([line])
        return status, self.out.getvalue().split("\n", 1)[1]      # after the echoed "# line"

    def sh(self, command):
        """busybox sh -c COMMAND as a process: (exit status, what it printed)."""
        mark = len(self.machine.stdout)
        status = self.machine.run("/bin/sh", ["-c", command])
        return status, bytes(self.machine.stdout[mark:]).decode()

    def dmesg(self):
        return [text.rstrip("\n") for text in self.machine.log.texts()]


@pytest.fixture
def board(rootfs):
    script = Script(rootfs)
    status, out = script("insmod sysattr.ko")
    assert status == 0, out
    return script


def test_files_appear_beside_the_devices_and_drivers_entries(board):
    vfs = board.machine.vfs
    assert vfs.listdir(MISC) == ["big", "broken", "cfg", "dev", "secret", "uevent", "value"]
    assert vfs.listdir(MISC + "/cfg") == ["alpha"]            # is_visible hid "hidden"
    assert vfs.listdir(DRIVER) == ["debug", "sysattr"]
    assert vfs.listdir(PDEV) == ["mode", "uevent"]            # added by probe
    assert vfs.listdir("/sys/devices/platform") == ["stray"]
    # a second device_create_file of the same name: 3.14's warning and -EEXIST
    log = board.dmesg()
    assert "sysfs: cannot create duplicate filename '/class/misc/sysattr/value'" in log
    assert "sysattr: duplicate -17" in log and "sysattr: init 0" in log
    # modes as the attributes give them (is_visible's bits added), seen by ls -l
    status, out = board.sh(f"ls -l --color=never {MISC} {MISC}/cfg | grep -v total | "
                           "while read perm rest; do echo $perm; done")
    assert out.split() == [f"{MISC}:", "-r--r--r--", "-r--r--r--", "drwxr-xr-x", "-r--r--r--",
                           "--w-------", "-r--r--r--", "-rw-r--r--", f"{MISC}/cfg:",
                           "-r--rw-r--"]


def test_console_reads_and_writes_call_show_and_store(board):
    assert board(f"cat {MISC}/value") == (0, "value=7 (value)\n")
    status, out = board(f"echo 12 > {MISC}/value")
    # store got the written bytes (the newline too) NUL-terminated in a kernel buffer
    assert status == 0 and "sysattr: value 12 (3 bytes, NUL at 3)" in out
    assert board(f"cat {MISC}/value") == (0, "value=12 (value)\n")
    assert board(f"cat {MISC}/cfg/alpha") == (0, "alpha of sysattr\n")
    assert board(f"cat {DRIVER}/debug") == (0, "sysattr debug 0\n")
    assert board(f"echo 5 > {DRIVER}/debug")[0] == 0
    assert board(f"cat {DRIVER}/debug") == (0, "sysattr debug 5\n")
    assert board(f"echo 3 > {PDEV}/mode")[0] == 0
    assert board(f"cat {PDEV}/mode") == (0, "sysattr mode 3\n")


def test_console_sees_3_14s_errors(board):
    # no S_IRUGO: kernfs refuses the open; no S_IWUGO: likewise for writing
    assert board(f"cat {MISC}/secret") == \
        (1, f"cat: can't open '{MISC}/secret': Permission denied\n")
    assert board(f"echo 1 > {MISC}/broken") == \
        (1, f"sh: can't create {MISC}/broken: Permission denied\n")
    # show's negative return is the read's error; store's the write's
    assert board(f"cat {MISC}/broken") == (1, "cat: read error: No such device\n")
    assert board(f"echo x > {MISC}/value") == (1, "sh: write error: Invalid argument\n")
    # writable by its mode (is_visible added S_IWGRP) but no store: dev_attr_store's -EIO
    assert board(f"echo 1 > {MISC}/cfg/alpha") == (1, "sh: write error: Input/output error\n")


def test_processes_read_and_write_through_syscalls(board):
    assert board.sh(f"cat {MISC}/value") == (0, "value=7 (value)\n")
    status, out = board.sh(f"echo 99 > {MISC}/value && cat {MISC}/value")
    assert (status, out) == (0, "value=99 (value)\n")
    assert "sysattr: value 99 (3 bytes, NUL at 3)" in board.dmesg()
    assert board.sh(f"echo 4 > {DRIVER}/debug; cat {DRIVER}/debug") == (0, "sysattr debug 4\n")
    assert "sysattr: debug 4" in board.dmesg()
    # and the console sees what the process stored
    assert board(f"cat {MISC}/value") == (0, "value=99 (value)\n")


def test_processes_see_3_14s_errors(board):
    assert board.sh(f"cat {MISC}/secret") == \
        (1, f"cat: can't open '{MISC}/secret': Permission denied\n")
    assert board.sh(f"cat {MISC}/broken") == (1, "cat: read error: No such device\n")
    assert board.sh(f"echo zz > {MISC}/value; echo $?") == \
        (0, "sh: write error: Invalid argument\n1\n")
    assert board.sh(f"echo 1 > {MISC}/broken; echo $?") == \
        (0, f"/bin/sh: can't create {MISC}/broken: Permission denied\n1\n")
    # a write-only attribute is written all the same
    assert board.sh(f"echo hush > {MISC}/secret; echo $?") == (0, "0\n")
    assert "sysattr: secret 5 bytes" in board.dmesg()


def test_show_gets_a_zeroed_page_and_a_full_page_is_cut(board):
    status, out = board.sh(f"cat {MISC}/big | wc -c; head -c 3 {MISC}/big")
    assert (status, out) == (0, "4095\nzxx")           # 'z': the buffer came zeroed
    log = board.dmesg()
    # two opens, two shows; print_symbol names the function: "big_show+0x0/0x.. [sysattr]"
    bad = [line for line in log if line.endswith(" returned bad count")]
    assert len(bad) == 4 and bad[0].startswith("dev_attr_show: big_show+0x0/0x")
    assert bad[1].startswith("fill_read_buffer: big_show+0x0/0x")
    assert bad[0].endswith(" [sysattr] returned bad count")
    status, out = board(f"cat {MISC}/big")
    assert status == 0 and out.endswith("returned bad count\n" + "z" + "x" * 4094)


def test_rmmod_removes_the_files_and_reports_the_one_left_behind(board):
    status, out = board("rmmod sysattr")
    assert status == 0
    # value and debug were removed, mode by remove(), the rest went with their device and
    # driver; stray sits on the platform bus device, which stays: the leak report names it
    assert out == ('leak: sysattr: sysfs attribute "/sys/devices/platform/stray" '
                   "(acquired at sysattr_init+0x") + out.split("+0x", 1)[1]
    assert out.endswith(") not released at rmmod\n")
    vfs = board.machine.vfs
    assert not vfs.listdir(MISC) and vfs.listdir(DRIVER) is None and vfs.listdir(PDEV) is None
    assert board(f"cat {MISC}/value")[0] == 1
    assert board.sh(f"cat {MISC}/value")[0] == 1
    assert vfs.listdir("/sys/devices/platform") == ["stray"]
