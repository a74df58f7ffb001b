"""WARN() (kernel/panic.c): 3.14's asm-generic/bug.h turns WARN_ON, WARN and WARN_TAINT into
calls of warn_slowpath_null, warn_slowpath_fmt and warn_slowpath_fmt_taint, which print the
"cut here" report and taint the kernel (W). print_tainted is the taint string oopses and
/proc show.
"""

from .hypercall import export
from .printf import format_printk

#: print_tainted's letters, by taint bit (include/linux/kernel.h TAINT_*): P is G when clear.
TAINT_LETTERS = "PFSRMBUDAWCIO"
TAINT_WARN = 9
TAINT_OOT_MODULE = 12


def print_tainted(mask):
    """'Tainted: G        W  O' as 3.14 prints it, or 'Not tainted'."""
    if not mask:
        return "Not tainted"
    flags = ["P" if mask & 1 else "G"]
    flags += [c if mask >> bit & 1 else " " for bit, c in enumerate(TAINT_LETTERS) if bit]
    return "Tainted: " + "".join(flags)


def modules_linked_in(names):
    """print_modules' line: the loaded modules, newest first, each out of tree (O)."""
    return "Modules linked in: " + " ".join(f"{m}(O)" for m in reversed(list(names)))


def cpu_line(comm, pid, mask=1 << TAINT_OOT_MODULE):
    """dump_stack's first line (an oops, a BUG, a WARN)."""
    return f"CPU: 0 PID: {pid} Comm: {comm} {print_tainted(mask)} 3.14.0 #1"


class Warn:
    """The warn_slowpath exports."""

    def __init__(self, vm, printk, log, symbolize, caller, current, modules):
        """printk(level, text): a kernel line; log: the printk log (the message keeps its
        own level); caller(): the service's return address; current() -> (comm, pid);
        modules(): the module loader (its loaded modules and the kernel's taint mask)."""
        self._vm, self._printk, self._log = vm, printk, log
        self._symbolize, self._caller, self._current = symbolize, caller, current
        self._modules = modules
        self._traces = 0

    def _report(self, file, line, taint, message):
        comm, pid = self._current()
        caller, modules = self._caller(), self._modules()
        where = self._vm.read_cstr(file).decode("utf-8", "replace") if file else "(null)"
        self._printk(4, "------------[ cut here ]------------")
        self._printk(4, f"WARNING: CPU: 0 PID: {pid} at {where}:{line} "
                        f"{self._symbolize(caller)}()")
        if message is not None:
            level, cont, text = message
            self._log.emit(level, cont or level is None, text)
        self._printk(4, modules_linked_in(modules.loaded))
        self._printk(4, cpu_line(comm, pid, modules.tainted))
        self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")
        self._traces += 1
        self._printk(4, f"---[ end trace {self._traces:016x} ]---")
        modules.tainted |= 1 << taint

    def _message(self, fmt, args):
        return format_printk(self._vm.read_cstr(fmt), args, self._vm.read_cstr,
                             symbolize=self._symbolize, read_bytes=self._vm.read)

    @export()
    def warn_slowpath_null(self, file, line):
        self._report(file, line, TAINT_WARN, None)

    @export("warn_slowpath_fmt", varargs=True)
    def warn_slowpath_fmt(self, file, line, fmt, args):
        self._report(file, line, TAINT_WARN, self._message(fmt, args))

    @export("warn_slowpath_fmt_taint", varargs=True)
    def warn_slowpath_fmt_taint(self, file, line, taint, fmt, args):
        self._report(file, line, taint & 31, self._message(fmt, args))
