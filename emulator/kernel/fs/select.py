"""ppoll (fs/select.c): poll with a struct timespec timeout, through the same loop as poll
and select (kernel/poll.py), so a wait with nothing ready sleeps until a file is ready, the
timeout passes or a signal comes. The signal mask argument is the signal layer's
(rt_sigprocmask semantics around the wait) and is not applied here.
"""

import struct

from ..errno import EINVAL
from ..poll import sys_poll_fds
from ..syscalls import syscall

NSEC = 1_000_000_000


@syscall(336)
def sys_ppoll(sc, fds, nfds, tsp, sigmask, sigsetsize, *_):
    timeout = None
    if tsp:
        sec, nsec = struct.unpack("<iI", sc.vm.read(tsp, 8, user=True))
        if sec < 0 or nsec >= NSEC:
            return -EINVAL
        timeout = sec * NSEC + nsec
    return sys_poll_fds(sc, fds, nfds, timeout)
