"""Importing this module registers the file-system system calls in the syscall table."""

from . import attr, fcntl, namei, pipe, readdir, select, sendfile, stat, statfs, sync  # noqa: F401
from . import eventpoll  # noqa: F401  (issue 12: epoll)

from .. import module_syscalls, sys, syslog  # noqa: F401  (init_module, kernel/sys.c, syslog)
