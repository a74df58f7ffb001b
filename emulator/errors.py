"""The emulator's error hierarchy: every failure a user can cause maps to one class and one exit status.

Exit statuses (README.md, Usage): 1 a command or expectation failed, 2 bad invocation or
unreadable/invalid input, 3 guest crash (oops, panic) or a time/instruction limit.
"""


class EmulatorError(Exception):
    """Base class: carries the process exit status the CLI returns for it."""

    exit_status = 1


class InputError(EmulatorError):
    """A file or argument the user gave cannot be used (missing, unreadable, malformed)."""

    exit_status = 2


class LoaderError(InputError):
    """An ELF file is corrupt, not ARM, or not the kind expected."""


class BoardError(InputError):
    """A board description (TOML) is invalid."""


class ScriptError(InputError):
    """A board script line cannot be parsed."""


class UnresolvedSymbols(EmulatorError):
    """insmod found undefined symbols no kernel service provides (Linux: 'Unknown symbol')."""

    def __init__(self, module, names):
        self.module = module
        self.names = sorted(names)
        super().__init__(f"{module}: Unknown symbol {', '.join(self.names)} (insmod: -ENOENT)")


class CommandFailed(EmulatorError):
    """A console command or expectation failed (exit status 1)."""


class GuestFault(EmulatorError):
    """The guest kernel crashed: an oops or panic (exit status 3)."""

    exit_status = 3

    def __init__(self, message, report=""):
        super().__init__(message)
        self.report = report


class GuestTimeout(EmulatorError):
    """Guest code ran past its wall-clock or instruction budget (exit status 3)."""

    exit_status = 3


class Unimplemented(EmulatorError):
    """A guest used a kernel service or hardware feature the emulator does not model: the
    run stops and says which, never a silent success."""

    exit_status = 3
