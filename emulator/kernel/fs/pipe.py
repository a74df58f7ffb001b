"""Pipes (fs/pipe.c, 3.14): a 64 KiB kernel buffer with a read end and a write end.

A read of an empty pipe whose write end is open sleeps (TASK_INTERRUPTIBLE) on the pipe's
wait queue until a writer writes or the last writer closes (then it reads end of file); a
write to a full pipe sleeps until a reader makes room. Writes of at most PIPE_BUF (4096)
bytes are atomic; longer ones may be split among readers. With no reader left a write
gives -EPIPE and SIGPIPE to the writer (sent through the scheduler's send_signal). O_NONBLOCK
ends give -EAGAIN instead of sleeping. A signal ends a sleep with -EINTR (or the bytes
written so far). Readiness for poll/select: readable with data or no writer (POLLHUP),
writable with room, POLLERR with no reader.
"""

from ..errno import EAGAIN, EBADF, EINTR, EINVAL, EPIPE
from ..files import File
from ..sched.waitlist import WaitList
from ..syscalls import syscall
from .file import O_NONBLOCK
from .namespace import Kstat

PIPE_BUF_SIZE = 16 * 4096            # PIPE_DEF_BUFFERS pages
PIPE_BUF = 4096                      # writes up to this size are atomic
O_CLOEXEC, O_DIRECT = 0o2000000, 0o200000
S_IFIFO = 0o010000
SIGPIPE = 13
POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM = 0x1, 0x4, 0x8, 0x10, 0x40, 0x100


class Pipe:
    def __init__(self, ino, sched):
        self.data, self.readers, self.writers, self.ino = bytearray(), 0, 0, ino
        self.sched = sched
        self.wait = WaitList(sched)   # readers, writers and pollers (pipe->wait)

    def push(self, data):
        """Bytes from the kernel (sendfile): what fits; sleepers are woken."""
        room = PIPE_BUF_SIZE - len(self.data)
        self.data += data[:room]
        if room > 0 and data:
            self.wait.wake_all()
        return min(room, len(data))


class PipeEnd(File):
    def __init__(self, pipe, writing, flags):
        self.pipe, self.writing, self.f_flags = pipe, writing, flags | (1 if writing else 0)
        if writing:
            pipe.writers += 1
        else:
            pipe.readers += 1

    # -- reading ----------------------------------------------------------------------------
    def read(self, vm, buf, count):
        pipe = self.pipe
        if self.writing:
            return -EBADF
        if pipe.data or pipe.writers == 0 or self.f_flags & O_NONBLOCK:
            return self._take(vm, buf, count)
        return self._read_wait(vm, buf, count)

    def _take(self, vm, buf, count):
        pipe = self.pipe
        if not pipe.data:
            return 0 if pipe.writers == 0 else -EAGAIN      # end of file, or O_NONBLOCK
        chunk = bytes(pipe.data[:count])
        vm.write(buf, chunk, user=True)
        del pipe.data[:len(chunk)]
        pipe.wait.wake_all()                                  # room for sleeping writers
        return len(chunk)

    def _read_wait(self, vm, buf, count):
        pipe = self.pipe
        task = pipe.sched.current
        while not pipe.data and pipe.writers:
            if task.pending_signal:
                return -EINTR
            yield from pipe.wait.sleep(task, why="pipe_read")
        return self._take(vm, buf, count)

    # -- writing ----------------------------------------------------------------------------
    def write(self, vm, buf, count):
        pipe = self.pipe
        if not self.writing:
            return -EBADF
        if pipe.readers == 0:
            return self._broken()
        room = PIPE_BUF_SIZE - len(pipe.data)
        if count <= room:
            return self._put(vm, buf, count)
        if self.f_flags & O_NONBLOCK:
            if room == 0 or count <= PIPE_BUF:
                return -EAGAIN
            return self._put(vm, buf, room)
        return self._write_wait(vm, buf, count)

    def _put(self, vm, buf, n):
        pipe = self.pipe
        pipe.data += vm.read(buf, n, user=True)
        if n:
            pipe.wait.wake_all()                             # data for sleeping readers
        return n

    def _broken(self):
        """No reader: SIGPIPE to the writer, -EPIPE."""
        task = self.pipe.sched.current
        if task is not None:
            self.pipe.sched.send_signal(task, SIGPIPE)
        return -EPIPE

    def _write_wait(self, vm, buf, count):
        pipe = self.pipe
        task = pipe.sched.current
        done = 0
        while done < count:
            if pipe.readers == 0:
                return done or self._broken()
            left, room = count - done, PIPE_BUF_SIZE - len(pipe.data)
            if room >= left or (room > 0 and left > PIPE_BUF):
                done += self._put(vm, buf + done, min(room, left))
                continue
            if task.pending_signal:
                return done or -EINTR
            yield from pipe.wait.sleep(task, why="pipe_write")
        return done

    # -- the rest ---------------------------------------------------------------------------
    def poll_mask(self):
        """pipe_poll's events (the Poller queues the task on poll_queue)."""
        pipe = self.pipe
        if self.writing:
            return (POLLOUT | POLLWRNORM if len(pipe.data) < PIPE_BUF_SIZE else 0) | (
                POLLERR if pipe.readers == 0 else 0)
        return (POLLIN | POLLRDNORM if pipe.data else 0) | (POLLHUP if pipe.writers == 0 else 0)

    @property
    def poll_queue(self):
        return self.pipe.wait

    def release(self):
        if self.writing:
            self.pipe.writers -= 1
        else:
            self.pipe.readers -= 1
        self.pipe.wait.wake_all()              # readers see end of file, writers EPIPE
        return 0

    def kstat(self, vfs):
        return Kstat(self.pipe.ino, S_IFIFO | 0o600, dev=8)


def do_pipe(sc, fds_ptr, flags):
    if flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT):
        return -EINVAL
    pipe = Pipe(sc.vfs.anon_ino(), sc.sched)
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
