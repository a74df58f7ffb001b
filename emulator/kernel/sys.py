"""Process identity, time and system calls of Linux's kernel/sys.c, kernel/time/, kernel/reboot.c.

Process groups and sessions are real (the process model): a board-script command is a
process group leader in the console's session (pgid = pid, sid = the console's), which is
what a foreground command on the board's job-control shell is; fork keeps the parent's.
"""

import re
import struct

from .errno import EACCES, EFAULT, EINVAL, EPERM, ESRCH
from .syscalls import syscall

NSEC = 1_000_000_000
LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2 = 0xFEE1DEAD, (672274793, 85072278, 369367448, 537993216)
#: reboot(2) commands: what the kernel prints (kernel/reboot.c) and how the run ends.
REBOOT_CMDS = {0x01234567: ("restart", "reboot: Restarting system"),
               0xCDEF0123: ("halt", "reboot: System halted"),
               0x4321FEDC: ("power_off", "reboot: Power down")}
LINUX_REBOOT_CMD_CAD_ON, LINUX_REBOOT_CMD_CAD_OFF = 0x89ABCDEF, 0


# -- identity ---------------------------------------------------------------------------------
def _zero(sc, *_):
    return 0                  # root: uid = euid = gid = egid = 0 (the board logs in as root)


for _nr in (24, 47, 49, 50):           # getuid, getgid, geteuid, getegid (16-bit forms)
    syscall(_nr)(_zero)


@syscall(205)
def sys_getgroups32(sc, size, groups, *_):
    return 0 if size & 0x80000000 == 0 else -EINVAL     # root has no supplementary groups


@syscall(64)
def sys_getppid(sc, *_):
    return sc.process.ppid


def _find(sc, pid):
    """find_task_by_vpid: the live process with pid (0: the caller), or None."""
    if pid == 0 or pid == sc.process.pid:
        return sc.process
    procs = sc.procs() if sc.procs is not None else None
    return procs.find_process(pid) if procs is not None else None


@syscall(132)
def sys_getpgid(sc, pid, *_):
    proc = _find(sc, pid)
    return -ESRCH if proc is None else proc.pgid


@syscall(65)
def sys_getpgrp(sc, *_):
    return sc.process.pgid


@syscall(147)
def sys_getsid(sc, pid, *_):
    proc = _find(sc, pid)
    return -ESRCH if proc is None else proc.sid


@syscall(57)
def sys_setpgid(sc, pid, pgid, *_):
    """The caller or one of its children joins (or starts) a process group of its session."""
    me = sc.process
    if pgid & 0x80000000:
        return -EINVAL
    proc = _find(sc, pid)
    if proc is None or (proc is not me and proc.parent is not me):
        return -ESRCH
    pgid = pgid or proc.pid
    if proc is not me:
        if proc.sid != me.sid:
            return -EPERM
        if proc.did_exec:
            return -EACCES
    if proc.sid == proc.pid:
        return -EPERM                      # a session leader keeps its group
    if pgid != proc.pid:
        procs = sc.procs() if sc.procs is not None else None
        members = procs.processes() if procs is not None else [me]
        if not any(p.pgid == pgid and p.sid == me.sid for p in members):
            return -EPERM                  # no such group in the caller's session
    proc.pgid = pgid
    return 0


@syscall(66)
def sys_setsid(sc, *_):
    proc = sc.process
    procs = sc.procs() if sc.procs is not None else None
    members = procs.processes() if procs is not None else [proc]
    if proc.pgid == proc.pid or any(p.pgid == proc.pid for p in members):
        return -EPERM                      # already a process group leader
    proc.sid = proc.pgid = proc.pid
    return proc.pid


@syscall(60)
def sys_umask(sc, mask, *_):
    old, sc.process.fs.umask = sc.process.fs.umask, mask & 0o777
    return old


# -- time -------------------------------------------------------------------------------------
@syscall(78)
def sys_gettimeofday(sc, tv, tz, *_):
    if tv:
        sec, ns = divmod(sc.clock.now_ns(), NSEC)
        sc.vm.write(tv, struct.pack("<ii", sec, ns // 1000), user=True)
    if tz:
        sc.vm.write(tz, struct.pack("<ii", 0, 0), user=True)       # UTC, no DST
    return 0


@syscall(116)
def sys_sysinfo(sc, info, *_):
    """struct sysinfo (32-bit, 64 bytes) from virtual time and /proc/meminfo's figures."""
    meminfo = sc.vfs.read_file("/proc/meminfo")
    if isinstance(meminfo, int):
        return -EFAULT
    kb = {m[0]: int(m[1]) for m in re.findall(r"(\w+):\s+(\d+) kB", meminfo.decode())}
    uptime = sc.clock.now_ns() // NSEC
    data = struct.pack("<i3I6IHHIII8x", uptime, 0, 0, 0, kb["MemTotal"], kb["MemFree"],
                       0, kb.get("Buffers", 0), 0, 0, 1, 0, kb.get("HighTotal", 0),
                       kb.get("HighFree", 0), 1024)
    sc.vm.write(info, data, user=True)
    return 0


# -- reboot -----------------------------------------------------------------------------------
@syscall(88)
def sys_reboot(sc, magic1, magic2, cmd, arg, *_):
    """Ends the run as the board would: the kernel's message, then no more user code.

    The syscalls' `reboot` attribute records the command ("restart", "halt", "power_off"),
    so the console ends the script there with the status it has (see README: busybox).
    """
    if magic1 != LINUX_REBOOT_MAGIC1 or magic2 not in LINUX_REBOOT_MAGIC2:
        return -EINVAL
    if cmd in (LINUX_REBOOT_CMD_CAD_ON, LINUX_REBOOT_CMD_CAD_OFF):
        return 0
    what = REBOOT_CMDS.get(cmd)
    if what is None:
        return -EINVAL
    sc.reboot = what[0]
    sc.printk(0, what[1])
    return sc.exit_process(0)

