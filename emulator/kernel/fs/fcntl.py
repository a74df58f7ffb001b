"""Descriptor calls (fs/fcntl.c, fs/file.c, fs/read_write.c): fcntl, dup family, lseek.

Two descriptors made by dup share one open file (offset and status flags), as on Linux;
close-on-exec is a property of the descriptor (process.cloexec).
"""

import struct

from ..entry import GuestCall
from ..errno import EBADF, EINVAL, EMFILE, ESPIPE
from .fasync import FASYNC, FOWN_SIGNUM
from ..files import BufferFile, fput
from ..syscalls import syscall
from .file import DirFile, O_APPEND, O_NONBLOCK

F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC = 0, 1, 2, 3, 4, 1030
F_SETOWN, F_GETOWN, F_SETSIG, F_GETSIG, F_SETOWN_EX, F_GETOWN_EX = 8, 9, 10, 11, 15, 16
F_OWNER_TID, F_OWNER_PID, F_OWNER_PGRP = 0, 1, 2
FD_CLOEXEC, O_CLOEXEC = 1, 0o2000000
O_RDWR = 2
O_DIRECT, O_NOATIME = 0o200000, 0o1000000
SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME
NR_OPEN = 1024                      # RLIMIT_NOFILE's soft limit (ugetrlimit)
SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def _dup_to(sc, file, newfd, cloexec):
    """Install file at newfd (closing what was there); returns newfd or a generator."""
    proc = sc.process
    old = proc.files.get(newfd)
    file.users += 1
    proc.files[newfd] = file
    if cloexec:
        proc.cloexec.add(newfd)
    else:
        proc.cloexec.discard(newfd)
    if old is not None:
        result = fput(old)
        if not isinstance(result, int):
            return _after(result, newfd)
    return newfd


def _after(gen, value):
    yield from gen
    return value


def _lowest_free(proc, start):
    fd = start
    while fd in proc.files:
        fd += 1
    return fd if fd < NR_OPEN else -EMFILE


@syscall(41)
def sys_dup(sc, fd, *_):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    new = _lowest_free(sc.process, 0)
    return new if new < 0 else _dup_to(sc, file, new, False)


@syscall(63)
def sys_dup2(sc, oldfd, newfd, *_):
    file = sc.process.files.get(oldfd)
    if file is None or newfd >= NR_OPEN:
        return -EBADF
    if oldfd == newfd:
        return newfd
    return _dup_to(sc, file, newfd, False)


@syscall(358)
def sys_dup3(sc, oldfd, newfd, flags, *_):
    if flags & ~O_CLOEXEC or oldfd == newfd:
        return -EINVAL
    file = sc.process.files.get(oldfd)
    if file is None or newfd >= NR_OPEN:
        return -EBADF
    return _dup_to(sc, file, newfd, bool(flags & O_CLOEXEC))


def _fcntl(sc, fd, cmd, arg):
    proc = sc.process
    file = proc.files.get(fd)
    if file is None:
        return -EBADF
    if cmd in (F_DUPFD, F_DUPFD_CLOEXEC):
        if arg >= NR_OPEN:
            return -EINVAL
        new = _lowest_free(proc, arg)
        return new if new < 0 else _dup_to(sc, file, new, cmd == F_DUPFD_CLOEXEC)
    if cmd == F_GETFD:
        return FD_CLOEXEC if fd in proc.cloexec else 0
    if cmd == F_SETFD:
        (proc.cloexec.add if arg & FD_CLOEXEC else proc.cloexec.discard)(fd)
        return 0
    if cmd == F_GETFL:
        return getattr(file, "f_flags", O_RDWR) & ~O_CLOEXEC
    if cmd == F_SETFL:
        fasync = file.ops.get("fasync") if file.ops else 0
        if fasync and (arg ^ file.f_flags) & FASYNC:
            return _setfl_fasync(file, fd, arg, fasync)
        file.f_flags = (getattr(file, "f_flags", O_RDWR) & ~SETFL_MASK) | (arg & SETFL_MASK)
        return 0
    if cmd == F_SETOWN:                   # f_setown: a pid, or -pgid (kernel/fs/fasync.py)
        _set_owner(sc, file, _s32(arg))
        return 0
    if cmd == F_GETOWN:
        return file.owner
    if cmd == F_SETOWN_EX:                # glibc's fcntl(F_SETOWN/F_GETOWN) uses these
        kind, pid = struct.unpack("<ii", sc.vm.read(arg, 8, user=True))
        if kind not in (F_OWNER_TID, F_OWNER_PID, F_OWNER_PGRP):
            return -EINVAL
        _set_owner(sc, file, -pid if kind == F_OWNER_PGRP else pid)
        return 0
    if cmd == F_GETOWN_EX:
        owner = file.owner
        sc.vm.write(arg, struct.pack("<ii", F_OWNER_PGRP if owner < 0 else F_OWNER_PID,
                                     abs(owner)), user=True)
        return 0
    if cmd == F_SETSIG:
        if arg > 64:
            return -EINVAL
        file.signum = arg
        if file.file_va:                   # kill_fasync reads f_owner.signum
            sc.vm.write_u32(file.file_va + FOWN_SIGNUM, arg)
        return 0
    if cmd == F_GETSIG:
        return file.signum
    return -EINVAL          # locks, leases, notify: not modelled (3.14 has them)


def _set_owner(sc, file, who):
    """__f_setown: the owner is kept while that process (or group) exists, else none."""
    alive = sc.signals.sched.tasks if sc.signals is not None else {}
    if who > 0:
        file.owner = who if who in alive else 0
    else:
        file.owner = who if any(t.process is not None and t.process.pgid == -who
                                for t in alive.values()) else 0


def _setfl_fasync(file, fd, arg, fasync):
    """setfl: ->fasync(fd, filp, on) when O_ASYNC changes (it sets FASYNC itself), then the
    settable flags."""
    error = _s32((yield GuestCall(fasync, (fd, file.file_va, int(bool(arg & FASYNC))))))
    if error < 0:
        return error
    file.f_flags = (file.f_flags & ~SETFL_MASK) | (arg & SETFL_MASK)
    return 0


@syscall(55)
def sys_fcntl(sc, fd, cmd, arg, *_):
    return _fcntl(sc, fd, cmd, arg)


@syscall(221)
def sys_fcntl64(sc, fd, cmd, arg, *_):
    return _fcntl(sc, fd, cmd, arg)


def _seek(file, offset, whence):
    """vfs_llseek for the files that have an offset: the new offset or -errno."""
    if isinstance(file, DirFile):
        if whence != SEEK_SET or offset < 0:
            return -EINVAL
        file.pos = offset
        return offset
    if not isinstance(file, BufferFile):
        return -ESPIPE
    size = len(file._node.data) if file._node is not None else len(file.data)
    base = {SEEK_SET: 0, SEEK_CUR: file.pos, SEEK_END: size}.get(whence)
    if base is None or base + offset < 0:
        return -EINVAL
    file.pos = base + offset
    return file.pos


@syscall(19)
def sys_lseek(sc, fd, offset, whence, *_):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    return _seek(file, _s32(offset), whence)


@syscall(140)
def sys_llseek(sc, fd, high, low, result, whence, *_):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    offset = (high << 32) | low
    if offset & (1 << 63):
        offset -= 1 << 64
    pos = _seek(file, offset, whence)
    if pos < 0:
        return pos
    sc.vm.write(result, struct.pack("<q", pos), user=True)
    return 0


# -- for fork and exec (fs/file.c dup_fd, do_close_on_exec) ------------------------------------
def dup_fd(proc):
    """(files, cloexec) for a child made by fork: the same open files, one reference more
    each (offsets and status flags shared with the parent), the same close-on-exec fds."""
    files = dict(proc.files)
    for file in files.values():
        file.users += 1
    return files, set(proc.cloexec)


def close_on_exec(proc):
    """execve's do_close_on_exec: close every close-on-exec fd (a generator: a driver's
    release may run as guest code)."""
    for fd in sorted(proc.cloexec):
        file = proc.files.pop(fd, None)
        if file is not None:
            result = fput(file)
            if not isinstance(result, int):
                yield from result
    proc.cloexec.clear()
