"""Metadata changes (fs/open.c chmod/chown, fs/utimes.c): on the overlay's own copy of a node.

Root may change anything; ids -1 leave that id as it is; chown clears set-user/group-ID on
regular files as 3.14's notify_change does. Times: the emulator keeps one (mtime) per node,
shown as atime, mtime and ctime.
"""

import struct

from ..errno import EBADF, EINVAL, ENOENT, EPERM
from ..syscalls import syscall
from .namei import AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, lookup_at
from .namespace import Directory

S_IFMT, S_IFREG, S_ISUID, S_ISGID = 0o170000, 0o100000, 0o4000, 0o2000
UTIME_NOW, UTIME_OMIT = (1 << 30) - 1, (1 << 30) - 2
NO_ID = 0xFFFFFFFF


def _target(sc, dirfd, ptr, follow=True):
    """(path, node) to change, or (-errno, None); ptr 0 means the open file dirfd."""
    if not ptr:
        file = sc.process.files.get(dirfd)
        if file is None:
            return -EBADF, None
        path = getattr(file, "path", None)
        if path is None:
            return -EPERM, None                  # the console, a pipe: not in the tree
        real, node, err = sc.vfs.resolve(path)
    else:
        real, node, err = lookup_at(sc, dirfd, ptr, follow=follow)
    if err:
        return err, None
    if node is None:
        return -ENOENT, None
    err = sc.vfs.read_only(real)
    if err:
        return err, None
    node = sc.vfs.own(real, node)
    return (real, node) if node is not None else (-EPERM, None)


def _chmod(sc, dirfd, ptr, mode):
    path, node = _target(sc, dirfd, ptr)
    if isinstance(path, int):
        return path
    if isinstance(node, Directory) or hasattr(node, "mode"):
        node.mode = (node.mode & S_IFMT) | (mode & 0o7777)
    else:
        node.mode = S_IFREG | (mode & 0o7777)      # a /proc file
    node.mtime = getattr(node, "mtime", 0)
    return 0


@syscall(15)
def sys_chmod(sc, path, mode, *_):
    return _chmod(sc, AT_FDCWD, path, mode)


@syscall(94)
def sys_fchmod(sc, fd, mode, *_):
    return _chmod(sc, fd, 0, mode)


@syscall(306)
def sys_fchmodat(sc, dirfd, path, mode, *_):
    return _chmod(sc, dirfd, path, mode)


def _chown(sc, dirfd, ptr, uid, gid, flags=0):
    if flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH):
        return -EINVAL
    if flags & AT_EMPTY_PATH and ptr and sc.vm.read(ptr, 1, user=True) == b"\0":
        ptr = 0
    path, node = _target(sc, dirfd, ptr, follow=not flags & AT_SYMLINK_NOFOLLOW)
    if isinstance(path, int):
        return path
    if uid != NO_ID:
        node.uid = uid
    if gid != NO_ID:
        node.gid = gid
    mode = getattr(node, "mode", 0)
    if mode & S_IFMT == S_IFREG and (uid != NO_ID or gid != NO_ID):
        node.mode = mode & ~(S_ISUID | (S_ISGID if mode & 0o010 else 0))
    return 0


@syscall(212)
def sys_chown32(sc, path, uid, gid, *_):
    return _chown(sc, AT_FDCWD, path, uid, gid)


@syscall(198)
def sys_lchown32(sc, path, uid, gid, *_):
    return _chown(sc, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW)


@syscall(207)
def sys_fchown32(sc, fd, uid, gid, *_):
    return _chown(sc, fd, 0, uid, gid)


@syscall(325)
def sys_fchownat(sc, dirfd, path, uid, gid, flags, *_):
    return _chown(sc, dirfd, path, uid, gid, flags)


def _set_mtime(sc, dirfd, ptr, seconds, follow=True):
    """seconds: the new mtime, None for now, or UTIME_OMIT (nothing to change)."""
    path, node = _target(sc, dirfd, ptr, follow)
    if isinstance(path, int):
        return path
    if seconds is not UTIME_OMIT:
        node.mtime = sc.clock.now_ns() // 1_000_000_000 if seconds is None else seconds
    return 0


@syscall(348)
def sys_utimensat(sc, dirfd, path, times, flags, *_):
    if flags & ~AT_SYMLINK_NOFOLLOW:
        return -EINVAL
    seconds = None
    if times:
        _, _, msec, mnsec = struct.unpack("<iIiI", sc.vm.read(times, 16, user=True))
        if mnsec == UTIME_OMIT:
            seconds = UTIME_OMIT
        elif mnsec != UTIME_NOW:
            if mnsec >= 1_000_000_000:
                return -EINVAL
            seconds = msec
    return _set_mtime(sc, dirfd, path, seconds, follow=not flags & AT_SYMLINK_NOFOLLOW)


@syscall(269)
def sys_utimes(sc, path, times, *_):
    seconds = None
    if times:
        _, _, msec, musec = struct.unpack("<iiii", sc.vm.read(times, 16, user=True))
        if not 0 <= musec < 1_000_000:
            return -EINVAL
        seconds = msec
    return _set_mtime(sc, AT_FDCWD, path, seconds)
