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


TRACED = """insmod leddrv.ko
mknod /dev/leddev c 11 0
./ioctl_loop /dev/leddev 25
insmod adc.ko
mknod /dev/adc c 251 0
./fastpath /dev/leddev /dev/adc
./testled_app /dev/leddev 1 2
rmmod leddrv
"""


def _traced(rootfs, fast, groups):
    from emulator.debug.tracefile import TraceRecorder, parse_only
    out = io.StringIO()
    m = Machine("fs4412", str(rootfs), timeout_s=10.0, console=out.write)
    m.entry.use_fast_path(fast)
    sink = io.StringIO()
    recorder = TraceRecorder(m, parse_only(groups), jsonl=sink)
    assert Console(m, out).run_lines(TRACED.splitlines()) == 0, out.getvalue()
    recorder.close()
    return sink.getvalue(), out.getvalue(), m


@pytest.mark.parametrize("groups", ["syscall", "mmio,pin,led,syscall,kernel,printk,fault"])
def test_traced_syscalls_all_reach_the_trace(fast_rootfs, groups):
    """Traced, the native path serves the repeated calls too (issue 15 (e)), and the trace
    is byte for byte the Python path's: every call, in order, with its time stamps."""
    trace, out, m = _traced(fast_rootfs, True, groups)
    slow_trace, slow_out, slow = _traced(fast_rootfs, False, groups)
    assert trace == slow_trace and out == slow_out
    assert (m.cpu.instructions, m.clock.now_ns()) == (slow.cpu.instructions, slow.clock.now_ns())
    records = [json.loads(line) for line in trace.splitlines()]
    ioctls = [r for r in records if r["kind"] == "syscall" and r["name"] == "ioctl"
              and r["args"][:2] in (["0x00000003", "0x00006701"], ["0x00000003", "0x00006700"])]
    assert len(ioctls) >= 25
    assert slow.entry.fast_syscalls == 0 and m.entry.fast_syscalls >= 25
    assert m.entry.syscalls == slow.entry.syscalls


def test_traced_calls_served_natively_reach_every_subscriber_in_order(rootfs):
    """Subscribers other than the trace file (a test's, the runner's last events) get the
    natively served calls before any later event, and before the run returns."""
    seen = []
    m = Machine("fs4412", str(rootfs), timeout_s=10.0, console=io.StringIO().write)
    for kind in ("syscall", "led", "mmio_write"):
        m.tracer.subscribe(kind, lambda kind, fields: seen.append(
            (kind, fields.get("name"), m.cpu.instructions)))
    m.trace_calls()
    m.insmod("leddrv.ko")
    m.mknod("/dev/leddev", "c", 11, 0)
    assert m.run("./ioctl_loop", ["/dev/leddev", "30"]) == 0
    assert m.entry.fast_syscalls >= 25
    leds = [i for i, event in enumerate(seen) if event[0] == "led"]
    assert len(leds) == 30
    for a, b in zip(leds, leds[1:]):             # each LED change, then its ioctl's return
        assert [kind for kind, _, _ in seen[a:b]] == ["led", "syscall", "mmio_write"]
        assert seen[a + 1][1] == "ioctl"
    counts = [count for _, _, count in seen]
    assert counts == sorted(counts)              # stamped when they happened
    assert seen[-1][1] == "exit_group"


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
