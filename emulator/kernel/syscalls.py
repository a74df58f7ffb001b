"""The system call table: ARM EABI numbers to handlers, as arch/arm/kernel/calls.S lists them.

Handlers take the six argument registers and return a result (negative errno on failure) or
are generators running driver code (see entry.py). An unknown number returns -ENOSYS and is
logged once with its number and name.
"""

import inspect
import struct
from types import GeneratorType

from ..memory.mmu import UserFaultAccess
from .entry import EXIT
from .errno import EBADF, EFAULT, EINVAL, ENOMEM, ENOSYS
from .files import fput
from .syscall_names import SYSCALL_NAMES

_TABLE = {}


def syscall(nr):
    """Register the decorated method as system call number nr."""
    def mark(fn):
        _TABLE[nr] = fn
        return fn
    return mark


PROT_WRITE, PROT_EXEC = 2, 4
MAP_ANONYMOUS, MAP_FIXED = 0x20, 0x10
SIGSEGV = 11
FIOCLEX, FIONCLEX = 0x5451, 0x5450
UIO_MAXIOV = 1024                 # writev's iovcnt limit (include/uapi/linux/uio.h)
GETRANDOM_MAX = (1 << 31) - 1 >> 6   # urandom_read's cap per call: INT_MAX >> (ENTROPY_SHIFT + 3)
UTSNAME = (b"Linux", b"fs4412", b"3.14.0", b"#1 SMP PREEMPT", b"armv7l", b"(none)")


class Syscalls:
    """The syscall table: Entry calls it with (nr, r0-r5); each `@syscall(NR)` handler
    returns a SyscallResult (kernel/entry.py explains the protocol)."""

    def __init__(self, vm, vfs, chrdev, kmalloc, clock, cpu, module_get, log_unknown,
                 mmap=None, special_open=None, modules=None, printk=None, syslog=None,
                 poller=None, signals=None, procs=None, sched=None):
        """mmap: the file-mapping layer (kernel/mmap.py; None: no mmap); special_open:
        rdev -> open(flags) for kernel-side devices (/dev/mem); modules, printk, syslog: what
        the module, fs and sys calls use (kernel/module_syscalls.py, fs/, sys.py); poller:
        the poll/select layer (kernel/poll.py); signals: signal delivery and sigreturn
        (kernel/signal_arm.py), whose ``sched`` the signal and sleeping calls use; procs() ->
        the process lifecycle (fork, exec, wait: kernel/lifecycle.py); sched: the scheduler
        (pipes' sleeps and wake-ups)."""
        from .time import nanosleep  # noqa: F401  (registers the sleeping syscalls)
        from . import poll  # noqa: F401  (registers poll and select)
        from . import signal_syscalls  # noqa: F401  (registers the signal calls, issue 12)
        from . import exec, exit, fork  # noqa: F401  (process model: execve, wait4, clone)
        self.vm, self.vfs, self.chrdev, self.kmalloc = vm, vfs, chrdev, kmalloc
        self.clock, self.cpu, self.module_get = clock, cpu, module_get
        self._log_unknown = log_unknown
        self._unknown_seen = set()
        self.process = None
        self.mmap = mmap
        self.special_open = dict(special_open or {})
        self.modules, self.printk, self.syslog = modules, printk, syslog
        self.reboot = None           # "restart"/"halt"/"power_off" after reboot(2)
        self.poller = poller
        self.signals = signals
        self.procs, self.sched = procs, sched           # (process model, issue 14)
        self._handlers = {nr: fn.__get__(self) for nr, fn in _TABLE.items()}
        self._described = {}         # nr -> (name, arguments the handler takes), when traced

    def describe(self, nr, args):
        """(name, the arguments the call takes) for traces."""
        known = self._described.get(nr)
        if known is None:
            fn = _TABLE.get(nr)
            # (the code object's count, not inspect.signature: a forked clone reads it anew
            # for each traced syscall, 0.1 ms each with the signature)
            arity = 6 if fn is None else inspect.unwrap(fn).__code__.co_argcount - 1
            known = self._described[nr] = (SYSCALL_NAMES.get(nr, f"syscall_{nr}"), arity)
        return known[0], list(args[:known[1]])

    def __call__(self, nr, args):
        handler = self._handlers.get(nr)
        if handler is None:
            if nr not in self._unknown_seen:
                self._unknown_seen.add(nr)
                self._log_unknown(nr, SYSCALL_NAMES.get(nr, "unknown"))
            return -ENOSYS
        # The user-memory accessor's contract: an access made as user space (vm.read/write
        # with user=True) that faults ends the call with -EFAULT, also inside generator
        # handlers; a fault on a kernel address is the kernel's own bug (Entry oopses).
        try:
            result = handler(*args)
        except UserFaultAccess:
            return -EFAULT
        return _efault_guard(result) if type(result) is GeneratorType else result

    def _file(self, fd):
        return self.process.files.get(fd)

    # -- process lifetime -----------------------------------------------------------------
    def exit_process(self, status, signo=0):
        """Close every file (running drivers' release) and end the process: a generator.
        status: the shell's $? (128 + signo when a signal killed it)."""
        self.process.exit_status = status
        # (process model) wait4's status word: (code << 8), or the killing signal
        self.process.wait_status = signo if signo else (status & 0xFF) << 8
        if self.mmap is not None and self.process.mm.users == 1:
            yield from self.mmap.exit_mm(self.process.mm)      # exit_mmap before exit_files
        for fd in sorted(self.process.files):
            file = self.process.files.pop(fd)
            result = fput(file)
            if not isinstance(result, int):
                yield from result
        return EXIT

    @syscall(1)
    def sys_exit(self, status, *_):
        return self.exit_process(status & 0xFF)

    @syscall(248)
    def sys_exit_group(self, status, *_):
        return self.exit_process(status & 0xFF)

    @syscall(20)
    def sys_getpid(self, *_):
        return self.process.pid

    @syscall(224)
    def sys_gettid(self, *_):
        return self.process.pid

    @syscall(199)
    def sys_getuid32(self, *_):
        return 0

    @syscall(200)
    def sys_getgid32(self, *_):
        return 0

    @syscall(201)
    def sys_geteuid32(self, *_):
        return 0

    @syscall(202)
    def sys_getegid32(self, *_):
        return 0

    @syscall(256)
    def sys_set_tid_address(self, tidptr, *_):
        self.process.tid_address = tidptr
        return self.process.pid

    @syscall(338)
    def sys_set_robust_list(self, head, length, *_):
        if length != 12:
            return -EINVAL
        self.process.robust_list = head
        return 0

    @syscall(0xF0005)
    def sys_set_tls(self, value, *_):
        self.cpu.set_tls(value)
        return 0

    @syscall(0xF0002)
    def sys_cacheflush(self, start, end, *_):
        if end > start:
            self.cpu.forget_code(start, end)
        return 0

    # -- memory ---------------------------------------------------------------------------
    @syscall(45)
    def sys_brk(self, addr, *_):
        mm = self.process.mm
        return mm.brk if addr == 0 else mm.set_brk(addr)

    @syscall(192)
    def sys_mmap2(self, addr, length, prot, flags, fd, pgoff):
        if not flags & MAP_ANONYMOUS:
            file = self._file(fd)
            if file is None:
                return -EBADF
            return self.mmap.mmap(self.process.mm, file, addr, length, prot, flags, pgoff,
                                  file.mmap_direct)
        if flags & MAP_FIXED:
            return -ENOSYS        # fixed anonymous mappings: not needed by static programs
        if length == 0:
            return -EINVAL
        return self.process.mm.mmap_anonymous(length, (1 if prot & PROT_EXEC else 0)
                                              | (2 if prot & PROT_WRITE else 0))

    @syscall(91)
    def sys_munmap(self, addr, length, *_):
        if addr & 0xFFF or length == 0:
            return -EINVAL
        self.process.mm.unmap(addr, length)
        return self.mmap.munmap(self.process.mm, addr, length) if self.mmap else 0

    @syscall(125)
    def sys_mprotect(self, addr, length, prot, *_):
        done = self.mmap.mprotect(self.process.mm, addr, length, prot) if self.mmap else None
        if done is not None:
            return done
        ok = self.process.mm.protect(addr, length, (1 if prot & PROT_EXEC else 0)
                                     | (2 if prot & PROT_WRITE else 0))
        return 0 if ok else -ENOMEM

    # -- files (open, stat, lseek, directories: kernel/fs/) ---------------------------------
    @syscall(6)
    def sys_close(self, fd, *_):
        file = self.process.files.pop(fd, None)
        if file is None:
            return -EBADF
        self.process.cloexec.discard(fd)          # (busybox issue 14: close-on-exec per fd)
        return fput(file)

    @syscall(3)
    def sys_read(self, fd, buf, count, *_):
        file = self._file(fd)
        return -EBADF if file is None else file.read(self.vm, buf, count)

    @syscall(4)
    def sys_write(self, fd, buf, count, *_):
        file = self._file(fd)
        return -EBADF if file is None else file.write(self.vm, buf, count)

    @syscall(146)
    def sys_writev(self, fd, iov, iovcnt, *_):
        file = self._file(fd)
        if file is None:
            return -EBADF
        if iovcnt > UIO_MAXIOV:
            return -EINVAL
        total = 0
        for i in range(iovcnt):
            base, length = struct.unpack("<II", self.vm.read(iov + 8 * i, 8, user=True))
            if length:
                n = file.write(self.vm, base, length)
                if not isinstance(n, int):
                    n = yield from n
                if n < 0:
                    return n if total == 0 else total
                total += n
        return total

    @syscall(54)
    def sys_ioctl(self, fd, cmd, arg, *_):
        file = self._file(fd)
        if file is None:
            return -EBADF
        if cmd == FIOCLEX:                 # FIOCLEX, FIONCLEX: the fd's close-on-exec flag
            self.process.cloexec.add(fd)
            return 0
        if cmd == FIONCLEX:
            self.process.cloexec.discard(fd)
            return 0
        return file.ioctl(self.vm, cmd, arg)

    @syscall(122)
    def sys_uname(self, buf, *_):
        self.vm.write(buf, b"".join(f.ljust(65, b"\0") for f in UTSNAME), user=True)
        return 0

    @syscall(191)
    def sys_ugetrlimit(self, resource, rlim, *_):
        limits = {3: (8 << 20, 0xFFFFFFFF), 7: (1024, 4096)}    # STACK, NOFILE
        soft, hard = limits.get(resource, (0xFFFFFFFF, 0xFFFFFFFF))
        self.vm.write(rlim, struct.pack("<II", soft, hard), user=True)
        return 0

    @syscall(384)
    def sys_getrandom(self, buf, count, flags, *_):
        # Deterministic bytes: two runs of a script behave the same (virtual board, no entropy).
        # Written a page at a time up to the first fault, as copy_to_user does, and capped
        # per call as urandom_read is, so the host work is bounded by the guest's memory.
        count = min(count, GETRANDOM_MAX)
        done = 0
        while done < count:
            step = min(count - done, 4096 - ((buf + done) & 4095))
            start = done % 256
            try:
                self.vm.write(buf + done, (_RANDOM_PATTERN[start:start + 256] * (step // 256 + 2))
                              [:step], user=True)
            except UserFaultAccess:
                return done or -EFAULT
            done += step
        return done

    @syscall(263)
    def sys_clock_gettime(self, clk, tp, *_):
        sec, ns = divmod(self.clock.now_ns(), 1_000_000_000)
        self.vm.write(tp, struct.pack("<II", sec, ns), user=True)
        return 0

    @syscall(403)
    def sys_clock_gettime64(self, clk, tp, *_):
        sec, ns = divmod(self.clock.now_ns(), 1_000_000_000)
        self.vm.write(tp, struct.pack("<QI4x", sec, ns), user=True)
        return 0


_RANDOM_PATTERN = bytes((i * 131 + 17) & 0xFF for i in range(512))


def _efault_guard(gen):
    """Run a generator handler; a user-memory fault inside it ends the call with -EFAULT."""
    try:
        return (yield from gen)
    except UserFaultAccess:
        return -EFAULT
