"""Signals end to end (issue 12): handlers with 3.14's ARM frame and sigreturn, SA_RESTART,
default actions (128+N), pause/sigsuspend/sigprocmask, setitimer and alarm in virtual time,
fasync/SIGIO from a key driver's interrupt handler, the `signal` trace group."""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.machine import Machine
from emulator.trace import Tracer
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
APPS = FIRMWARE / "apps" / "key_apps"


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("signals")
    build = tmp_path_factory.mktemp("signals-build")
    for name in ("keywait", "keyfasync"):
        shutil.copy(build_module(FIRMWARE / "drivers" / name, build), root / f"{name}.ko")
    for name in ("sig_app", "fasync_app", "key_app", "spin_app", "sigwait_app"):
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / name),
                        str(APPS / f"{name}.c")], check=True, capture_output=True)
    return root


def run(script, rootfs, kinds=()):
    out, events = io.StringIO(), []
    tracer = Tracer()
    for kind in kinds:
        tracer.subscribe(kind, lambda kind, fields: events.append((kind, dict(fields))))
    machine = Machine("fs4412", str(rootfs), timeout_s=20, console=out.write, tracer=tracer)
    console = Console(machine, out)
    status = console.run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine, events


READ = """
insmod keywait.ko
mknod /dev/key c 250 0
./sig_app read /dev/key 2 &
sleep 1.5
click K2
kill -INT %1
click K3
wait %1
expect exit 0
"""


def test_handlers_run_and_sa_restart_restarts_the_interrupted_read(rootfs):
    status, out, m, events = run(READ, rootfs, ("signal",))
    assert status == 0, out
    lines = [l for l in out.splitlines() if not l.startswith(("#", "["))]
    assert lines == [
        "alarm 1 (signal 14)",                  # SIGALRM (SA_RESTART) while read() sleeps
        "key 2 pressed",                        # ... the read restarted and got the key
        # SA_SIGINFO, kill from the shell (SI_USER); the ucontext's sigcontext as glibc reads it
        "SIGINT caught: si_signo 2 si_code 0, interrupted r7 3",
        "read: Interrupted system call",        # no SA_RESTART: -EINTR
        "key 3 pressed"]
    assert sum("read interrupted by a signal" in l for l in m.dmesg()) == 2
    sig = [(e["event"], e["name"]) for k, e in events]
    assert sig == [("generate", "SIGALRM"), ("deliver", "SIGALRM"), ("handler", "SIGALRM"),
                   ("sigreturn", ""), ("generate", "SIGINT"), ("deliver", "SIGINT"),
                   ("handler", "SIGINT"), ("sigreturn", "")]
    assert "siginfo" in events[6][1]["detail"] and "siginfo" not in events[2][1]["detail"]


def test_the_same_script_gives_the_same_output_and_trace(rootfs):
    runs = [run(READ, rootfs, ("signal", "sched", "syscall")) for _ in range(2)]
    assert [(r[1], r[3]) for r in runs[:1]] == [(r[1], r[3]) for r in runs[1:]]


@pytest.mark.parametrize("sig, status, word", [
    ("INT", 130, "Interrupt"), ("QUIT", 131, "Quit"), ("USR1", 138, "User defined signal 1"),
    ("ALRM", 142, "Alarm clock"), ("TERM", 143, "Terminated"), ("KILL", 137, "Killed")])
def test_default_actions_end_the_process_with_128_plus_n(rootfs, sig, status, word):
    code, out, _, _ = run(f"./spin_app A 1000000 &\nkill -{sig} %1\nwait %1\n"
                          f"expect exit {status}\n", rootfs)
    assert code == 0, out
    assert f"[1]+  {word:<24}./spin_app A 1000000" in out


def test_kill_0_checks_the_job_runs(rootfs):
    code, out, _, _ = run("./spin_app A 1000000 &\nkill -0 %1\nkill -KILL %1\nwait %1\n"
                          "expect exit 137\nkill -0 %1\n", rootfs)
    assert code == 1 and "kill: (100) - No such process" in out
    code, out, _, _ = run("./spin_app A 1 &\nkill -65 %1\n", rootfs)
    assert code == 1 and "kill: 65: invalid signal specification" in out


def test_signals_ignored_by_default_do_not_end_it(rootfs):
    code, out, _, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n./key_app /dev/key 1 &\n"
                          "kill -CHLD %1\nkill -WINCH %1\nkill -URG %1\nclick K2\nwait %1\n"
                          "expect exit 0\n", rootfs)
    assert code == 0, out
    assert "key 2 pressed" in out


def test_stop_and_continue(rootfs):
    code, out, m, events = run("""
./spin_app A 1000000 &
kill -STOP %1
jobs
ps
sleep 2
kill -CONT %1
kill -TSTP %1
jobs
wait %1
""", rootfs, ("signal",))
    assert code == 3, out                                   # wait: stopped, nothing wakes it
    assert "[1]+  Stopped                 ./spin_app A 1000000\n" in out
    assert "  100 T    ./spin_app A 1000000\n" in out
    assert "# sleep 2\n# kill -CONT %1\n" in out             # no CPU while stopped
    assert "./spin_app A 1000000 (pid 100) sleeps in stopped" in out or \
        "sleeps in stopped and nothing can wake it" in out
    assert [(e["event"], e["name"]) for _, e in events] == [
        ("generate", "SIGSTOP"), ("deliver", "SIGSTOP"), ("ignored", "SIGCONT"),
        ("continue", "SIGCONT"), ("generate", "SIGTSTP"), ("deliver", "SIGTSTP")]
    assert [e["detail"] for _, e in events if e["event"] == "deliver"] == ["stop", "stop"]


def test_pause_sigprocmask_sigpending_sigsuspend(rootfs):
    code, out, m, _ = run("./sig_app pause\n", rootfs)
    assert code == 0, out
    assert out.splitlines()[1:] == [
        "alarm 1 (signal 14)",
        "pause returned -1 (Interrupted system call) after 1 alarm",
        "SIGUSR1 blocked: pending 1, delivered 0",
        "SIGUSR1 1",
        "sigsuspend returned -1 (Interrupted system call), delivered 1, still blocked 1"]
    assert 1.0e9 <= m.clock.now_ns() < 1.1e9       # alarm(1): one second of board time


def test_an_interval_timer_interrupts_sleep(rootfs):
    code, out, m, _ = run("./sig_app sleep\n", rootfs)
    assert code == 0, out
    assert out.splitlines()[1:] == ["alarm 1 (signal 14)",
                                    "sleep(2) returned 1, interval 300000 us"]
    assert 0.3e9 <= m.clock.now_ns() < 0.35e9


def test_a_handler_interrupts_a_busy_loop(rootfs):
    code, out, _, _ = run("./sig_app spin 3 &\nkill -USR1 %1\nkill -USR1 %1\nkill -USR1 %1\n"
                          "wait %1\nexpect exit 0\n", rootfs)
    assert code == 0, out
    assert [l for l in out.splitlines() if l.startswith(("SIGUSR1", "spun"))] == [
        "SIGUSR1 1", "SIGUSR1 2", "SIGUSR1 3", "spun until 3 signals"]


def test_raise_and_abort_use_tgkill(rootfs):
    code, out, _, events = run("./sig_app raise 15\nexpect exit 143\n./sig_app raise 17\n"
                               "expect exit 134\n", rootfs, ("signal",))
    assert code == 0, out
    assert out.count("raise returned") == 1              # SIGCHLD is ignored: abort() next
    assert [(e["event"], e["name"], e["detail"]) for _, e in events] == [
        ("generate", "SIGTERM", ""), ("deliver", "SIGTERM", "term"),
        ("ignored", "SIGCHLD", ""), ("generate", "SIGABRT", ""), ("deliver", "SIGABRT", "core")]


def test_sigreturn_without_a_frame_is_a_segfault(rootfs):
    code, out, _, events = run("./sig_app sigreturn\nexpect exit 139\n", rootfs, ("signal",))
    assert code == 0, out
    assert "Segmentation fault" in out and "rt_sigreturn returned" not in out
    assert [(e["event"], e["detail"]) for _, e in events] == [("fatal", "bad sigreturn frame")]


def test_sa_resethand_handles_once(rootfs):
    code, out, _, _ = run("./sig_app oneshot\nexpect exit 138\n", rootfs)
    assert code == 0, out
    assert "SIGUSR1 1\nhandled 1, raising again\n" in out and "survived" not in out


def test_a_fault_goes_to_the_processs_handler(rootfs):
    code, out, _, events = run("./sig_app segv\nexpect exit 3\n./sig_app sigreturn\n"
                               "expect exit 139\n", rootfs, ("signal",))
    assert code == 0, out
    assert "SIGSEGV caught: si_signo 11 si_code 1\n" in out       # SEGV_MAPERR
    assert out.count("Segmentation fault") == 1                   # only the unhandled one
    assert [e["event"] for _, e in events][:3] == ["fault", "deliver", "handler"]


def test_sigreturn_restores_the_vfp_registers(rootfs):
    code, out, _, _ = run("./sig_app vfp &\nkill -USR1 %1\nwait %1\nexpect exit 0\n", rootfs)
    assert code == 0, out
    assert "d0 kept after the handler" in out       # the handler overwrote d0


def test_proc_status_shows_caught_and_blocked_signals(rootfs):
    code, out, _, _ = run("insmod keywait.ko\nmknod /dev/key c 250 0\n"
                          "./sig_app read /dev/key 1 &\ncat /proc/100/status\nkill -KILL %1\n",
                          rootfs)
    assert code == 0, out
    assert "SigCgt:\t0000000000002002\n" in out                # SIGINT and SIGALRM caught


FASYNC = """
insmod keyfasync.ko
mknod /dev/keyf c 251 0
./fasync_app /dev/keyf 2 &
click K2
click K3
wait %1
expect exit 0
./fasync_app /dev/keyf 1 40 &
click K3
wait %2
expect exit 0
./fasync_app /dev/keyf 5 &
kill %3
wait %3
expect exit 143
"""


def test_a_signal_from_the_callers_own_driver_call_runs_before_it_returns(rootfs):
    code, out, _, _ = run("insmod keyfasync.ko\nmknod /dev/keyf c 251 0\n"
                          "./fasync_app /dev/keyf 1 29 self\n", rootfs)
    assert code == 0, out
    assert "signal 29 (si_code 1, band 0x41, fd 3): key 7 pressed\nafter write\n" in out


def test_fasync_key_driver_signals_the_app(rootfs):
    code, out, m, events = run(FASYNC, rootfs, ("signal",))
    assert code == 0, out
    lines = [l for l in out.splitlines() if l.startswith(("owner", "no key", "signal", "done"))]
    assert lines == [
        "owner 100, flags 0x2802, sig 0",            # F_GETOWN, O_RDWR | O_NONBLOCK | FASYNC
        "no key yet: Resource temporarily unavailable",   # O_NONBLOCK read: -EAGAIN
        "signal 29 (si_code 128, band 0, fd 0): key 2 pressed",      # plain SIGIO
        "signal 29 (si_code 128, band 0, fd 0): key 3 pressed",
        "done after 2 keys",
        "owner 101, flags 0x2802, sig 40",           # F_SETSIG 40: POLL_IN, band, fd
        "no key yet: Resource temporarily unavailable",
        "signal 40 (si_code 1, band 0x41, fd 3): key 3 pressed",
        "done after 1 keys",
        "owner 102, flags 0x2802, sig 0",
        "no key yet: Resource temporarily unavailable"]
    dmesg = [l.split("] ", 1)[1] for l in m.dmesg() if "keyfasync" in l]
    on_off = ["keyfasync: fasync fd 3 on", "keyfasync: fasync fd 3 off",
              "keyfasync: release (async list empty)"]
    assert dmesg == on_off * 2 + [                   # the killed app: __fput's fasync(-1)
        "keyfasync: fasync fd 3 on", "keyfasync: fasync fd -1 off",
        "keyfasync: release (async list empty)"]
    assert ("generate", 29) in [(e["event"], e["signo"]) for _, e in events]


def test_sigtimedwait_takes_blocked_signals_with_their_siginfo(rootfs):
    code, out, m, _ = run("./sigwait_app\n", rootfs)
    assert code == 0, out
    lines = [l for l in out.splitlines() if not l.startswith(("#", "["))]
    assert lines == [
        "poll: -1 Resource temporarily unavailable",          # ts {0, 0}: -EAGAIN
        "raise: 10 si_signo 10 si_code 0 own pid 1",           # glibc shows SI_TKILL as SI_USER
        "child: 17 si_code 1 pid 1 status 7",                  # CLD_EXITED, the child's pid
        "timeout: -1 Resource temporarily unavailable after >= 300 ms 1",
        "eintr: -1 Interrupted system call alarms 1",          # a handled SIGALRM: -EINTR
        "queue: 12 si_code -1 value 42",                       # sigqueue: SI_QUEUE, the value
        "eperm: -1 Operation not permitted",
        "blocked: 1 1 1 0"]                                    # the mask as it was
