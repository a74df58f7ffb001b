"""Mutexes and rw-semaphores that sleep under contention (issue 12, part 2): the course's
mutex lab (a second opener blocks in open() until the first closes; kill ends its wait with
-ERESTARTSYS), readers sharing an rw-semaphore while a writer waits."""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.machine import Machine
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("locking")
    build = tmp_path_factory.mktemp("locking-build")
    shutil.copy(build_module(FIRMWARE / "drivers" / "mutexlab", build), root / "mutexlab.ko")
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "hold_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "hold_app.c")], check=True)
    return root


def run(script, rootfs):
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=20, console=out.write)
    status = Console(machine, out).run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine


def lab_lines(machine):
    """The driver's lines, with the time in milliseconds (sleeps set it; instructions add
    microseconds)."""
    return [f"{float(line[1:13]) * 1000:.0f} ms {line.split('] ', 1)[1]}"
            for line in machine.dmesg() if "mutexlab" in line]


def test_second_opener_sleeps_in_open_until_the_first_closes(rootfs):
    status, out, m = run("""
insmod mutexlab.ko
mknod /dev/lab c 252 0
./hold_app /dev/lab 1 &
./hold_app /dev/lab 1 &
sleep 0.5
ps
wait
""", rootfs)
    assert status == 0, out
    assert "  101 S    ./hold_app /dev/lab 1" in out
    assert "101: opened" not in out.split("# wait")[0]       # still asleep in open()
    assert lab_lines(m) == [
        "0 ms mutexlab: pid 100 holds the device",
        "1000 ms mutexlab: pid 100 releases the device",
        "1000 ms mutexlab: pid 101 holds the device",
        "2000 ms mutexlab: pid 101 releases the device"]


def test_kill_ends_an_interruptible_mutex_wait(rootfs):
    status, out, m = run("""
insmod mutexlab.ko
mknod /dev/lab c 252 0
./hold_app /dev/lab 2 &
./hold_app /dev/lab 1 &
sleep 0.5
kill %2
wait %2
expect exit 143
./hold_app /dev/lab 0
""", rootfs)
    assert status == 0, out
    assert "mutexlab: pid 101 interrupted while waiting" in "\n".join(m.dmesg())
    # the third opener got the mutex once pid 100 let go: the killed waiter left the queue
    assert lab_lines(m)[-3:-1] == ["2000 ms mutexlab: pid 100 releases the device",
                                 "2000 ms mutexlab: pid 102 holds the device"]


def test_readers_share_and_writers_exclude(rootfs):
    status, out, m = run("""
insmod mutexlab.ko
mknod /dev/labrw c 252 1
./hold_app /dev/labrw 0 w 5 &
./hold_app /dev/labrw 0 r &
./hold_app /dev/labrw 0 r &
./hold_app /dev/labrw 0 w 7 &
wait
""", rootfs)
    assert status == 0, out
    assert lab_lines(m) == [
        "0 ms mutexlab: pid 100 writes 5",
        "55 ms mutexlab: pid 101 reads (readers 2)",   # both readers at once,
        "55 ms mutexlab: pid 102 reads (readers 2)",   # after the writer
        "110 ms mutexlab: pid 103 writes 7"]            # the last writer waited
    assert "101: read 5" in out and "102: read 5" in out


def test_contention_in_module_init_that_nothing_releases_stops(rootfs, tmp_path):
    src = tmp_path / "rwinit"
    src.mkdir()
    (src / "Kbuild").write_text("obj-m := rwinit.o\n")
    (src / "rwinit.c").write_text(
        "#include <linux/module.h>\n#include <linux/rwsem.h>\n"
        "static DECLARE_RWSEM(sem);\n"
        "static int __init rw_init(void) { down_read(&sem); down_write(&sem); return 0; }\n"
        "module_init(rw_init);\nMODULE_LICENSE(\"GPL\");\n")
    ko = build_module(src, tmp_path / "out")
    shutil.copy(ko, rootfs / "rwinit.ko")
    status, out, _ = run("insmod rwinit.ko", rootfs)
    assert status == 3
    # init sleeps as insmod's task (issue 12); nothing else can release the rwsem
    assert "insmod: module init sleeps in down_write (called from rw_init+0x" in out
    assert "and nothing can wake it" in out
