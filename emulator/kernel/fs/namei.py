"""Path system calls (fs/namei.c, fs/open.c, fs/namespace.c): open, mkdir, unlink, rename,
symlink, link, mknod, chdir/getcwd, mount/umount.

Every change lands in the in-memory overlay of the namespace (namespace.RootFs); host files
are only ever read. Paths are resolved against the process's cwd or a directory fd.
"""

from ..abi import MKDEV
from ..errno import (EACCES, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENAMETOOLONG, ENOENT,
                     ENOTDIR, ENXIO, ERANGE)
from ..files import chrdev_open
from ..syscalls import syscall
from ..vfs import DevNode, HostFile, OverlayFile, ProcFile
from .file import DirFile, RegularFile
from .namespace import Directory, Symlink, contents

AT_FDCWD = -100 & 0xFFFFFFFF
AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH = 0x100, 0x200, 0x400, 0x1000
# ARM's open flags (arch/arm/include/uapi/asm/fcntl.h differs from asm-generic for these).
O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC = 0o3, 0o100, 0o200, 0o1000
O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC = 0o40000, 0o100000, 0o2000000
S_IFMT, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO = 0o170000, 0o100000, 0o020000, 0o060000, 0o010000
PATH_MAX = 4096
RENAME_NOREPLACE = 1


def user_path(sc, ptr):
    """The path string at a user pointer (-errno on a bad pointer or an over-long path)."""
    if ptr == 0:
        return -EFAULT
    raw = sc.vm.read_cstr(ptr, limit=PATH_MAX + 1, user=True)
    if len(raw) > PATH_MAX:
        return -ENAMETOOLONG
    return raw.decode("utf-8", "surrogateescape")


def base_dir(sc, dirfd, path):
    """The directory a relative path starts from: the cwd or an open directory's path."""
    if path.startswith("/") or dirfd == AT_FDCWD:
        return sc.process.fs.cwd
    file = sc.process.files.get(dirfd)
    if file is None:
        return -EBADF
    return file.path if isinstance(file, DirFile) else -ENOTDIR


def lookup_at(sc, dirfd, ptr, follow=True, empty_ok=False):
    """(path, node, 0) for a user path relative to dirfd, or (None, None, -errno)."""
    path = user_path(sc, ptr)
    if isinstance(path, int):
        return None, None, path
    if path == "" and not empty_ok:
        return None, None, -ENOENT
    base = base_dir(sc, dirfd, path)
    if isinstance(base, int):
        return None, None, base
    return sc.vfs.resolve(path, base, follow)


def parent_at(sc, dirfd, ptr):
    """(normalized path, existing node or None) for a name to create/remove, or -errno."""
    real, node, err = lookup_at(sc, dirfd, ptr, follow=False)
    return (err, None) if err else (real, node)


def _install(sc, file, flags):
    fd = sc.process.install(file)
    if flags & O_CLOEXEC:
        sc.process.cloexec.add(fd)
    return fd


def do_open(sc, dirfd, ptr, flags, mode):
    """do_sys_open: a generator (opening a device runs the driver's open)."""
    real, node, err = lookup_at(sc, dirfd, ptr, follow=not flags & O_NOFOLLOW)
    if err:
        return err
    vfs, acc = sc.vfs, flags & O_ACCMODE
    if node is None:
        if not flags & O_CREAT:
            return -ENOENT
        if real.startswith(("/proc/", "/sys/")):
            return -EACCES
        err = vfs.parent_ok(real) or vfs.read_only(real)
        if err:
            return err
        node = vfs.create(real, mode & ~sc.process.fs.umask)
    elif flags & O_CREAT and flags & O_EXCL:
        return -EEXIST
    if isinstance(node, Symlink):
        return -ELOOP
    if isinstance(node, Directory):
        if acc != 0 or flags & O_CREAT:
            return -EISDIR
        return _install(sc, DirFile(real, flags), flags)
    if flags & O_DIRECTORY:
        return -ENOTDIR
    if isinstance(node, DevNode):
        return (yield from _open_device(sc, node, flags))
    opener = getattr(node, "open_file", None)      # a sysfs attribute with module callbacks
    if opener is not None:
        file = opener(flags)
        return file if isinstance(file, int) else _install(sc, file, flags)
    if isinstance(node, ProcFile):
        store = getattr(node, "store", None)
        if acc != 0 and store is None:
            return -EACCES
        data = contents(node) if acc != 1 else b""
        return _install(sc, RegularFile(real, node, flags, data=data,
                                        writable_node=_ProcWriter(store) if acc else None), flags)
    if isinstance(node, (HostFile, OverlayFile)) and (acc != 0 or flags & O_TRUNC):
        err = vfs.read_only(real)
        if err:
            return err
    if isinstance(node, HostFile) and acc != 0:
        node = vfs.copy_up(real, node)              # the guest writes to the overlay
    if isinstance(node, OverlayFile):
        if flags & O_TRUNC and acc != 0:
            node.data.clear()
        return _install(sc, RegularFile(real, node, flags, writable_node=node), flags)
    data = vfs.read_file(real)
    if isinstance(data, int):
        return data
    return _install(sc, RegularFile(real, node, flags, data=data), flags)


class _ProcWriter:
    """A writable /proc file's sink: each write hands the bytes so far to the kernel's store."""

    def __init__(self, store):
        self.data = _ProcBuffer(store)


class _ProcBuffer(bytearray):
    def __init__(self, store):
        super().__init__()
        self._store = store

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._store(bytes(self))


def _open_device(sc, node, flags):
    kind = node.mode & S_IFMT
    if kind != S_IFCHR:
        return -ENXIO                   # no block devices or FIFOs behind nodes yet
    special = sc.special_open.get(node.rdev)
    if special is not None:
        result = special(flags)
    else:
        result = yield from chrdev_open(node, flags, sc.vm, sc.chrdev, sc.kmalloc, sc.module_get)
    if isinstance(result, int):
        return result
    result.f_flags, result.path, result.node = flags, node.path, node
    return _install(sc, result, flags)


@syscall(5)
def sys_open(sc, path, flags, mode, *_):
    return do_open(sc, AT_FDCWD, path, flags, mode)


@syscall(322)
def sys_openat(sc, dirfd, path, flags, mode, *_):
    return do_open(sc, dirfd, path, flags, mode)


@syscall(8)
def sys_creat(sc, path, mode, *_):
    return do_open(sc, AT_FDCWD, path, O_CREAT | O_TRUNC | 1, mode)


# -- directories and names ------------------------------------------------------------------
def _mkdir(sc, dirfd, ptr, mode):
    real, node = parent_at(sc, dirfd, ptr)
    if isinstance(real, int):
        return real
    return sc.vfs.mkdir(real, mode & ~sc.process.fs.umask)


@syscall(39)
def sys_mkdir(sc, path, mode, *_):
    return _mkdir(sc, AT_FDCWD, path, mode)


@syscall(323)
def sys_mkdirat(sc, dirfd, path, mode, *_):
    return _mkdir(sc, dirfd, path, mode)


def _remove(sc, dirfd, ptr, directory):
    real, node = parent_at(sc, dirfd, ptr)
    if isinstance(real, int):
        return real
    if node is None:
        return -ENOENT
    return sc.vfs.rmdir(real) if directory else sc.vfs.unlink(real)


@syscall(40)
def sys_rmdir(sc, path, *_):
    return _remove(sc, AT_FDCWD, path, True)


@syscall(10)
def sys_unlink(sc, path, *_):
    return _remove(sc, AT_FDCWD, path, False)


@syscall(328)
def sys_unlinkat(sc, dirfd, path, flags, *_):
    if flags & ~AT_REMOVEDIR:
        return -EINVAL
    return _remove(sc, dirfd, path, bool(flags & AT_REMOVEDIR))


def _rename(sc, olddirfd, oldptr, newdirfd, newptr, flags=0):
    old, onode = parent_at(sc, olddirfd, oldptr)
    if isinstance(old, int):
        return old
    new, nnode = parent_at(sc, newdirfd, newptr)
    if isinstance(new, int):
        return new
    if onode is None:
        return -ENOENT
    if flags & RENAME_NOREPLACE and nnode is not None:
        return -EEXIST
    if flags & ~RENAME_NOREPLACE:
        return -EINVAL
    return sc.vfs.rename(old, new)


@syscall(38)
def sys_rename(sc, old, new, *_):
    return _rename(sc, AT_FDCWD, old, AT_FDCWD, new)


@syscall(329)
def sys_renameat(sc, olddirfd, old, newdirfd, new, *_):
    return _rename(sc, olddirfd, old, newdirfd, new)


@syscall(382)
def sys_renameat2(sc, olddirfd, old, newdirfd, new, flags, *_):
    return _rename(sc, olddirfd, old, newdirfd, new, flags)


def _symlink(sc, target_ptr, dirfd, ptr):
    target = user_path(sc, target_ptr)
    if isinstance(target, int):
        return target
    if target == "":
        return -ENOENT
    real, node = parent_at(sc, dirfd, ptr)
    if isinstance(real, int):
        return real
    return sc.vfs.symlink(target, real)


@syscall(83)
def sys_symlink(sc, target, path, *_):
    return _symlink(sc, target, AT_FDCWD, path)


@syscall(331)
def sys_symlinkat(sc, target, dirfd, path, *_):
    return _symlink(sc, target, dirfd, path)


def _link(sc, olddirfd, oldptr, newdirfd, newptr, flags=0):
    if flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH):
        return -EINVAL
    old, onode, err = lookup_at(sc, olddirfd, oldptr, follow=bool(flags & AT_SYMLINK_FOLLOW))
    if err:
        return err
    if onode is None:
        return -ENOENT
    new, _ = parent_at(sc, newdirfd, newptr)
    if isinstance(new, int):
        return new
    return sc.vfs.link(old, new)


@syscall(9)
def sys_link(sc, old, new, *_):
    return _link(sc, AT_FDCWD, old, AT_FDCWD, new)


@syscall(330)
def sys_linkat(sc, olddirfd, old, newdirfd, new, flags, *_):
    return _link(sc, olddirfd, old, newdirfd, new, flags)


def _mknod(sc, dirfd, ptr, mode, dev):
    kind = mode & S_IFMT
    if kind not in (S_IFCHR, S_IFBLK, S_IFIFO, S_IFREG, 0):
        return -EINVAL
    real, node = parent_at(sc, dirfd, ptr)
    if isinstance(real, int):
        return real
    perm = mode & 0o7777 & ~sc.process.fs.umask
    if kind in (S_IFREG, 0):
        if node is not None:
            return -EEXIST
        err = sc.vfs.parent_ok(real) or sc.vfs.read_only(real)
        return err or (sc.vfs.create(real, perm) and 0)
    # The user's dev_t (old 8:8 or huge 12:20 encoding, new_decode_dev) to the kernel's.
    major, minor = (dev & 0xFFF00) >> 8, (dev & 0xFF) | ((dev >> 12) & 0xFFF00)
    return sc.vfs.mknod(real, kind | perm, MKDEV(major, minor))


@syscall(14)
def sys_mknod(sc, path, mode, dev, *_):
    return _mknod(sc, AT_FDCWD, path, mode, dev)


@syscall(324)
def sys_mknodat(sc, dirfd, path, mode, dev, *_):
    return _mknod(sc, dirfd, path, mode, dev)


# -- the current directory ------------------------------------------------------------------
@syscall(12)
def sys_chdir(sc, path, *_):
    real, node, err = lookup_at(sc, AT_FDCWD, path)
    if err:
        return err
    if node is None:
        return -ENOENT
    if not isinstance(node, Directory):
        return -ENOTDIR
    sc.process.fs.cwd = real
    return 0


@syscall(133)
def sys_fchdir(sc, fd, *_):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    if not isinstance(file, DirFile):
        return -ENOTDIR
    sc.process.fs.cwd = file.path
    return 0


@syscall(183)
def sys_getcwd(sc, buf, size, *_):
    cwd = sc.process.fs.cwd.encode("utf-8", "surrogateescape") + b"\0"
    if sc.vfs.node_at(sc.process.fs.cwd) is None:
        cwd = b"(unreachable)" + cwd            # removed under us, as d_path says
    if len(cwd) > size:
        return -ERANGE
    sc.vm.write(buf, cwd, user=True)
    return len(cwd)


# -- mounts -------------------------------------------------------------------------------------
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_MOVE = 1, 32, 4096, 8192
MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW = 1, 2, 4, 8


@syscall(21)
def sys_mount(sc, source, target, fstype, flags, data, *_):
    if flags & (MS_BIND | MS_MOVE):
        sc.printk(4, "emu4412: bind and move mounts are not supported yet")
        return -EINVAL
    if flags & MS_REMOUNT:
        real, node, err = lookup_at(sc, AT_FDCWD, target)
        if err or node is None:
            return err or -ENOENT
        return sc.vfs.remount(real, bool(flags & MS_RDONLY))
    src = user_path(sc, source) if source else "none"
    kind = user_path(sc, fstype) if fstype else ""
    for value in (src, kind):
        if isinstance(value, int):
            return value
    real, node, err = lookup_at(sc, AT_FDCWD, target)
    if err:
        return err
    if node is None:
        return -ENOENT
    return sc.vfs.mount(src, real, kind, bool(flags & MS_RDONLY))


@syscall(52)
def sys_umount2(sc, target, flags, *_):
    if flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW):
        return -EINVAL
    real, node, err = lookup_at(sc, AT_FDCWD, target, follow=not flags & UMOUNT_NOFOLLOW)
    if err:
        return err
    if node is None:
        return -ENOENT
    if real == "/" and not flags & MNT_DETACH:
        return sc.vfs.remount("/", True)        # do_umount of the root: remount read-only
    return sc.vfs.umount(real)

