"""Programs of the emulator itself that board-side scripts run (a binfmt_misc-like handler).

A file whose first line is ``EMU4412-BUILTIN`` names on its second line a program the
emulator runs instead of loading code: execve of it calls the handler registered under that
name (``Builtins.register``, by the layer that knows what the program does: the shell
session registers ``expect``), writes what the handler printed to the process's stderr and
ends the process with the handler's status, as if a program had run and exited. The board
has no such thing; it is how a shell script on the board reaches the emulator
(/usr/bin/emu4412-expect). A file naming a program nobody registered fails with -ENOEXEC and
a kernel line, as an unknown binary format does.
"""

from .fs.sendfile import kernel_write

MAGIC = b"EMU4412-BUILTIN\n"
STDERR = 2


def builtin_name(data):
    """The program a file names, or None when it is not a built-in program's file."""
    if not data.startswith(MAGIC):
        return None
    return data[len(MAGIC):].split(b"\n", 1)[0].decode("utf-8", "replace").strip()


class Builtins:
    """name -> handler(argv: [str]) -> (status, text to print on stderr)."""

    def __init__(self):
        self._handlers = {}

    def register(self, name, handler):
        self._handlers[name] = handler

    def unregister(self, name):
        self._handlers.pop(name, None)

    def get(self, name):
        return self._handlers.get(name)


def run_builtin(handler, argv, process, exit_process):
    """The process runs handler and exits (a generator returning exit_process's EXIT)."""
    status, text = handler([a.decode("utf-8", "surrogateescape") for a in argv])
    file = process.files.get(STDERR)
    if text and file is not None:
        kernel_write(file, text.encode("utf-8", "replace"))
    return (yield from exit_process(status & 0xFF))
