"""epoll over the drivers' ->poll (issue 12): epoll_create1/epoll_ctl/epoll_wait with the
course's keywait driver, a timeout, key presses waking the wait, and epoll_ctl's errors."""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.machine import Machine
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
SCRIPT = """insmod keywait.ko
mknod /dev/key c 250 0
./epoll_app /dev/key 2 &
sleep 1.2
click K2
click K3
wait
"""


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("epoll")
    ko = build_module(FIRMWARE / "drivers" / "keywait", tmp_path_factory.mktemp("epoll-build"))
    shutil.copy(ko, root / "keywait.ko")
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "epoll_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "epoll_app.c")], check=True)
    return root


def run(rootfs):
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=20, console=out.write)
    status = Console(machine, out).run_lines(SCRIPT.strip().splitlines())
    return status, out.getvalue()


def test_epoll_wait_sleeps_until_a_key_or_the_timeout(rootfs):
    status, out = run(rootfs)
    assert status == 0, out
    lines = out.splitlines()
    assert "add: 0 (ok)" in lines
    assert "add again: -1 (File exists)" in lines
    assert "del unknown: -1 (No such file or directory)" in lines
    assert "add regular file: -1 (Operation not permitted)" in lines
    assert "add itself: -1 (Invalid argument)" in lines
    assert "create(0): -1 (Invalid argument)" in lines
    assert "mod EPOLLET: -1 (Invalid argument)" in lines      # refused, with a kernel line
    assert "emu4412: epoll EPOLLET (edge-triggered) is not supported" in out
    # one second without a key, then each click wakes epoll_wait with the fd's data
    assert lines.index("timeout") < lines.index("# click K2")
    k2 = lines.index("epoll: 1 ready, events 0x1, data 0x1234567800000003: key 2")
    k3 = lines.index("epoll: 1 ready, events 0x1, data 0x1234567800000003: key 3")
    assert lines.index("# click K2") < k2 < lines.index("# click K3") < k3
    assert run(rootfs)[1] == out                      # deterministic
