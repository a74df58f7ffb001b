"""ppoll (fs/select.c) over the files one process has (poll and select, which sleep on the
drivers' poll_table, are kernel/poll.py's).

Regular files and directories are always ready; the console is writable and, having no input
yet, readable at end of file; a pipe is readable with data or no writer left (POLLHUP) and
writable with room. Waiting with nothing ready lets the virtual time of the timeout pass; an
endless wait could only be ended by another process, so it fails loudly until the
scheduler lands.
"""

import struct

from ..errno import EINVAL
from ..syscalls import syscall
from .pipe import PipeEnd, PipeWouldSleep, PIPE_BUF_SIZE

POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
POLLRDNORM, POLLWRNORM = 0x40, 0x100
READ_EVENTS, WRITE_EVENTS = POLLIN | POLLRDNORM, POLLOUT | POLLWRNORM
NSEC = 1_000_000_000


def _ready(file):
    """The events a file reports now (its poll method)."""
    if isinstance(file, PipeEnd):
        pipe = file.pipe
        if file.writing:
            return (WRITE_EVENTS if len(pipe.data) < PIPE_BUF_SIZE else 0) | (
                POLLERR if pipe.readers == 0 else 0)
        return (READ_EVENTS if pipe.data else 0) | (POLLHUP if pipe.writers == 0 else 0)
    return READ_EVENTS | WRITE_EVENTS


def do_poll(sc, fds, nfds, timeout_ns):
    if nfds > 1024:
        return -EINVAL
    raw = sc.vm.read(fds, 8 * nfds, user=True) if nfds else b""
    entries = [struct.unpack_from("<iHH", raw, 8 * i) for i in range(nfds)]
    out, count = bytearray(), 0
    for fd, events, _ in entries:
        revents = 0
        if fd >= 0:
            file = sc.process.files.get(fd)
            revents = POLLNVAL if file is None else _ready(file) & (
                events | POLLERR | POLLHUP)
        count += bool(revents)
        out += struct.pack("<iHH", fd, events, revents)
    if count == 0:
        if timeout_ns is None:
            raise PipeWouldSleep("poll with no timeout and nothing ready would sleep: waking "
                                 "it needs another process (the scheduler)")
        sc.clock.sleep_ns(timeout_ns)
    if nfds:
        sc.vm.write(fds, bytes(out), user=True)
    return count


@syscall(336)
def sys_ppoll(sc, fds, nfds, tsp, sigmask, sigsetsize, *_):
    timeout = None
    if tsp:
        sec, nsec = struct.unpack("<iI", sc.vm.read(tsp, 8, user=True))
        if sec < 0 or nsec >= NSEC:
            return -EINVAL
        timeout = sec * NSEC + nsec
    return do_poll(sc, fds, nfds, timeout)
