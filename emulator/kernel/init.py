"""kernel_init's last step (init/main.c, 3.14): /sbin/init becomes pid 1 on the console.

The board's init is busybox's: it reads /etc/inittab, runs the sysinit line (rcS: mounts,
mdev -s), then `ttySAC2::askfirst:-/bin/sh` ("Please press Enter to activate this
console.", then the shell). Init has no controlling terminal (the shell it starts takes the
console with setsid + TIOCSCTTY). If init ends, the kernel panics, as Linux does.
"""

from ..errors import GuestFault

INIT_PATH = "/sbin/init"
#: The environment the kernel gives init (envp_init: HOME=/ TERM=linux).
INIT_ENV = ("HOME=/", "TERM=linux")
INIT_PID = 1


def run_init_process(lifecycle, tty, path=INIT_PATH):
    """Start init as pid 1 (runnable, not yet run); the console's input is attached."""
    tty.ldisc.attached = True
    task = lifecycle.spawn(path, [], INIT_ENV, pid=INIT_PID)
    tty.pgrp = tty.session = 0                  # init has no controlling terminal
    return task


def check_init(task, printk):
    """The kernel's answer to init ending: a panic (GuestFault, status 3)."""
    if task is not None and task.exited:
        status = task.process.wait_status or 0
        text = f"Kernel panic - not syncing: Attempted to kill init! exitcode=0x{status:08x}"
        printk(0, text)
        raise GuestFault(text)
