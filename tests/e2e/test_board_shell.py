"""The booted board (issue 14): busybox init as pid 1, rcS, the askfirst shell on the console
with its line discipline, `emu4412 shell` fed from stdin, and shell scripts run by busybox sh
through `emu4412 run --shell` with the report and exit-status contract."""

import json
import shutil
import time

import pytest

from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine
from tests.e2e.helpers import cli
from tests.e2e.test_busybox import PREBUILT


class Typist:
    """Console input a line each time the console waits (what `emu4412 shell` does)."""

    def __init__(self, lines):
        self.lines = [line.encode() for line in lines]

    def __call__(self):
        return self.lines.pop(0) if self.lines else None


@pytest.fixture
def rootfs(tmp_path):
    shutil.copy(PREBUILT / "leddrv.ko", tmp_path)
    shutil.copy(PREBUILT / "testled_app", tmp_path)
    return tmp_path


def boot(rootfs):
    out = []
    machine = Machine("fs4412", str(rootfs), console=out.append, skeleton=board_skeleton())
    machine.boot()
    return machine, out


def test_boot_runs_init_and_rcs_and_asks_for_enter_within_a_second(rootfs):
    started = time.perf_counter()
    machine, out = boot(rootfs)
    assert time.perf_counter() - started < 1.0
    text = "".join(out)
    assert text.endswith("\nPlease press Enter to activate this console. ")
    init = machine.lifecycle.find_process(1)
    assert init.argv == ["/sbin/init"] and init.ppid == 1
    mounts = machine.vfs.read_file("/proc/mounts").decode()
    assert "proc /proc proc" in mounts and "tmpfs /tmp tmpfs" in mounts      # rcS ran
    assert [t.comm for t in machine.sched.tasks.values()] == ["init", "init"]


def test_typed_lines_reach_the_shell_and_the_seed_demo_works_by_hand(rootfs):
    machine, out = boot(rootfs)
    mark = len(out)
    reason = machine.run_board(lambda: False, wait_input=Typist([
        "\r", "insmod leddrv.ko\r", "mknod /dev/leddev c 11 0\r",
        "./testled_app /dev/leddev 1 2\r", "echo $?\r", "rmmod leddrv\r",
        "ls / | grep etc\r", "ps\r"]))
    assert reason == "eof"
    text = "".join(out[mark:])
    assert "[root@fs4412 /]# " in text
    assert machine.leds["LED2"] and "leddrv" not in machine.modules.loaded
    assert "\n0\n" in text and "\netc\n" in text
    ps = text[text.index("PID   USER"):].splitlines()
    assert ps[1].split() == ["1", "root", "0:00", "/sbin/init"]
    assert ps[2].split()[-1] == "-/bin/sh" and ps[3].split()[-1] == "ps"


def test_line_discipline_erase_and_ctrl_c(rootfs):
    machine, out = boot(rootfs)
    machine.run_board(lambda: False, wait_input=Typist(["\r", "stty -echo\r"]))
    mark = len(out)
    ldisc = machine.tty.ldisc
    # canonical mode (cat reads the console): erase edits the line, ^D is end of file
    machine.run_board(lambda: False, wait_input=Typist([
        "stty echo icanon; cat\r", "abx\x7fc\r", "\x04", "echo after $?\r"]))
    text = "".join(out[mark:])
    assert text.startswith("abx\b \bc\nabc\n")        # echo, erase echoed, cat's line
    assert "after 0\n" in text                          # ^D: cat read end of file
    # ^C: SIGINT to the foreground job (cat), the shell stays
    mark = len(out)
    machine.run_board(lambda: False, wait_input=Typist(["cat\r", "\x03", "echo alive\r"]))
    text = "".join(out[mark:])
    assert "cat\n^C\n[root@fs4412 /]# echo alive\nalive\n" in text
    assert not ldisc.ready


def test_shell_command_reads_the_console_from_stdin(rootfs):
    proc = cli("shell", "--rootfs", str(rootfs),
               input="\ninsmod leddrv.ko\nlsmod\nfalse\necho status $?\nexit\n")
    assert proc.returncode == 0, proc.stderr
    assert "Please press Enter to activate this console." in proc.stdout
    assert "leddrv                  4096  0" in proc.stdout
    assert "status 1" in proc.stdout
    assert "the console's shell ended" in proc.stderr


COURSE_SCRIPT = """#!/bin/sh
# a course's board test, unchanged
insmod leddrv.ko || exit 1
mknod /dev/leddev c 11 0
for led in 2 3 4 5; do
    ./testled_app /dev/leddev 1 $led
done
count=0
while [ $count -lt 3 ]; do count=$((count + 1)); done
echo "loops: $count"
ls /dev | grep leddev
lsmod | grep -c leddrv
rmmod leddrv
echo "done"
"""


def test_course_script_runs_unchanged_with_report(rootfs):
    script = rootfs / "test.sh"
    script.write_text(COURSE_SCRIPT)
    proc = cli("run", str(script), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] and report["exit_code"] == 0
    assert report["steps"] == [{"line": 1, "command": "sh /test.sh", "status": 0,
                                "stdout": "loops: 3\nleddev\n1\ndone\n"}]
    assert all(report["leds"].values())


def test_failing_shell_script_is_status_1_and_shell_flag(rootfs):
    script = rootfs / "fail.board"
    script.write_text("echo before\nexit 4\n")
    proc = cli("run", str(script), "--shell", "--json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["steps"][0]["status"] == 4 and report["steps"][0]["stdout"] == "before\n"
    plain = rootfs / "plain.board"
    plain.write_text("echo board-script console\n")
    assert cli("run", str(plain)).returncode == 0           # the console language stays


def test_poweroff_ends_the_run(rootfs):
    script = rootfs / "off.sh"
    script.write_text("#!/bin/sh\necho bye\npoweroff -f\necho never\n")
    proc = cli("run", str(script))
    assert proc.returncode == 0
    assert "reboot: Power down" in proc.stdout and "never" not in proc.stdout


def test_script_reading_the_console_stops_with_status_3(rootfs):
    script = rootfs / "ask.sh"
    script.write_text("#!/bin/sh\necho asking\nread answer\necho got $answer\n")
    proc = cli("run", str(script), "--json")
    assert proc.returncode == 3
    report = json.loads(proc.stdout)
    assert report["steps"][0]["stdout"] == "asking\n"
    assert "/bin/sh /ask.sh (pid" in proc.stderr and "gives a script no input" in proc.stderr


def test_init_sleeps_in_sigtimedwait_and_poweroff_goes_through_init(rootfs):
    from emulator.trace import Tracer
    tracer = Tracer()
    out = []
    machine = Machine("fs4412", str(rootfs), console=out.append, skeleton=board_skeleton(),
                      tracer=tracer)
    machine.boot()
    machine.trace_calls()
    init_calls = []
    tracer.subscribe("syscall", lambda kind, f: init_calls.append(f["name"])
                     if machine.sched.current.pid == 1 else None)
    assert machine.lifecycle.find_process(1) is not None
    assert machine.sched.tasks[1].sleeping_in == "sigtimedwait"
    machine.run_board(lambda: False, wait_input=Typist(["\r", "sleep 5; echo slept\r"]))
    assert "slept\n" in "".join(out)
    assert init_calls == []                 # 5 s of board time: init never woke
    # busybox poweroff signals init (SIGUSR2), which takes it from sigtimedwait, runs the
    # shutdown actions, SIGTERM/SIGKILL to all, then reboot(2)
    mark = len(out)
    machine.run_board(lambda: False, wait_input=Typist(["poweroff\r"]))
    assert machine.run_board(lambda: False) == "reboot"
    text = "".join(out[mark:])
    assert ("\rThe system is going down NOW!\n\rSent SIGTERM to all processes\n"
            "\rSent SIGKILL to all processes\n\rRequesting system poweroff\n") in text
    assert "umount" not in text             # umount -a -r: / is remounted read-only
    assert "rootfs / rootfs ro" in machine.vfs.read_file("/proc/mounts").decode()
    assert machine.syscalls.reboot == "power_off" and init_calls[0] == "rt_sigtimedwait"


def test_mdev_makes_dev_nodes_from_sys_dev_char(rootfs):
    machine, out = boot(rootfs)
    assert "mdev" not in "".join(out)                     # rcS's mdev -s found /sys/dev
    mark = len(out)
    machine.run_board(lambda: False, wait_input=Typist([
        "\r", "readlink /sys/dev/char/89:5; cat /sys/dev/char/1:3/uevent\r",
        "rm /dev/i2c-5 /dev/null; ls /dev | grep -c -e i2c-5 -e null\r",
        "mdev -s; ls -l /dev/i2c-5 /dev/null | cut -c1-10,35-43\r"]))
    text = "".join(out[mark:])
    assert "\n../../class/i2c-dev/i2c-5\nMAJOR=1\nMINOR=3\nDEVNAME=null\nDEVMODE=0666\n" in text
    assert "\n0\n" in text                                # both nodes gone
    assert "crw-rw----  89,   5\ncrw-rw----   1,   3\n" in text     # made again by mdev


EXPECT_SCRIPT = """#!/bin/sh
insmod leddrv.ko
mknod /dev/leddev c 11 0
./testled_app /dev/leddev 1 2
emu4412-expect led LED2 on && echo "led2 ok"
emu4412-expect led LED3 on || echo "led3: $?"
emu4412-expect dmesg 'no such line'
emu4412-expect exit 0
echo end
"""


def test_emu4412_expect_in_a_shell_script_counts_as_expect_lines(rootfs):
    script = rootfs / "expect.sh"
    script.write_text(EXPECT_SCRIPT)
    proc = cli("run", str(script), "--json")
    assert proc.returncode == 1                           # the script itself ended with 0
    report = json.loads(proc.stdout)
    assert not report["ok"] and report["exit_code"] == 1
    sh, *expects = report["steps"]
    assert sh["status"] == 0 and sh["stdout"].startswith("led2 ok\nemu4412-expect: expectation "
                                                         "failed: LED3 is off, expected on\n"
                                                         "led3: 1\n")
    assert [(s["command"], s["status"]) for s in expects] == [
        ("emu4412-expect led LED2 on", 0), ("emu4412-expect led LED3 on", 1),
        ("emu4412-expect dmesg 'no such line'", 1), ("emu4412-expect exit 0", 1)]
    assert expects[2]["stdout"] == "expectation failed: no dmesg line matches /no such line/"
    assert "in a shell script test $?" in expects[3]["stdout"]
    assert "3 emu4412-expect expectation(s) failed" in proc.stderr
    # all expectations met: status 0; at the interactive shell the command works too
    script.write_text("#!/bin/sh\nemu4412-expect leds LED2=off LED3=off\n")
    assert cli("run", str(script)).returncode == 0
    shell = cli("shell", "--rootfs", str(rootfs),
                input="\nemu4412-expect led LED2 on; echo status $?\nexit\n")
    assert "emu4412-expect: expectation failed: LED2 is off, expected on\nstatus 1" in \
        shell.stdout


def test_emu4412_test_runs_shell_scripts_with_the_same_contract(rootfs, tmp_path):
    (rootfs / "good.sh").write_text(EXPECT_SCRIPT.split("emu4412-expect led LED3")[0])
    (rootfs / "bad.sh").write_text(EXPECT_SCRIPT)
    (rootfs / "ends").write_text("#!/bin/sh\necho failing\nexit 3\n")
    junit = tmp_path / "out.xml"
    proc = cli("test", str(rootfs), str(rootfs / "ends"), "--junit", str(junit))
    assert proc.returncode == 1
    lines = proc.stdout.replace(str(rootfs) + "/", "").splitlines()
    assert lines[:3] == [
        "FAIL bad.sh: line 1 (emu4412-expect led LED3 on): expectation failed: LED3 is off, "
        "expected on", "PASS good.sh", "FAIL ends: line 1 (sh /ends): exit status 3: failing"]
    assert "3 scripts" in proc.stdout and "1 passed, 2 failed" in proc.stdout
    xml = junit.read_text()
    assert 'tests="3" failures="2"' in xml and 'name="good" file="' in xml


def test_a_builtin_program_nobody_registered_is_enoexec(rootfs):
    machine, out = boot(rootfs)                    # no emu4412-expect handler installed
    mark = len(out)
    machine.run_board(lambda: False, wait_input=Typist([
        "\r", "emu4412-expect led LED2 on; echo status $?\r"]))
    text = "".join(out[mark:])
    # -ENOEXEC: ash then reads the file as a script of its own, as shells do
    assert "emu4412-expect: line 1: EMU4412-BUILTIN: not found" in text and "status 2" in text
    assert any("no built-in program 'expect' here" in line for line in machine.dmesg())
