"""sendfile64 (fs/read_write.c): copy from a regular file to another file inside the kernel.

The source must be a file with bytes (a regular or /proc file); the destination a regular
file, the console or a pipe. Other pairs get -EINVAL, as files without splice support do
on Linux (callers such as busybox cat then fall back to read and write).
"""

import struct

from ..errno import EBADF, EINVAL
from ..files import BufferFile, ConsoleFile
from ..syscalls import syscall
from .file import RegularFile
from .pipe import PipeEnd, PIPE_BUF_SIZE

O_ACCMODE, O_WRONLY = 3, 1


def kernel_write(file, data):
    """Write bytes from the kernel to a destination; the count written or -errno."""
    if isinstance(file, ConsoleFile):
        file.write_kernel(data)
        return len(data)
    if isinstance(file, PipeEnd):
        room = PIPE_BUF_SIZE - len(file.pipe.data)
        if not file.writing or file.pipe.readers == 0 or room <= 0:
            return -EINVAL
        return file.pipe.push(data)             # wakes the readers
    if isinstance(file, RegularFile) and file._node is not None and file.f_flags & O_ACCMODE:
        node = file._node
        if file.f_flags & 0o2000:                           # O_APPEND
            file.pos = len(node.data)
        if file.pos > len(node.data):
            node.data.extend(bytes(file.pos - len(node.data)))
        node.data[file.pos:file.pos + len(data)] = data
        file.pos += len(data)
        return len(data)
    return -EINVAL


@syscall(239)
def sys_sendfile64(sc, out_fd, in_fd, offset_ptr, count, *_):
    files = sc.process.files
    src, dst = files.get(in_fd), files.get(out_fd)
    if src is None or dst is None:
        return -EBADF
    if not isinstance(src, BufferFile) or getattr(src, "f_flags", 0) & O_ACCMODE == O_WRONLY:
        return -EINVAL if src is not None else -EBADF
    data_src = src._node.data if src._node is not None else src.data
    pos = struct.unpack("<q", sc.vm.read(offset_ptr, 8, user=True))[0] if offset_ptr else src.pos
    if pos < 0:
        return -EINVAL
    chunk = bytes(data_src[pos:pos + count])
    if not chunk:
        return 0
    done = kernel_write(dst, chunk)
    if done < 0:
        return done
    if offset_ptr:
        sc.vm.write(offset_ptr, struct.pack("<q", pos + done), user=True)
    else:
        src.pos = pos + done
    return done
