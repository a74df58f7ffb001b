"""The fuzz targets: each takes one input and must end in a result or an EmulatorError
(the one-line errors with their exit status); anything else is a traceback, a bug.

Shared by the property tests and by test_reproducers.py, which replays saved inputs.
"""

import io

from emulator.console import Console
from emulator.errors import EmulatorError, GuestFault
from emulator.loader.module import ModuleLinker
from emulator.loader.program import load_program

RAM = 1 << 30


def load_module(data):
    try:
        linker = ModuleLinker(data, "fuzz.ko")
        offsets, size = linker.layout()
        linker.link(0xBF000000, offsets, size, lambda name: 0xBF800000)
    except EmulatorError:
        pass


def load_app(data):
    try:
        load_program(data, "fuzz_app", RAM)
    except EmulatorError:
        pass


def run_script(machine, text):
    """A script on a board: the console's status is 0-3, or it raises an EmulatorError."""
    out = io.StringIO()
    try:
        status = Console(machine, out).run_lines(text.splitlines())
    except EmulatorError as e:
        status = e.exit_status
    assert status in (0, 1, 2, 3), status
    return status


def run_syscalls(machine, calls):
    """One run of `hostile sys ...` making the raw calls; a user program cannot crash the
    kernel: an oops here is a bug, a timeout is not."""
    argv = ["sys"] + [f"{v & 0xFFFFFFFF:#x}" for call in calls for v in call]
    try:
        return machine.run("./hostile", argv)
    except GuestFault:
        raise
    except EmulatorError:
        return None
