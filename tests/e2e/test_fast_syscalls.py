"""The native system-call fast path (issue 15 (b)): a program sees exactly what the Python
path gives it, including where the fast path must step aside (a reused fd number, the
kernel's own ioctls, an operation the device lacks), and tracing still sees every call."""

import io
import json
import shutil

import pytest

from emulator.console import Console
from emulator.machine import Machine

SCRIPT = """insmod leddrv.ko
mknod /dev/leddev c 11 0
insmod adc.ko
mknod /dev/adc c 251 0
./fastpath /dev/leddev /dev/adc
dmesg
"""


@pytest.fixture
def fast_rootfs(rootfs, test_programs):
    shutil.copy(test_programs["fastpath"], rootfs / "fastpath")
    return rootfs


def _run(rootfs, fast, script=SCRIPT):
    out = io.StringIO()
    m = Machine("fs4412", str(rootfs), timeout_s=10.0, console=out.write)
    m.entry.use_fast_path(fast)
    status = Console(m, out).run_lines(script.splitlines())
    return status, out.getvalue(), m


def test_fast_path_gives_what_the_python_path_gives(fast_rootfs):
    status, out, m = _run(fast_rootfs, True)
    slow_status, slow_out, slow = _run(fast_rootfs, False)
    assert status == slow_status == 0, out
    assert out == slow_out
    assert m.entry.syscalls == slow.entry.syscalls
    assert (m.cpu.instructions, m.clock.now_ns()) == (slow.cpu.instructions, slow.clock.now_ns())
    assert m.leds["LED2"] is slow.leds["LED2"] is False
    assert slow.entry.fast_syscalls == 0
    # The repeated ioctls and reads (the program prints nothing until the end, so nothing
    # in between empties the table): 11 of the 32 calls with this policy.
    assert m.entry.fast_syscalls >= 8
    lines = out.splitlines()
    assert lines.count("led ioctl: 0 ok (value 0)") == 6
    assert lines.count("adc read: 4 ok (value 2048)") == 3
    for line in ("fioclex: 0 ok", "fionclex: 0 ok", "unknown cmd again: -1 EPERM",
                 "led 7: -1 EPERM", "led 2 on again: 0 ok", "adc fd: 3 ok",
                 "adc ioctl again: -1 ENOTTY", "adc short read: -1 EINVAL",
                 "adc write: -1 EINVAL", "led2 off again: 0 ok", "dup2: 4 ok",
                 "dup2'd ioctl: -1 ENOTTY", "dup2'd read: 4 ok", "closed ioctl: -1 EBADF",
                 "closed read: -1 EBADF"):
        assert line + " (value" in out


def test_traced_syscalls_all_reach_the_trace(rootfs):
    from emulator.debug.tracefile import TraceRecorder, parse_only
    m = Machine("fs4412", str(rootfs), timeout_s=10.0, console=io.StringIO().write)
    sink = io.StringIO()
    recorder = TraceRecorder(m, parse_only("syscall"), jsonl=sink)
    m.insmod("leddrv.ko")
    m.mknod("/dev/leddev", "c", 11, 0)
    assert m.run("./ioctl_loop", ["/dev/leddev", "25"]) == 0
    recorder.close()
    records = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert sum(1 for r in records if r["name"] == "ioctl" and r["args"][0] == "0x00000003") == 25
    assert m.entry.fast_syscalls == 0


def test_syscall_regs_name_the_natively_served_call(rootfs):
    """Kernel code reached through the fast path still knows its caller's user registers
    (the debugger's backtrace continues from them): each ioctl's own cmd, not a stale one."""
    from emulator.kernel.entry import SvcFrame
    m = Machine("fs4412", str(rootfs), timeout_s=10.0, console=io.StringIO().write)
    m.insmod("leddrv.ko")
    m.mknod("/dev/leddev", "c", 11, 0)
    ioctl = m.symbolize.address_of("myled_ioctl")
    seen = []
    m.cpu.hook_code(lambda address, size: seen.append(SvcFrame.as_dict(m.entry.syscall_regs)),
                    ioctl, ioctl)
    m.cpu.flush_translations()
    assert m.run("./ioctl_loop", ["/dev/leddev", "8"]) == 0
    assert m.entry.fast_syscalls >= 6
    assert [f["r1"] for f in seen] == [0x6701, 0x6700] * 4          # MY_LED_ON, MY_LED_OFF
    assert all(f["r7"] == 54 and f["r0"] == 3 and f["r2"] == 2 for f in seen)
    assert len({f["pc"] for f in seen}) == 1                       # the same svc in ioctl()
