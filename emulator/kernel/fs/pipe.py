"""Pipes (fs/pipe.c): a kernel buffer with a read end and a write end.

One process at a time today: a read of an empty pipe whose write end is still open would
sleep until another process writes, which only the scheduler can bring about; until it
lands such a read ends the run loudly (PipeWouldSleep, a time limit) rather than pretending. O_NONBLOCK reads get
-EAGAIN as on Linux. Writing with no reader left gives -EPIPE (SIGPIPE comes with signals).
"""

from ..errno import EAGAIN, EBADF, EINVAL, EPIPE
from ...errors import GuestTimeout
from ..files import File
from ..syscalls import syscall
from .file import O_NONBLOCK
from .namespace import Kstat

PIPE_BUF_SIZE = 16 * 4096            # PIPE_DEF_BUFFERS pages
O_CLOEXEC, O_DIRECT = 0o2000000, 0o200000
S_IFIFO = 0o010000


class PipeWouldSleep(GuestTimeout):
    """A wait that only another process could end: with one process it would never finish,
    so it ends the run as a time limit does (status 3, the report still written)."""


class Pipe:
    def __init__(self, ino):
        self.data, self.readers, self.writers, self.ino = bytearray(), 0, 0, ino


class PipeEnd(File):
    def __init__(self, pipe, writing, flags):
        self.pipe, self.writing, self.f_flags = pipe, writing, flags | (1 if writing else 0)
        if writing:
            pipe.writers += 1
        else:
            pipe.readers += 1

    def read(self, vm, buf, count):
        pipe = self.pipe
        if self.writing:
            return -EBADF
        if not pipe.data:
            if pipe.writers == 0:
                return 0                                   # end of file
            if self.f_flags & O_NONBLOCK:
                return -EAGAIN
            raise PipeWouldSleep("read of an empty pipe would sleep: waking it needs another "
                                 "process (the scheduler)")
        chunk = bytes(pipe.data[:count])
        del pipe.data[:len(chunk)]
        vm.write(buf, chunk, user=True)
        return len(chunk)

    def write(self, vm, buf, count):
        pipe = self.pipe
        if not self.writing:
            return -EBADF
        if pipe.readers == 0:
            return -EPIPE
        room = PIPE_BUF_SIZE - len(pipe.data)
        if room <= 0:
            if self.f_flags & O_NONBLOCK:
                return -EAGAIN
            raise PipeWouldSleep("write to a full pipe would sleep: draining it needs "
                                 "another process (the scheduler)")
        n = min(room, count)
        pipe.data += vm.read(buf, n, user=True)
        return n

    def release(self):
        if self.writing:
            self.pipe.writers -= 1
        else:
            self.pipe.readers -= 1
        return 0

    def kstat(self, vfs):
        return Kstat(self.pipe.ino, S_IFIFO | 0o600, dev=8)


def do_pipe(sc, fds_ptr, flags):
    if flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT):
        return -EINVAL
    pipe = Pipe(sc.vfs.anon_ino())
    proc = sc.process
    rfd = proc.install(PipeEnd(pipe, False, flags & O_NONBLOCK))
    wfd = proc.install(PipeEnd(pipe, True, flags & O_NONBLOCK))
    if flags & O_CLOEXEC:
        proc.cloexec.update((rfd, wfd))
    sc.vm.write(fds_ptr, rfd.to_bytes(4, "little") + wfd.to_bytes(4, "little"), user=True)
    return 0


@syscall(42)
def sys_pipe(sc, fds, *_):
    return do_pipe(sc, fds, 0)


@syscall(359)
def sys_pipe2(sc, fds, flags, *_):
    return do_pipe(sc, fds, flags)

