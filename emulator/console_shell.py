"""The booted board's own shell (issue 14): busybox init and `sh` on the console.

``interactive``: `emu4412 shell` boots the board (init, rcS, "Please press Enter to activate
this console.") and connects the host terminal to the console's tty: typed keys go through
the line discipline (raw host mode, so Ctrl-C reaches the board as ^C and becomes SIGINT of
the foreground job); the run ends at `poweroff`/`reboot` (reboot(2)), when the console's
shell exits (Ctrl-D) or when the host input ends.

``run_shell_script``: `emu4412 run script.sh --shell` (or a script whose first line is
`#!/bin/sh`) boots the board the same way, then runs the script with busybox sh as a
command typed at the console would run (`sh SCRIPT`, stdin the console, which gives no
input). The report has one step for the script, its status the script's exit status, and
one per `emu4412-expect` call (shell_expect.py); the run's status follows the board-script
contract (0, 1 when the script or an expectation failed, 3 for a crash, a panic or a time
limit).
"""

import os
import select
import struct

from . import shell_expect
from .console import Step
from .errors import GuestFault, GuestTimeout

SH = "/bin/sh"
#: Where a script from outside the root filesystem is placed for the shell.
SCRIPT_COPY = "/tmp/emu4412-script.sh"


def is_shell_script(lines):
    """A `#!` first line naming a shell: the script is for busybox sh, not the console."""
    return bool(lines) and lines[0].startswith("#!") and os.path.basename(
        lines[0][2:].split()[0] if lines[0][2:].split() else "").endswith("sh")


def guest_path(machine, script, rootfs):
    """The script's path on the board: under the root filesystem as is, else a copy."""
    real, root = os.path.realpath(script), os.path.realpath(rootfs)
    if real.startswith(root + os.sep):
        return "/" + os.path.relpath(real, root).replace(os.sep, "/")
    with open(script, "rb") as f:
        data = f.read()
    machine.vfs.create(SCRIPT_COPY, 0o755).data[:] = data
    return SCRIPT_COPY


def run_shell_script(console, script, rootfs):
    """Boot, then `sh SCRIPT` on the console; the run's exit status."""
    machine = console.machine
    path = guest_path(machine, script, rootfs)
    step = Step(1, f"sh {path}")
    console.session.steps.append(step)

    def record(command, status, message):           # an emu4412-expect call: a step
        console.session.steps.append(Step(step.line, command, status, message))
    expects = shell_expect.install(machine, record)
    mark = len(machine.stdout)
    try:
        machine.boot()
        mark = len(machine.stdout)                  # the step's output: the script's own
        status = machine.run(SH, [path], stuck=lambda task: _waits_for_input(machine, task))
        step.status = status
        code = 0 if status == 0 else 1
        if machine.syscalls.reboot:                  # the script powered the board off
            step.status = code = 0
            console.out.write(f"board {machine.syscalls.reboot.replace('_', ' ')}: "
                              f"the run ends here\n")
        if expects.failures:                         # as a failed `expect` line does
            console.out.write(f"{expects.failures} emu4412-expect expectation(s) failed\n")
            code = 1
    except (GuestFault, GuestTimeout) as e:
        console.out.write(f"{e}\n")
        step.status = code = e.exit_status
    step.stdout = bytes(machine.stdout[mark:]).decode("utf-8", "replace")
    console.last_step = step
    console.session.exit_code = code
    return code


def _waits_for_input(machine, task):
    """Why the script can never end: one of its processes reads the console, which gives a
    script no input, and nothing else runs."""
    if not machine.console_idle():
        return None
    sid = task.process.sid
    for reader in machine.tty.ldisc.wait.tasks:
        proc = reader.process
        if proc is not None and proc.sid == sid:
            return (f"{' '.join(proc.argv)} (pid {proc.pid}) reads the console, which gives "
                    f"a script no input: it would wait for ever")
    return None


class HostTerminal:
    """The host's stdin as the board console's keyboard: raw mode when it is a terminal."""

    def __init__(self, fd):
        self.fd = fd
        self.is_tty = os.isatty(fd)
        self._saved = None
        self._lines = []          # input from a pipe or file: typed a line at a time

    def __enter__(self):
        if self.is_tty:
            import termios
            import tty
            self._saved = termios.tcgetattr(self.fd)
            tty.setraw(self.fd)
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            import termios
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def poll(self):
        """What was typed so far (typed ahead while programs run); never blocks."""
        if select.select([self.fd], [], [], 0)[0]:
            return os.read(self.fd, 1024) or None
        return b""

    def pace(self, seconds):
        """Let wall time pass while the board idles, until a key is pressed."""
        select.select([self.fd], [], [], seconds)

    def wait(self):
        """Block for input; None at its end. Input that is not a terminal is typed a line
        each time the console waits, as a person would type it at the prompt."""
        if self.is_tty:
            return os.read(self.fd, 1024) or None
        while not self._lines:
            data = os.read(self.fd, 65536)
            if not data:
                return None
            self._lines = data.splitlines(keepends=True)
        return self._lines.pop(0)


def interactive(machine, terminal):
    """Boot and give the console to the host terminal until the board powers off, the
    console's shell exits or the input ends; returns the reason. At a terminal, board
    time runs with the wall clock (a `sleep 5` takes 5 s; a key press ends an idle wait)."""
    if terminal.is_tty:
        machine.clock.realtime, machine.clock.pace = True, terminal.pace
        size = os.get_terminal_size(terminal.fd)            # the console's TIOCGWINSZ
        machine.tty.winsize = struct.pack("<HHHH", size.lines, size.columns, 0, 0)
    shell_expect.install(machine)
    machine.boot()
    seen = {}

    def shell_gone():
        session = machine.tty.session
        if session:
            seen["sid"] = session
        sid = seen.get("sid")
        if not sid:
            return False
        proc = machine.lifecycle.find_process(sid)
        return proc is None or proc.dead

    poll = terminal.poll if terminal.is_tty else None
    ended = []

    def poll_input():
        data = poll()
        if data is None:
            ended.append(True)
            return b""
        return data

    def wait_input():
        if ended:
            return None
        return terminal.wait()

    return machine.run_board(shell_gone, poll_input if poll else None, wait_input)
