"""epoll (fs/eventpoll.c, 3.14) over the poll loop of kernel/poll.py (issue 12).

An epoll file keeps its interest list (fd -> the file, its events and the caller's 64-bit
data). epoll_wait polls the listed files with the same rounds as poll(2) (the driver's
->poll with a real poll_table, sleeping until a wake-up, the timeout or a signal) and
returns the ready ones as ARM EABI's struct epoll_event (16 bytes: events, padding, data).
Level-triggered, with EPOLLONESHOT; a closed file leaves the set, as 3.14's eventpoll_release
does. Not here: EPOLLET (edge-triggered) and epoll sets inside epoll sets are refused with
-EINVAL and a kernel line; ready events come in interest-list order (3.14: in the order
they became ready); epoll_pwait's signal mask is not applied (as ppoll's).
"""

import struct

from ...memory.mmu import GuestFaultAccess
from ..errno import EBADF, EEXIST, EFAULT, EINTR, EINVAL, ENOENT, EPERM
from ..files import File
from ..syscalls import syscall

EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD = 1, 2, 3
EPOLLONESHOT, EPOLLET = 1 << 30, 1 << 31
EPOLLWAKEUP = 1 << 29
EPOLLERR, EPOLLHUP = 0x8, 0x10
EPOLL_CLOEXEC = 0o2000000
EVENT = struct.Struct("<I4xQ")          # struct epoll_event on ARM EABI (not packed)
EP_MAX_EVENTS = 0x7FFFFFFF // EVENT.size


class _Item:
    __slots__ = ("file", "events", "data", "disabled")

    def __init__(self, file, events, data):
        self.file, self.events, self.data = file, events, data
        self.disabled = False            # EPOLLONESHOT reported it: off until EPOLL_CTL_MOD


class EpollFile(File):
    """anon_inode:[eventpoll]: the interest list."""

    def __init__(self):
        self.items = {}                  # fd -> _Item, in the order they were added

    def live_items(self, files):
        """The items whose fd still holds the file they were added with (a closed file has
        left the set)."""
        for fd in [fd for fd, item in self.items.items() if files.get(fd) is not item.file]:
            del self.items[fd]
        return self.items


def _pollable(file):
    return (file.kernel_poll is not None or getattr(file, "poll_mask", None) is not None
            or bool(file.ops and file.ops.get("poll")))


def _create(sc, flags):
    proc = sc.process
    fd = proc.install(EpollFile())
    if flags & EPOLL_CLOEXEC:
        proc.cloexec.add(fd)
    return fd


@syscall(250)
def sys_epoll_create(sc, size, *_):
    if size & 0x80000000 or size == 0:
        return -EINVAL
    return _create(sc, 0)


@syscall(357)
def sys_epoll_create1(sc, flags, *_):
    if flags & ~EPOLL_CLOEXEC:
        return -EINVAL
    return _create(sc, flags)


def _epoll(sc, epfd):
    """(the epoll file, 0) or (None, -errno)."""
    ep = sc.process.files.get(epfd)
    if ep is None:
        return None, -EBADF
    if not isinstance(ep, EpollFile):
        return None, -EINVAL
    return ep, 0


@syscall(251)
def sys_epoll_ctl(sc, epfd, op, fd, event, *_):
    ep, err = _epoll(sc, epfd)
    if ep is None:
        return err
    target = sc.process.files.get(fd)
    if target is None:
        return -EBADF
    if target is ep or op not in (EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD):
        return -EINVAL
    if isinstance(target, EpollFile):
        sc.printk(4, "emu4412: epoll sets inside epoll sets are not supported")
        return -EINVAL
    if not _pollable(target):
        return -EPERM                    # no ->poll (a regular file)
    events = data = 0
    if op != EPOLL_CTL_DEL:
        try:
            events, data = EVENT.unpack(sc.vm.read(event, EVENT.size, user=True))
        except GuestFaultAccess:
            return -EFAULT
        if events & EPOLLET:
            sc.printk(4, "emu4412: epoll EPOLLET (edge-triggered) is not supported")
            return -EINVAL
        events = (events & ~EPOLLWAKEUP) | EPOLLERR | EPOLLHUP
    items = ep.live_items(sc.process.files)
    item = items.get(fd)
    if op == EPOLL_CTL_ADD:
        if item is not None:
            return -EEXIST
        items[fd] = _Item(target, events, data)
    elif item is None:
        return -ENOENT
    elif op == EPOLL_CTL_DEL:
        del items[fd]
    else:
        item.events, item.data, item.disabled = events, data, False
    return 0


@syscall(252)
def sys_epoll_wait(sc, epfd, events, maxevents, timeout, *_):
    return do_epoll_wait(sc, epfd, events, maxevents, timeout)


@syscall(346)
def sys_epoll_pwait(sc, epfd, events, maxevents, timeout, sigmask, *_):
    return do_epoll_wait(sc, epfd, events, maxevents, timeout)


def do_epoll_wait(sc, epfd, events, maxevents, timeout_ms):
    """Generator: the ready events of the set (at most maxevents) written to events; sleeps
    up to timeout_ms (negative: for ever, 0: not at all)."""
    if maxevents == 0 or maxevents > EP_MAX_EVENTS:
        return -EINVAL
    ep, err = _epoll(sc, epfd)
    if ep is None:
        return err
    timeout = timeout_ms - (1 << 32) if timeout_ms & 0x80000000 else timeout_ms
    end = None if timeout < 0 else sc.clock.now_ns() + timeout * 1_000_000
    files = sc.process.files
    items = [(fd, item) for fd, item in ep.live_items(files).items() if not item.disabled]
    revents, interrupted = yield from sc.poller.do_poll(
        files, [(fd, item.events & 0xFFFF) for fd, item in items], end)
    if interrupted:
        return -EINTR
    out = []
    for (fd, item), rev in zip(items, revents):
        if rev and len(out) < maxevents:
            out.append(EVENT.pack(rev, item.data))
            item.disabled = bool(item.events & EPOLLONESHOT)
    if out:
        try:
            sc.vm.write(events, b"".join(out), user=True)
        except GuestFaultAccess:
            return -EFAULT
    return len(out)
