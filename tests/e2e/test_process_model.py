"""The process model end to end (issue 14, issue 12 item 4): fork/vfork/clone, execve of ELF
programs and `#!` scripts, wait4 and exit statuses, zombies and reparenting, pipes that
sleep and wake, as busybox sh and a C program see them on the emulated FS4412."""

import shutil
import subprocess

import pytest

from tests.conftest import FIRMWARE, HAVE_CROSS
from tests.e2e.test_busybox import PREBUILT, Board

APPS = FIRMWARE / "apps" / "proc_apps"


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("proc-model")
    shutil.copy(PREBUILT / "testled_app", root)
    (root / "big.txt").write_bytes(b"0123456789abcdef" * 20000)       # 320000 bytes
    script = root / "args.sh"
    script.write_text('#!/bin/sh -e\necho "$0" "$@"\nfalse\necho not reached\n')
    script.chmod(0o755)
    plain = root / "plain.sh"
    plain.write_text("echo run by the shell itself\n")
    plain.chmod(0o755)
    (root / "notexec.sh").write_text("#!/bin/sh\necho no\n")
    if HAVE_CROSS:
        for name in ("forkwait", "clonetest"):
            subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / name),
                            str(APPS / f"{name}.c")], check=True, capture_output=True)
    return root


@pytest.fixture
def board(rootfs):
    return Board(rootfs)


def sh(board, text):
    return board.run("/bin/sh", "-c", text)


def test_sh_runs_external_commands_and_sees_their_exit_statuses(board):
    assert sh(board, 'false; echo $?; sh -c "exit 7"; echo $?; /bin/true && echo ok') == (
        0, "1\n7\nok\n")
    assert sh(board, "exit 9")[0] == 9


def test_sh_loop_runs_a_program_each_time(board):
    status, out = sh(board, "for i in 1 2 3; do /bin/echo x$i; done; i=0; "
                            "while [ $i -lt 2 ]; do i=$((i+1)); /bin/echo w$i; done")
    assert (status, out) == (0, "x1\nx2\nx3\nw1\nw2\n")


def test_pipes_between_applets(board):
    assert sh(board, "ls / | grep etc") == (0, "etc\n")
    assert sh(board, "yes | head -3") == (0, "y\ny\ny\n")       # yes ends by SIGPIPE
    assert sh(board, "seq 1 5 | while read a; do echo L$a; done | tail -2") == (0, "L4\nL5\n")


def test_more_than_a_pipe_buffer_flows_through_sleeping_writers(board):
    assert sh(board, "cat /big.txt | wc -c; dd if=/dev/zero bs=1k count=200 2>/dev/null "
                     "| cat | wc -c") == (0, "320000\n204800\n")


def test_hashbang_script_gets_interpreter_argument_and_its_path(board):
    status, out = sh(board, "./args.sh one two")
    assert (status, out) == (1, "./args.sh one two\n")          # `-e` stopped it at false


def test_exec_failures_as_the_shell_reports_them(board):
    assert sh(board, "./plain.sh; echo $?") == (0, "run by the shell itself\n0\n")  # ENOEXEC
    status, out = sh(board, "./notexec.sh; echo $?; /nope; echo $?")
    assert out == ("/bin/sh: ./notexec.sh: Permission denied\n126\n"          # EACCES
                   "/bin/sh: /nope: not found\n127\n")                          # ENOENT


def test_exec_updates_proc_comm_and_cmdline(board):
    status, out = sh(board, "exec /bin/cat /proc/self/comm")
    assert (status, out) == (0, "cat\n")
    status, out = sh(board, "exec /bin/cat /proc/self/cmdline")
    assert out == "/bin/cat\0/proc/self/cmdline\0"


def test_children_get_parent_pid_and_process_group(board):
    status, out = sh(board, "echo $$; sh -c 'echo $PPID'; true")
    parent, child_ppid = out.split()
    assert parent == child_ppid


def test_processes_end_and_are_reaped(board):
    sh(board, "for i in 1 2 3 4 5; do /bin/true; done")
    assert board.machine.sched.tasks == {}                       # no zombie left behind
    assert board.machine.lifecycle.processes() == []


@pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
def test_fork_wait_pipe_vfork_exec_from_c(board):
    status, out = board.run("./forkwait")
    assert status == 0
    pid = board.machine.pids.last
    assert out.splitlines() == [
        "wnohang=0",
        "waited=1 exited=1 code=3",
        "again=-1 errno=No child processes",
        "signaled=1 sig=11",
        "read 22: hello through the pipe",
        "eof 0",
        "writer to no reader: signaled=1 sig=13",
        f"exec'd child pid={pid} ppid={pid - 5} arg=fromvfork",
        "vfork child pid ok=1 code=5"]
    assert "Segmentation fault\n" not in board.out              # its parent's business


@pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
def test_clone_on_a_new_stack_sharing_memory_and_fork_copying_it(board):
    assert board.run("./clonetest") == (0, (
        "shared=42 ptid_ok=1 code=7 child_tls=0x12345678 parent_tls_kept=1\n"
        "fork: child saw 99, parent keeps 1\n"
        "thread clone: -1 Invalid argument\n"))
    assert any("threads (CLONE_THREAD" in line for line in board.machine.dmesg())


def test_background_jobs_and_wait(board):
    status, out = sh(board, "sleep 1 & sleep 1 & echo started; wait; echo waited $?")
    assert (status, out) == (0, "started\nwaited 0\n")
    assert board.machine.clock.now_ns() >= 1_000_000_000


def test_kill_a_background_job(board):
    status, out = sh(board, "sleep 10 & kill $!; wait $!; echo $?")
    # ash's wait for that job reports its signal (sprint_status) on stderr, then $? = 128+15
    assert (status, out) == (0, "Terminated\n143\n")
