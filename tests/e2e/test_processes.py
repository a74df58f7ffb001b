"""Processes, scheduling and sleeping end to end (issue 12): a course key driver's app blocks
in read() in the background while the script presses keys; jobs, kill, wait, ps; CPU-bound
processes share the CPU round robin; sleeps take virtual time; runs are deterministic."""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.machine import Machine
from emulator.trace import Tracer
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module
from tests.e2e.helpers import cli

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
APPS = FIRMWARE / "apps" / "key_apps"


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("procs")
    build = tmp_path_factory.mktemp("procs-build")
    for name in ("keywait", "semdemo", "kthreaddemo"):
        shutil.copy(build_module(FIRMWARE / "drivers" / name, build), root / f"{name}.ko")
    for src in APPS.glob("*.c"):
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / src.stem),
                        str(src)], check=True, capture_output=True)
    return root


def run(script, rootfs, tracer=None, max_time_s=3600):
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=20, console=out.write, tracer=tracer,
                      max_time_s=max_time_s)
    console = Console(machine, out)
    status = console.run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine, console


KEYS = """
insmod keywait.ko
mknod /dev/key c 250 0
./key_app /dev/key 3 &
ps
click K2
expect stdout "^key 2 pressed$"
click K3
expect stdout "key 3 pressed"
jobs
click K2
wait %1
expect exit 0
"""


def test_background_app_blocks_in_read_until_a_key(rootfs):
    status, out, m, console = run(KEYS, rootfs)
    assert status == 0, out
    assert "[1] 100\n" in out
    assert "  100 S    ./key_app /dev/key 3" in out              # asleep in read()
    assert "[1]+  Running                 ./key_app /dev/key 3 &" in out
    assert "[1]+  Done                    ./key_app /dev/key 3" in out
    assert [l for l in out.splitlines() if l.startswith("key ")] == [
        "key 2 pressed", "key 3 pressed", "key 2 pressed"]
    assert "keywait: opened by key_app (pid 100)" in "\n".join(m.dmesg())
    steps = {s.command: s.stdout for s in console.session.steps}
    assert steps["click K3"] == "key 3 pressed\n"               # the output joins its command


def test_same_script_same_output_and_trace(rootfs):
    runs = []
    for _ in range(2):
        events = []
        tracer = Tracer()
        for kind in ("key", "irq", "sched", "syscall", "printk"):
            tracer.subscribe(kind, lambda kind, fields: events.append((kind, repr(fields))))
        status, out, m, _ = run(KEYS + "./spin_app A 2 &\n./spin_app B 2\nwait\n", rootfs, tracer)
        assert status == 0, out
        runs.append((out, events, m.cpu.instructions, m.clock.now_ns()))
    assert runs[0] == runs[1]
    sched = [e for k, e in runs[0][1] if k == "sched"]
    assert any("'event': 'sleep'" in e and "wait_event" in e for e in sched)
    assert any("'event': 'wakeup'" in e for e in sched)


def test_cpu_bound_processes_share_the_cpu_round_robin(rootfs):
    status, out, m, _ = run("./spin_app A 3 &\n./spin_app B 3\nwait\n", rootfs)
    assert status == 0, out
    lines = [l for l in out.splitlines() if l[:2] in ("A ", "B ")]
    assert sorted(lines) == ["A 0", "A 1", "A 2", "B 0", "B 1", "B 2"]
    assert lines != sorted(lines)                                # interleaved, not one by one
    assert "[1]+  Done" in out


def test_kill_ends_a_sleeping_reader_with_its_signal(rootfs):
    status, out, m, _ = run("""
insmod keywait.ko
mknod /dev/key c 250 0
./key_app /dev/key &
./key_app /dev/key &
kill %1
kill -KILL 101
wait %2
expect exit 137
wait %1
expect exit 143
""", rootfs)
    assert status == 0, out
    assert "[1]+  Terminated              ./key_app /dev/key" in out
    assert "[2]+  Killed                  ./key_app /dev/key" in out
    assert sum("read interrupted by a signal" in l for l in m.dmesg()) == 2


def test_kill_of_a_finished_job_fails(rootfs):
    status, out, _, _ = run("./spin_app A 1 &\nwait\nkill %1\n", rootfs)
    assert status == 1
    assert "kill: (100) - No such process" in out
    status, out, _, _ = run("kill %7\n", rootfs)
    assert status == 1 and "kill: %7: no such job" in out
    status, out, _, _ = run("./spin_app A 1 &\nkill -FOO %1\n", rootfs)
    assert status == 1 and "kill: FOO: invalid signal specification" in out


def test_a_reader_nothing_can_wake_is_reported(rootfs):
    status, out, _, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n"
                            "./key_app /dev/key 1\n", rootfs)
    assert status == 3
    assert "./key_app (pid 100) sleeps in wait_event and nothing can wake it" in out
    status, out, _, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n"
                            "./key_app /dev/key 1 &\nwait\n", rootfs)
    assert status == 3 and "wait: %1 (./key_app /dev/key 1, pid 100) sleeps in wait_event" in out


def test_sleep_lets_virtual_time_pass_for_background_processes(rootfs):
    status, out, m, _ = run("./sleeper &\nsleep 2.5\nkill %1\n", rootfs)
    assert status == 0, out
    assert [l for l in out.splitlines() if l.startswith("tick")] == ["tick 0", "tick 1", "tick 2"]
    assert 2.5e9 <= m.clock.now_ns() < 2.6e9


def test_max_time_stops_a_forever_app(rootfs):
    (rootfs / "forever.board").write_text("./sleeper\n")
    proc = cli("run", str(rootfs / "forever.board"), "--max-time", "3")
    assert proc.returncode == 3
    assert proc.stdout.count("tick") == 3
    assert "virtual time limit reached: 3 s of board time (--max-time)" in proc.stdout + proc.stderr


def test_poll_and_select_sleep_until_a_key_or_the_timeout(rootfs):
    status, out, m, _ = run("""
insmod keywait.ko
mknod /dev/key c 250 0
./key_poll_app /dev/key poll 1 &
sleep 2.5
click K2
wait %1
expect exit 0
./key_poll_app /dev/key select 1 &
sleep 1.2
click K3
wait %2
expect exit 0
""", rootfs)
    assert status == 0, out
    lines = [l for l in out.splitlines() if l in ("timeout", "poll: key 2", "select: key 3")]
    assert lines == ["timeout", "timeout", "poll: key 2", "timeout", "select: key 3"]
    assert 3.8e9 < m.clock.now_ns() < 4.0e9          # every wait was virtual time


def test_a_killed_reader_never_returns_to_user_code(rootfs):
    """read() is a tail call into the driver: the fatal signal still ends the process at
    that system call, so user code never sees the interrupted read's result."""
    status, out, m, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n./killread /dev/key &\n"
                            "kill %1\nwait %1\nexpect exit 143\n", rootfs)
    assert status == 0, out
    assert "read returned" not in out
    assert "keywait: read interrupted by a signal" in "\n".join(m.dmesg())
    status, out, m, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n./killread /dev/key &\n"
                            "click K3\nwait %1\n", rootfs)
    assert status == 0 and "read returned 4" in out


def test_standard_input_from_a_file_or_echo(rootfs):
    (rootfs / "in.txt").write_text("hello\nworld\n")
    status, out, _, _ = run("./cat_app < in.txt\nexpect stdout \"hello\\nworld\\n\\[12 bytes\\]\"\n"
                            "echo hi there | ./cat_app\nexpect stdout \"^hi there\\n\\[9 bytes\\]\"\n"
                            "./cat_app\nexpect stdout \"^\\[0 bytes\\]\"\n", rootfs)
    assert status == 0, out
    status, out, _, _ = run("./cat_app < missing.txt\n", rootfs)
    assert status == 1 and "missing.txt: No such file or directory" in out
    status, out, _, _ = run("ls | ./cat_app\n", rootfs)
    assert status == 1 and "only `echo TEXT | PROGRAM` pipes are supported" in out


def test_semaphore_makes_a_second_opener_wait_and_a_completion_wakes_the_reader(rootfs):
    status, out, m, _ = run("""
insmod semdemo.ko
mknod /dev/sem c 251 0
./key_app /dev/sem 1 &
./key_app /dev/sem 1 &
ps
click K2
ps
click K2
wait
./key_app /dev/sem 1 &
kill %3
wait %3
expect exit 143
""", rootfs)
    assert status == 0, out
    assert "  101 S    ./key_app /dev/sem 1" in out          # asleep in down_interruptible()
    dmesg = [l.split("] ", 1)[1] for l in m.dmesg() if "semdemo" in l]
    assert dmesg == ["semdemo: pid 100 holds the device", "semdemo: pid 100 releases the device",
                     "semdemo: pid 101 holds the device", "semdemo: pid 101 releases the device",
                     "semdemo: pid 102 holds the device", "semdemo: pid 102 releases the device"]
    assert out.count("key 2 pressed") == 2


def test_kernel_thread_ticks_until_kthread_stop(rootfs):
    status, out, m, _ = run("insmod kthreaddemo.ko\nps\nsleep 3.5\nrmmod kthreaddemo\nps\n", rootfs)
    assert status == 0, out
    assert "  100 D    [ticker/0]" in out                      # asleep in msleep()
    lines = [l for l in m.dmesg() if "kthreaddemo" in l]
    assert lines == [
        "[    0.000000] kthreaddemo: ticker/0 (pid 100) starts, data 42",
        "[    0.000000] kthreaddemo: tick 1",
        "[    1.005000] kthreaddemo: tick 2",                  # msleep(1000): 201 jiffies
        "[    2.010000] kthreaddemo: tick 3",
        "[    3.015000] kthreaddemo: tick 4",
        "[    4.020000] kthreaddemo: stopping after 4 ticks",  # kthread_stop waits the msleep out
        "[    4.020000] kthreaddemo: kthread_stop returned 4"]
    assert out.split("# ps\n")[-1].strip() == "PID STAT COMMAND"
