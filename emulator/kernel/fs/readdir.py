"""Directory reading (fs/readdir.c): getdents64 and getdents over the namespace's listing."""

import struct

from ..errno import EBADF, EINVAL, ENOENT, ENOTDIR
from ..syscalls import syscall
from .file import DirFile
from .namespace import Directory, Symlink
from ..vfs import DevNode

#: d_type values (include/linux/fs.h DT_*).
DT_UNKNOWN, DT_FIFO, DT_CHR, DT_DIR, DT_BLK, DT_REG, DT_LNK = 0, 1, 2, 4, 6, 8, 10
_DT_OF_MODE = {0o010000: DT_FIFO, 0o020000: DT_CHR, 0o060000: DT_BLK}


def _d_type(node):
    if isinstance(node, Directory):
        return DT_DIR
    if isinstance(node, Symlink):
        return DT_LNK
    if isinstance(node, DevNode):
        return _DT_OF_MODE.get(node.mode & 0o170000, DT_UNKNOWN)
    return DT_REG


def entries(vfs, path):
    """[(ino, d_type, name)] of a directory: ".", "..", then the names in order."""
    parent = path.rsplit("/", 1)[0] or "/"
    out = [(vfs.ino(path, None), DT_DIR, "."), (vfs.ino(parent, None), DT_DIR, "..")]
    for name in sorted(vfs.child_names(path)):
        child = path.rstrip("/") + "/" + name
        node = vfs.node_at(child)
        if node is not None:
            out.append((vfs.ino(child, node), _d_type(node), name))
    return out


def _getdents(sc, fd, dirp, count, pack):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    if not isinstance(file, DirFile):
        return -ENOTDIR
    if sc.vfs.node_at(file.path) is None:
        return -ENOENT                              # the directory was removed
    if file.entries is None or file.pos == 0:
        file.entries = entries(sc.vfs, file.path)
    out = bytearray()
    while file.pos < len(file.entries):
        ino, dtype, name = file.entries[file.pos]
        record = pack(ino, file.pos + 1, dtype, name.encode("utf-8", "surrogateescape"))
        if len(out) + len(record) > count:
            if not out:
                return -EINVAL                      # the buffer cannot hold one entry
            break
        out += record
        file.pos += 1
    sc.vm.write(dirp, bytes(out), user=True)
    return len(out)


def _dirent64(ino, off, dtype, name):
    """struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name, NUL, 8-aligned."""
    reclen = (19 + len(name) + 1 + 7) & ~7
    return struct.pack("<QqHB", ino, off, reclen, dtype) + name.ljust(reclen - 19, b"\0")


def _dirent(ino, off, dtype, name):
    """struct linux_dirent: u32 ino, u32 off, u16 reclen, name, NUL, pad, d_type last byte."""
    reclen = (10 + len(name) + 2 + 3) & ~3
    body = struct.pack("<IIH", ino, off, reclen) + name
    return body.ljust(reclen - 1, b"\0") + bytes([dtype])


@syscall(217)
def sys_getdents64(sc, fd, dirp, count, *_):
    return _getdents(sc, fd, dirp, count, _dirent64)


@syscall(141)
def sys_getdents(sc, fd, dirp, count, *_):
    return _getdents(sc, fd, dirp, count, _dirent)
