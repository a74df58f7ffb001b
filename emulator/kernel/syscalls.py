"""The system call table: ARM EABI numbers to handlers, as arch/arm/kernel/calls.S lists them.

Handlers take the six argument registers and return a result (negative errno on failure) or
are generators running driver code (see entry.py). An unknown number returns -ENOSYS and is
logged once with its number and name.
"""

import inspect
import struct

from ..memory.mmu import GuestFaultAccess
from .entry import EXIT
from .abi import INODE, MKDEV
from .errno import EBADF, EFAULT, EINVAL, EISDIR, ENOENT, ENOMEM, ENOSYS, ENOTDIR, EROFS, ESPIPE
from .files import BufferFile, ChrdevFile, chrdev_open, fput
from .syscall_names import SYSCALL_NAMES
from .vfs import DevNode, HostFile, OverlayFile, mode_of

_TABLE = {}


def syscall(nr):
    """Register the decorated method as system call number nr."""
    def mark(fn):
        _TABLE[nr] = fn
        return fn
    return mark


AT_FDCWD = -100 & 0xFFFFFFFF
O_CREAT, O_TRUNC, O_DIRECTORY = 0o100, 0o1000, 0o200000
S_IFCHR, S_IFDIR = 0o020000, 0o040000
PROT_WRITE, PROT_EXEC = 2, 4
MAP_ANONYMOUS, MAP_FIXED = 0x20, 0x10
SIGSEGV = 11
UTSNAME = (b"Linux", b"fs4412", b"3.14.0", b"#1 SMP PREEMPT", b"armv7l", b"(none)")


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


class Syscalls:
    def __init__(self, vm, vfs, chrdev, kmalloc, clock, cpu, module_get, log_unknown):
        from .time import nanosleep  # noqa: F401  (registers the sleeping syscalls)
        from . import poll  # noqa: F401  (registers poll and select)
        self.vm, self.vfs, self.chrdev, self.kmalloc = vm, vfs, chrdev, kmalloc
        self.clock, self.cpu, self.module_get = clock, cpu, module_get
        self._log_unknown = log_unknown
        self._unknown_seen = set()
        self.process = None
        self.mmap = None          # the file-mapping layer (kernel/mmap.py), when wired
        self.special_open = {}    # rdev -> open(flags) for kernel-side devices (/dev/mem)
        # sleep_task(ns) -> True when the calling task now sleeps ns in virtual time (the
        # scheduler resumes it with r0 = 0); None or False: no task to switch (issue 12).
        self.sleep_task = None
        self.poller = None        # kernel/poll.py's Poller (poll, select)
        self.observer = None      # called as observer(nr, name, args, result) when set
        self._handlers = {nr: fn.__get__(self) for nr, fn in _TABLE.items()}
        self._arity = {nr: sum(1 for p in inspect.signature(fn).parameters.values()
                               if p.kind is p.POSITIONAL_OR_KEYWORD) - 1
                       for nr, fn in _TABLE.items()}

    def describe(self, nr, args):
        """(name, the arguments the call takes) for traces."""
        return SYSCALL_NAMES.get(nr, f"syscall_{nr}"), list(args[:self._arity.get(nr, 6)])

    def __call__(self, nr, args):
        handler = self._handlers.get(nr)
        if handler is None:
            if nr not in self._unknown_seen:
                self._unknown_seen.add(nr)
                self._log_unknown(nr, SYSCALL_NAMES.get(nr, "unknown"))
            return -ENOSYS
        try:
            return handler(*args)
        except GuestFaultAccess:
            return -EFAULT

    def _file(self, fd):
        return self.process.files.get(fd)

    # -- process lifetime -----------------------------------------------------------------
    def exit_process(self, status):
        """Close every file (running drivers' release) and end the process: a generator."""
        self.process.exit_status = status
        if self.mmap is not None:
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

    # -- files ----------------------------------------------------------------------------
    def _open(self, path_ptr, flags):
        path = self.vm.read_cstr(path_ptr, user=True).decode("utf-8", "replace")
        node = self.vfs.lookup(path)
        if node is None:
            if flags & O_CREAT and not path.startswith(("/dev/", "/proc/", "/sys/")):
                node = self.vfs.create(path)
            elif self.vfs.is_dir(path):
                return -EISDIR
            else:
                return -ENOENT
        if isinstance(node, DevNode):
            if node.mode & 0o170000 != S_IFCHR:
                return -ENOENT
            special = self.special_open.get(node.rdev)
            if special is not None:
                result = special(flags)
                return result if isinstance(result, int) else self.process.install(result)
            result = yield from chrdev_open(node, flags, self.vm, self.chrdev, self.kmalloc,
                                            self.module_get)
            return result if isinstance(result, int) else self.process.install(result)
        if flags & O_DIRECTORY:
            return -ENOTDIR
        if isinstance(node, OverlayFile):
            if flags & O_TRUNC:
                node.data.clear()
            return self.process.install(BufferFile(bytes(node.data), node))
        if flags & 3 and not isinstance(node, OverlayFile):
            return -EROFS        # the root filesystem is read-only
        data = self.vfs.read_file(path)
        return self.process.install(BufferFile(data))

    @syscall(5)
    def sys_open(self, path, flags, mode, *_):
        return self._open(path, flags)

    @syscall(322)
    def sys_openat(self, dirfd, path, flags, mode, *_):
        return self._open(path, flags)

    @syscall(6)
    def sys_close(self, fd, *_):
        file = self.process.files.pop(fd, None)
        if file is None:
            return -EBADF
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
        if cmd in (0x5451, 0x5450):       # FIOCLEX, FIONCLEX: handled by the VFS
            return 0
        return file.ioctl(self.vm, cmd, arg)

    @syscall(19)
    def sys_lseek(self, fd, offset, whence, *_):
        file = self._file(fd)
        if file is None:
            return -EBADF
        if not isinstance(file, BufferFile):
            return -ESPIPE
        base = {0: 0, 1: file.pos, 2: len(file.data)}.get(whence)
        if base is None or base + _s32(offset) < 0:
            return -EINVAL
        file.pos = base + _s32(offset)
        return file.pos

    # -- metadata -------------------------------------------------------------------------
    def _stat_of(self, file):
        """(mode, rdev, size) of an open file."""
        if isinstance(file, ChrdevFile):
            return S_IFCHR | 0o666, self.vm.read_u32(file.inode_va + INODE["i_rdev"]), 0
        if isinstance(file, BufferFile):
            return 0o100644, 0, len(file.data)
        return S_IFCHR | 0o620, MKDEV(5, 1), 0        # the console: /dev/console (5, 1)

    @syscall(197)
    def sys_fstat64(self, fd, buf, *_):
        file = self._file(fd)
        if file is None:
            return -EBADF
        mode, rdev, size = self._stat_of(file)
        # struct stat64 (arch/arm/include/uapi/asm/stat.h), 104 bytes.
        data = struct.pack("<QI4xIIIIQ4xqIIQIIIIIIQ", 0x0b01, 1, mode, 1, 0, 0,
                           _old_dev(rdev), size, 4096, (size + 511) // 512, 0, 0, 0, 0, 0, 0, 1)
        self.vm.write(buf, data, user=True)
        return 0

    @syscall(397)
    def sys_statx(self, dirfd, path, flags, mask, buf, *_):
        pathname = self.vm.read_cstr(path, user=True)
        if pathname == b"" and flags & 0x1000:           # AT_EMPTY_PATH: fstat
            file = self._file(dirfd)
            if file is None:
                return -EBADF
            mode, rdev, size = self._stat_of(file)
        else:
            node = self.vfs.lookup(pathname.decode("utf-8", "replace"))
            if node is None:
                return -ENOENT if not self.vfs.is_dir(pathname.decode()) else self._statx_dir(buf)
            mode = mode_of(node)
            rdev = node.rdev if isinstance(node, DevNode) else 0
            size = len(self.vfs.read_file(node.path)) if isinstance(node, (HostFile, OverlayFile)) else 0
        return self._write_statx(buf, mode, rdev, size)

    def _statx_dir(self, buf):
        return self._write_statx(buf, S_IFDIR | 0o755, 0, 4096)

    def _write_statx(self, buf, mode, rdev, size):
        major, minor = rdev >> 20, rdev & 0xFFFFF
        data = struct.pack("<IIQIIIHH", 0x7FF, 4096, 0, 1, 0, 0, mode, 0)
        data += struct.pack("<QQQQ", 1, size, (size + 511) // 512, 0)
        data += bytes(16 * 4)                              # atime, btime, ctime, mtime
        data += struct.pack("<IIII", major, minor, 0, 1)
        data += bytes(256 - len(data))
        self.vm.write(buf, data, user=True)
        return 0

    @syscall(85)
    def sys_readlink(self, path, buf, size, *_):
        return -ENOENT

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
        data = bytes((i * 131 + 17) & 0xFF for i in range(count))
        self.vm.write(buf, data, user=True)
        return count

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


def _old_dev(rdev):
    """The kernel's dev_t (12:20) as stat's huge_encode_dev form (major << 8 | minor)."""
    major, minor = rdev >> 20, rdev & 0xFFFFF
    return (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12)

