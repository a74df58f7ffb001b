"""Importing this module registers the file-system system calls in the syscall table."""

from . import fcntl, namei, pipe, readdir, select, stat  # noqa: F401

from .. import module_syscalls, sys  # noqa: F401  (init_module & co., kernel/sys.c calls)
