"""The /proc files a board shell reads (fs/proc/, arch/arm/kernel/setup.c), as 3.14 prints them.

System files: cpuinfo (the FS4412's four Cortex-A9 cores), version, cmdline, uptime,
loadavg, stat, mounts (a file here; a link to self/mounts on 3.14), filesystems, sys/kernel/tainted, sys/kernel/hotplug.
Process directories: /proc/self -> <pid>, /proc/<pid>/{stat,cmdline,comm,status,mounts,cwd,
exe,fd/N}, for each process the kernel lists (one at a time today).
"""

import stat as st

from ..process import HWCAP
from ..vfs import ProcFile
from .namespace import Directory, Symlink

#: arch/arm/kernel/setup.c hwcap_str, by bit.
HWCAP_NAMES = ("swp", "half", "thumb", "26bit", "fastmult", "fpa", "vfp", "edsp", "java",
               "iwmmxt", "crunch", "thumbee", "neon", "vfpv3", "vfpv3d16", "tls", "vfpv4",
               "idiva", "idivt", "vfpd32", "lpae", "evtstrm")
CPUID = 0x413FC090            # Cortex-A9 r3p0, the Exynos4412's MIDR
NR_CPUS_ONLINE = 4
MACHINE_NAME = "Samsung Exynos4 (Flattened Device Tree)"   # mach-exynos4-dt.c DT_MACHINE_START
#: The boot arguments (U-Boot's bootargs on the board; the emulator's root is not NFS).
CMDLINE = "root=/dev/root rw console=ttySAC2,115200 init=/linuxrc"
#: linux_proc_banner: sysname, release, (compile by@host), (compiler), utsname version.
LINUX_BANNER = "Linux version 3.14.0 (emu4412@emu4412) (gcc version 12.2.0 (Debian 12.2.0-14) ) " \
               "#1 SMP PREEMPT\n"
#: /proc/filesystems: the board kernel's registered filesystems ("nodev" when no device).
FILESYSTEMS = (("nodev", "sysfs"), ("nodev", "rootfs"), ("nodev", "ramfs"), ("nodev", "bdev"),
               ("nodev", "proc"), ("nodev", "tmpfs"), ("nodev", "devtmpfs"),
               ("nodev", "debugfs"), ("nodev", "sockfs"), ("nodev", "pipefs"),
               ("nodev", "devpts"), ("", "ext3"), ("", "ext2"), ("", "ext4"), ("", "vfat"),
               ("nodev", "nfs"), ("nodev", "nfs4"), ("nodev", "mqueue"))
TTY_NR = (204 << 8) | 66      # ttySAC2: major 204, minor 66, as new_encode_dev gives it
USER_HZ = 100
PAGE_SIZE = 4096
STACK_KB = 128                # the program stack mapped at start (kernel/process.py)


def cpuinfo():
    features = " ".join(name for bit, name in enumerate(HWCAP_NAMES) if HWCAP & (1 << bit))
    out = []
    for cpu in range(NR_CPUS_ONLINE):
        out.append(f"processor\t: {cpu}\n"
                   f"model name\t: ARMv7 Processor rev {CPUID & 15} (v7l)\n"
                   f"Features\t: {features} \n"
                   f"CPU implementer\t: 0x{CPUID >> 24:02x}\n"
                   f"CPU architecture: 7\n"
                   f"CPU variant\t: 0x{(CPUID >> 20) & 15:x}\n"
                   f"CPU part\t: 0x{(CPUID >> 4) & 0xFFF:03x}\n"
                   f"CPU revision\t: {CPUID & 15}\n\n")
    out.append(f"Hardware\t: {MACHINE_NAME}\nRevision\t: 0000\nSerial\t\t: 0000000000000000\n")
    return "".join(out)


class ProcFs:
    """The /proc tree: system files registered on the namespace, process directories on lookup.

    processes() gives the processes to list (objects with pid, comm, ppid, pgid, sid, files,
    fs, mm, cmdline, exe); tainted() gives the kernel's taint mask.
    """

    def __init__(self, vfs, clock, processes, tainted=lambda: 0):
        self._vfs, self._clock, self._processes, self._tainted = vfs, clock, processes, tainted
        self.hotplug = b""
        files = {"cpuinfo": cpuinfo, "version": lambda: LINUX_BANNER,
                 "cmdline": lambda: CMDLINE + "\n", "uptime": self.uptime,
                 "loadavg": self.loadavg, "stat": self.stat, "filesystems": self.filesystems,
                 "mounts": vfs.proc_mounts,
                 "sys/kernel/tainted": lambda: f"{self._tainted()}\n",
                 "sys/kernel/hotplug": lambda: self.hotplug.decode() + "\n"}
        for name, render in files.items():
            vfs.add_proc(name, render)
        self.add_writable("sys/kernel/hotplug", files["sys/kernel/hotplug"], self._set_hotplug)
        vfs.proc_dirs, vfs.proc_list = self.lookup, self.names

    def add_writable(self, name, render, store):
        """A /proc file whose writes go to store(bytes written so far, as one buffer)."""
        self._vfs.add_proc(name, render)
        self._vfs.proc["/proc/" + name].store = store

    def _set_hotplug(self, data):
        self.hotplug = data.rstrip(b"\n")

    # -- system files -----------------------------------------------------------------------
    def _ns(self):
        return self._clock.now_ns()

    def uptime(self):
        centi = self._ns() // 10_000_000
        idle = centi * (NR_CPUS_ONLINE - 1)
        return f"{centi // 100}.{centi % 100:02d} {idle // 100}.{idle % 100:02d}\n"

    def loadavg(self):
        procs = self._processes()
        last = max((p.pid for p in procs), default=0)
        return f"0.00 0.00 0.00 {len(procs)}/{len(procs)} {last}\n"

    def stat(self):
        # One core runs the emulated programs (user time); the other three idle.
        ticks = self._ns() // (1_000_000_000 // USER_HZ)
        rows = [f"cpu  {ticks} 0 0 {ticks * (NR_CPUS_ONLINE - 1)} 0 0 0 0 0 0"]
        rows += [f"cpu{i} {0 if i else ticks} 0 0 {ticks if i else 0} 0 0 0 0 0 0"
                 for i in range(NR_CPUS_ONLINE)]
        procs = self._processes()
        rows += ["intr 0", "ctxt 0", "btime 0", f"processes {max((p.pid for p in procs), default=0)}",
                 f"procs_running {len(procs)}", "procs_blocked 0", "softirq 0 0 0 0 0 0 0 0 0 0 0"]
        return "\n".join(rows) + "\n"

    def filesystems(self):
        return "".join(f"{dev}\t{name}\n" for dev, name in FILESYSTEMS)

    # -- process directories ------------------------------------------------------------------
    def _current(self):
        procs = self._processes()
        return procs[-1] if procs else None

    def _find(self, name):
        return next((p for p in self._processes() if str(p.pid) == name), None)

    def names(self, path):
        if path == "/proc":
            procs = self._processes()
            return [str(p.pid) for p in procs] + (["self"] if procs else [])
        parts = path.split("/")[2:]
        proc = self._find(parts[0]) if parts else None
        if proc is None:
            return []
        if len(parts) == 1:
            return list(PID_FILES) + ["cwd", "exe", "fd"]
        if parts[1:] == ["fd"]:
            return [str(fd) for fd in sorted(proc.files)]
        return []

    def lookup(self, path):
        parts = path.split("/")[2:]
        if parts == ["self"]:
            current = self._current()
            return Symlink(path, str(current.pid)) if current else None
        proc = self._find(parts[0])
        if proc is None:
            return None
        if len(parts) == 1:
            return Directory(path, st.S_IFDIR | 0o555)
        name = parts[1]
        if len(parts) == 2:
            if name in PID_FILES:
                return ProcFile(path, lambda: PID_FILES[name](self, proc))
            if name == "fd":
                return Directory(path, st.S_IFDIR | 0o500)
            if name == "cwd":
                return Symlink(path, proc.fs.cwd)
            if name == "exe":
                return Symlink(path, getattr(proc, "exe", "") or "/")
            return None
        if len(parts) == 3 and name == "fd" and parts[2].isdigit():
            file = proc.files.get(int(parts[2]))
            return None if file is None else Symlink(path, _fd_target(file))
        return None

    def pid_stat(self, proc):
        mm = proc.mm
        rss = len(getattr(mm, "pages", ())) + len(getattr(mm, "shared", ()))
        vsize = rss * PAGE_SIZE                 # every mapping is populated when made
        fields = [proc.ppid, proc.pgid, proc.sid, TTY_NR, proc.pgid, 0x400000, 0, 0, 0, 0,
                  0, 0, 0, 0, 20, 0, 1, 0, 0, vsize, rss, 0xFFFFFFFF, 0, 0, 0, 0, 0,
                  0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0,
                  0, 0, getattr(mm, "brk_start", 0), 0, 0, 0, 0, 0]
        return f"{proc.pid} ({proc.comm}) R " + " ".join(str(f) for f in fields) + "\n"

    def pid_status(self, proc):
        """proc_pid_status: name, state, ids, task_mem, signal and capability masks (3.14).

        Signal masks from the process's SignalState (task_sig: pending, blocked, ignored,
        caught); root has every capability of 3.14 (CAP_LAST_CAP 36); no CPUSETS on the board.
        """
        mm = proc.mm
        own, shared = len(getattr(mm, "pages", ())), len(getattr(mm, "shared", ()))
        size_kb = (own + shared) * 4
        sections = {p >> 21 for p in list(getattr(mm, "pages", ())) + list(getattr(mm, "shared", ()))}
        data_kb = max(0, getattr(mm, "brk", 0) - getattr(mm, "brk_start", 0)) // 1024
        mem = {"VmPeak": size_kb, "VmSize": size_kb, "VmLck": 0, "VmPin": 0, "VmHWM": size_kb,
               "VmRSS": size_kb, "VmData": data_kb, "VmStk": STACK_KB, "VmExe": shared * 4,
               "VmLib": 0, "VmPTE": 2 * len(sections), "VmSwap": 0}
        zero_set, all_caps = "0" * 16, f"{(1 << 37) - 1:016x}"
        sig = getattr(proc, "signals", None)
        return (f"Name:\t{proc.comm}\nState:\tR (running)\nTgid:\t{proc.pid}\nNgid:\t0\n"
                f"Pid:\t{proc.pid}\nPPid:\t{proc.ppid}\nTracerPid:\t0\n"
                f"Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t32\nGroups:\t\n"
                + "".join(f"{k}:\t{v:8d} kB\n" for k, v in mem.items())
                + f"Threads:\t1\nSigQ:\t{len(sig.pending) if sig else 0}/"
                f"{self._sigpending_limit()}\n"
                + "".join(f"{k}:\t{v:016x}\n" for k, v in _signal_masks(sig).items())
                + f"CapInh:\t{zero_set}\nCapPrm:\t{all_caps}\nCapEff:\t{all_caps}\n"
                f"CapBnd:\t{all_caps}\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3\n"
                f"voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n")

    def _sigpending_limit(self):
        """RLIMIT_SIGPENDING as fork_init sets it: max_threads / 2 (max_threads from RAM)."""
        meminfo = self._vfs.read_file("/proc/meminfo")
        total_kb = int(meminfo.split(b"MemTotal:")[1].split()[0]) if isinstance(
            meminfo, bytes) and b"MemTotal:" in meminfo else 0
        return total_kb // 4 // 16 // 2

    def pid_cmdline(self, proc):
        return getattr(proc, "cmdline", b"").decode("utf-8", "replace")

    def pid_comm(self, proc):
        return proc.comm + "\n"

    def pid_mounts(self, proc):
        return self._vfs.proc_mounts()


PID_FILES = {"stat": ProcFs.pid_stat, "status": ProcFs.pid_status,
             "cmdline": ProcFs.pid_cmdline, "comm": ProcFs.pid_comm,
             "mounts": ProcFs.pid_mounts}


def _fd_target(file):
    """What readlink shows for /proc/<pid>/fd/N (d_path, or the anonymous inode's name)."""
    path = getattr(file, "path", None)
    if path:
        return path
    kstat = getattr(file, "kstat", None)
    if kstat is not None and hasattr(file, "pipe"):
        return f"pipe:[{file.pipe.ino}]"
    return "/dev/console"


def _signal_masks(sig):
    """SigPnd, ShdPnd, SigBlk, SigIgn, SigCgt of /proc/PID/status (issue 12: signals)."""
    if sig is None:
        return dict.fromkeys(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"), 0)
    ign = cgt = 0
    for signo in range(1, 65):
        handler = sig.action(signo).handler
        if handler == 1:
            ign |= 1 << (signo - 1)
        elif handler != 0:
            cgt |= 1 << (signo - 1)
    return {"SigPnd": sig.pending_mask(), "ShdPnd": 0, "SigBlk": sig.blocked, "SigIgn": ign,
            "SigCgt": cgt}
