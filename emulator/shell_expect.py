"""`emu4412-expect` on the booted board: the console's `expect` language for shell scripts.

/usr/bin/emu4412-expect in the board's root filesystem is one of the emulator's built-in
programs (kernel/binfmt_builtin.py): a script runs ``emu4412-expect led LED2 on`` and the
expectation (expectations.py, the same registry as the console's `expect` lines) is judged
on the board's state at that moment. Exit status 0 when it holds; 1 when it does not or the
line is malformed, with the console's message on stderr. ``exit``, ``stdout`` and ``reset``
judge the console's previous command or a board reset, which a shell script does not have:
there they are usage errors (test $? and grep the output instead).

In `emu4412 run --shell` every call is also a step of the report (the script's line, the
command, its status, the message) and any failure makes the run's status 1, as a failed
`expect` line does in a board script.
"""

import shlex
from types import SimpleNamespace

from .errors import CommandFailed
from .expectations import EXPECTATIONS, USAGES

NAME = "expect"
#: The console-only expectations (they judge the console's previous command, or a board
#: reset that ends a script).
CONSOLE_ONLY = ("exit", "stdout", "reset")


def usage():
    return "usage: emu4412-expect " + " | ".join(
        u for name, u in USAGES.items() if name not in CONSOLE_ONLY)


def evaluate(machine, args):
    """(ok, message) of one `emu4412-expect ARGS` (message empty when it holds)."""
    if not args or args[0] not in EXPECTATIONS:
        return False, usage()
    if args[0] in CONSOLE_ONLY:
        return False, (f"'{args[0]}' is for board scripts (the console's previous command, "
                       f"a board reset); in a shell script test $? or the output instead")
    try:
        ok, message = EXPECTATIONS[args[0]](SimpleNamespace(machine=machine, last_step=None),
                                            args[1:])
    except CommandFailed as e:
        return False, str(e)
    return ok, "" if ok else f"expectation failed: {message}"


class ShellExpect:
    """The handler of the built-in program; record(command, status, message) is told of
    every call (the run's report), failures counts the failed ones."""

    def __init__(self, machine, record=None):
        self.machine, self.record = machine, record
        self.failures = 0

    def __call__(self, argv):
        args = argv[1:]
        ok, message = evaluate(self.machine, args)
        status = 0 if ok else 1
        self.failures += not ok
        if self.record is not None:
            self.record(" ".join(["emu4412-expect"] + [shlex.quote(a) for a in args]),
                        status, message)
        return status, f"emu4412-expect: {message}\n" if message else ""


def install(machine, record=None):
    """Register emu4412-expect on the machine's kernel; returns the handler."""
    handler = ShellExpect(machine, record)
    machine.lifecycle.builtins.register(NAME, handler)
    return handler
