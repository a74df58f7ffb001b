"""execve (Linux fs/exec.c, fs/binfmt_elf.c, fs/binfmt_script.c, 3.14): a new program in
the calling process.

The file must be a regular file with an execute bit. A `#!` first line (up to 128 bytes,
BINPRM_BUF_SIZE) names an interpreter and at most one argument: argv becomes
[interpreter, (argument,) the script's path as given, argv[1:]...], nested up to 4 deep
(BINPRM_MAX_RECURSION). A file naming one of the emulator's built-in programs runs it
(kernel/binfmt_builtin.py). Anything else must be a static ARM ELF executable (-ENOEXEC
otherwise: a shell then runs the file as a script itself). The new address space is built
before the old one goes; then close-on-exec descriptors are closed, signal handlers are
reset (the signal state's exec_reset), a vfork parent is released, comm is the file's base
name, and the process starts at the ELF entry with a fresh stack and registers.
"""

import os

from ..cpu import CPSR, CPSR_T, LR, REG, SP, USR_MODE
from ..errors import LoaderError
from ..loader.program import load_program
from .binfmt_builtin import builtin_name, run_builtin
from .entry import SvcFrame
from .errno import E2BIG, EACCES, ELOOP, ENOENT, ENOEXEC, ENOMEM
from .fs.fcntl import close_on_exec
from .fs.namei import user_path
from .fs.namespace import Directory, contents
from .syscalls import syscall
from .vfs import HostFile, OverlayFile

BINPRM_BUF_SIZE = 128
BINPRM_MAX_RECURSION = 4
MAX_ARG_STRINGS = 0x7FFFFFFF
#: Room for argv and envp on the new stack (the stack less a page for auxv and start-up).
ARG_MAX = 128 * 1024 - 4096


def parse_shebang(head):
    """binfmt_script: (interpreter, optional argument) from a `#!` line, or None."""
    if head[:2] != b"#!":
        return None
    line = head[:BINPRM_BUF_SIZE - 1].split(b"\n", 1)[0][2:]
    line = line.rstrip(b" \t").lstrip(b" \t")
    if not line:
        return None
    end = next((i for i, c in enumerate(line) if c in b" \t"), len(line))
    name, rest = line[:end], line[end:].lstrip(b" \t")
    return name.decode("utf-8", "surrogateescape"), (
        rest.decode("utf-8", "surrogateescape") if rest else None)


def read_strings(vm, ptr):
    """A NULL-terminated array of user string pointers (argv, envp) as bytes; -errno."""
    out, total = [], 0
    if not ptr:
        return out
    while True:
        p = int.from_bytes(vm.read(ptr + 4 * len(out), 4, user=True), "little")
        if p == 0:
            return out
        s = vm.read_cstr(p, limit=ARG_MAX + 1, user=True)
        total += len(s) + 5
        if total > ARG_MAX:
            return -E2BIG
        out.append(s)


class ExecMixin:
    """do_execve for Lifecycle (uses its vfs, sched, cpu, mm builders, symbols)."""

    def open_exec(self, path, cwd):
        """(real path, file bytes) of an executable file, or -errno."""
        real, node, err = self._vfs.resolve(path, cwd)
        if err:
            return err
        if node is None:
            return -ENOENT
        if isinstance(node, Directory) or not isinstance(node, (HostFile, OverlayFile)):
            return -EACCES
        if not self._vfs.stat(real, node).mode & 0o111:
            return -EACCES
        data = contents(node)
        return (real, data) if not isinstance(data, int) else data

    def do_execve(self, path, argv, envp):
        """Replace the running process's program; a generator returning 0 or -errno."""
        task = self._sched.current
        proc = task.process
        regs = self._sched.entry.syscall_regs      # the svc frame the syscall returns through
        filename = path
        for _ in range(BINPRM_MAX_RECURSION + 1):
            found = self.open_exec(path, proc.fs.cwd)
            if isinstance(found, int):
                return found
            real, data = found
            script = parse_shebang(data[:BINPRM_BUF_SIZE])
            if script is None:
                break
            interp, arg = script
            argv = [interp.encode()] + ([arg.encode()] if arg else []) + [path.encode()] \
                + argv[1:]
            path = interp
        else:
            return -ELOOP
        if data[:2] == b"#!":
            return -ENOEXEC                      # `#!` with no interpreter name
        name = builtin_name(data)
        if name is not None:                     # one of the emulator's own programs
            handler = self.builtins.get(name)
            if handler is None:
                self._printk(4, f"emu4412: execve {real}: no built-in program {name!r} here")
                return -ENOEXEC
            return (yield from run_builtin(handler, argv, proc, self._syscalls.exit_process))
        if data[:4] != b"\x7fELF":
            return -ENOEXEC
        try:
            program = load_program(data, real, self._dram_size)
        except LoaderError as e:
            self._printk(4, f"emu4412: execve {real}: {e}")
            return -ENOEXEC
        old = proc.mm
        built = self.build_image(program, argv, envp, filename.encode())
        if built is None:
            return -ENOMEM
        mm, sp = built
        # -- the point of no return: the old program goes (exec_mmap, flush_old_exec)
        if old.users == 1 and self._mmap is not None:
            old.activate()
            yield from self._mmap.exit_mm(old)
        old.put()                                  # a vfork parent may still use it
        mm.activate()
        proc.mm = mm
        self.vfork_release(proc)
        yield from close_on_exec(proc)
        signals = getattr(proc, "signals", None)    # the signal branch's SignalState
        if signals is not None:
            signals.exec_reset()
        comm = os.path.basename(filename)[:15] or "?"
        self._symbols_put(proc.image)
        proc.image = self.add_symbols(program, comm)
        proc.comm = task.comm = comm
        task.set_comm(comm)
        proc.argv = [a.decode("utf-8", "surrogateescape") for a in argv]
        proc.cmdline = b"".join(a + b"\0" for a in argv)
        proc.exe = real
        proc.did_exec = True
        proc.tid_address = proc.robust_list = 0
        self._start_thread(regs, program.entry, sp)
        self._sched._event("exec", task, real)
        return 0

    def _start_thread(self, regs, entry, sp):
        """start_thread: user mode at the entry, the new stack, every other register 0 (r0 is
        the syscall's result, 0), TLS cleared (flush_thread)."""
        cpu = self._cpu
        cpu.set_reg(CPSR, USR_MODE)            # user bank from here: sp and lr are the user's
        for i in range(4, 13):
            cpu.set_reg(REG[f"r{i}"], 0)
        cpu.set_reg(SP, sp)
        cpu.set_reg(LR, 0)
        cpu.set_tls(0)
        regs[SvcFrame.CPSR] = USR_MODE | (CPSR_T if entry & 1 else 0)
        regs[SvcFrame.PC] = entry & ~1
        regs[1] = regs[2] = regs[3] = regs[SvcFrame.IP] = 0


@syscall(11)
def sys_execve(sc, filename, argv, envp, *_):
    path = user_path(sc, filename)
    if isinstance(path, int):
        return path
    if not path:
        return -ENOENT
    args = read_strings(sc.vm, argv)
    env = read_strings(sc.vm, envp)
    if isinstance(args, int):
        return args
    if isinstance(env, int):
        return env
    return sc.procs().do_execve(path, args, env)


