"""File metadata calls (fs/stat.c, fs/open.c): stat64 family, statx, readlink, access.

struct stat64 is ARM's (arch/arm/include/uapi/asm/stat.h, 104 bytes; offsets checked against
arm-linux-gnueabi's glibc: ino 12 and 96, mode 16, rdev 32, size 48, blocks 64, times 72..).
"""

import struct

from ..abi import INODE, MKDEV
from ..errno import EACCES, EBADF, EINVAL, ENOENT
from ..files import ChrdevFile, ConsoleFile
from ..syscalls import syscall
from .file import DirFile, RegularFile
from .namei import AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, lookup_at
from .namespace import Directory, Kstat, Symlink

STAT64 = struct.Struct("<Q4xIIIIIQ8xqI4xQIIIIIIQ")
S_IFCHR, S_IFIFO, S_IFREG = 0o020000, 0o010000, 0o100000
F_OK, X_OK, W_OK, R_OK = 0, 1, 2, 4


def encode_dev(rdev):
    """The kernel's dev_t (major 12 : minor 20) as new_encode_dev gives it to user space."""
    major, minor = rdev >> 20, rdev & 0xFFFFF
    return (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12)


def file_stat(sc, file):
    """Kstat of an open file."""
    path, node = getattr(file, "path", None), getattr(file, "node", None)
    if isinstance(file, DirFile):
        node = sc.vfs.node_at(file.path) or Directory(file.path)
    if node is not None and path is not None:
        kstat = sc.vfs.stat(path, node)
        if isinstance(file, RegularFile) and file._node is not None:
            kstat.size = len(file._node.data)
        if isinstance(file, ChrdevFile):
            kstat.rdev = sc.vm.read_u32(file.inode_va + INODE["i_rdev"])
        return kstat
    if isinstance(file, ConsoleFile):
        return Kstat(sc.vfs.ino("/dev/console", file), S_IFCHR | 0o600, rdev=MKDEV(5, 1), dev=6)
    kstat = getattr(file, "kstat", None)
    if kstat is not None:
        return kstat(sc.vfs)
    return Kstat(sc.vfs.anon_ino(), S_IFREG | 0o600)


def write_stat64(sc, buf, k):
    t = k.mtime
    sc.vm.write(buf, STAT64.pack(encode_dev(k.dev), k.ino & 0xFFFFFFFF, k.mode, k.nlink, k.uid,
                                 k.gid, encode_dev(k.rdev), k.size, k.blksize, k.blocks,
                                 t, 0, t, 0, t, 0, k.ino), user=True)
    return 0


def write_statx(sc, buf, k):
    data = struct.pack("<IIQIIIHxxQQQQ", 0x7FF, k.blksize, 0, k.nlink, k.uid, k.gid, k.mode,
                       k.ino, k.size, k.blocks, 0)
    for _ in range(4):                                    # atime, btime, ctime, mtime
        data += struct.pack("<qI4x", k.mtime, 0)
    data += struct.pack("<IIII", k.rdev >> 20, k.rdev & 0xFFFFF, k.dev >> 20, k.dev & 0xFFFFF)
    sc.vm.write(buf, data.ljust(256, b"\0"), user=True)
    return 0


def stat_at(sc, dirfd, ptr, flags):
    """Kstat of a path (or of dirfd with AT_EMPTY_PATH and ""), or -errno."""
    if flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000):   # +AT_NO_AUTOMOUNT,
        return -EINVAL                                                      # AT_STATX_SYNC_*
    if flags & AT_EMPTY_PATH and ptr and sc.vm.read(ptr, 1, user=True) == b"\0":
        file = sc.process.files.get(dirfd)
        if dirfd == AT_FDCWD:
            return sc.vfs.stat(sc.process.fs.cwd, Directory(sc.process.fs.cwd))
        return -EBADF if file is None else file_stat(sc, file)
    real, node, err = lookup_at(sc, dirfd, ptr, follow=not flags & AT_SYMLINK_NOFOLLOW)
    if err:
        return err
    if node is None:
        return -ENOENT
    return sc.vfs.stat(real, node)


def _stat(sc, dirfd, ptr, buf, flags):
    k = stat_at(sc, dirfd, ptr, flags)
    return k if isinstance(k, int) else write_stat64(sc, buf, k)


@syscall(195)
def sys_stat64(sc, path, buf, *_):
    return _stat(sc, AT_FDCWD, path, buf, 0)


@syscall(196)
def sys_lstat64(sc, path, buf, *_):
    return _stat(sc, AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW)


@syscall(327)
def sys_fstatat64(sc, dirfd, path, buf, flags, *_):
    return _stat(sc, dirfd, path, buf, flags)


@syscall(197)
def sys_fstat64(sc, fd, buf, *_):
    file = sc.process.files.get(fd)
    return -EBADF if file is None else write_stat64(sc, buf, file_stat(sc, file))


@syscall(397)
def sys_statx(sc, dirfd, path, flags, mask, buf, *_):
    k = stat_at(sc, dirfd, path, flags)
    return k if isinstance(k, int) else write_statx(sc, buf, k)


def _readlink(sc, dirfd, ptr, buf, size):
    if _signed(size) <= 0:
        return -EINVAL
    real, node, err = lookup_at(sc, dirfd, ptr, follow=False)
    if err:
        return err
    if node is None:
        return -ENOENT
    if not isinstance(node, Symlink):
        return -EINVAL
    data = node.target.encode("utf-8", "surrogateescape")[:size]
    sc.vm.write(buf, data, user=True)
    return len(data)


def _signed(v):
    return v - (1 << 32) if v & 0x80000000 else v


@syscall(85)
def sys_readlink(sc, path, buf, size, *_):
    return _readlink(sc, AT_FDCWD, path, buf, size)


@syscall(332)
def sys_readlinkat(sc, dirfd, path, buf, size, *_):
    return _readlink(sc, dirfd, path, buf, size)


def _access(sc, dirfd, ptr, mode, flags=0):
    """faccessat for root: anything exists is readable and writable; X needs an x bit."""
    if mode & ~7:
        return -EINVAL
    k = stat_at(sc, dirfd, ptr, flags & AT_SYMLINK_NOFOLLOW)
    if isinstance(k, int):
        return k
    if mode & X_OK and not k.mode & 0o111 and not isinstance(
            lookup_at(sc, dirfd, ptr)[1], Directory):
        return -EACCES
    return 0


@syscall(33)
def sys_access(sc, path, mode, *_):
    return _access(sc, AT_FDCWD, path, mode)


@syscall(334)
def sys_faccessat(sc, dirfd, path, mode, *_):
    return _access(sc, dirfd, path, mode)
