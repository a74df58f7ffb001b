"""Open files the namespace gives: regular files (with O_APPEND, growing overlay data) and
directories (read with getdents64)."""

from ..errno import EBADF, EISDIR
from ..files import BufferFile, File

O_WRONLY, O_RDWR, O_APPEND, O_NONBLOCK = 0o1, 0o2, 0o2000, 0o4000


class RegularFile(BufferFile):
    """A regular file: a snapshot for reading, or the overlay file's live bytes when writable.

    The shared bytearray of an overlay file means two descriptors see each other's writes, as
    with one inode on the board.
    """

    def __init__(self, path, node, flags, data=None, writable_node=None):
        super().__init__(data if data is not None else writable_node.data, writable_node)
        self.path, self.node, self.f_flags = path, node, flags

    def read(self, vm, buf, count):
        if self.f_flags & 3 == O_WRONLY:
            return -EBADF
        return super().read(vm, buf, count)

    def write(self, vm, buf, count):
        if self.f_flags & 3 not in (O_WRONLY, O_RDWR) or self._node is None:
            return -EBADF
        if self.f_flags & O_APPEND:
            self.pos = len(self._node.data)
        if self.pos > len(self._node.data):
            self._node.data.extend(bytes(self.pos - len(self._node.data)))
        return super().write(vm, buf, count)


class DirFile(File):
    """An open directory: its entries are read as of the first getdents64 (then rewinddir)."""

    def __init__(self, path, flags):
        self.path, self.f_flags, self.pos, self.entries = path, flags, 0, None

    def read(self, vm, buf, count):
        return -EISDIR

    def write(self, vm, buf, count):
        return -EBADF
