"""Asynchronous notification: fasync_helper, kill_fasync, the file owner (Linux fs/fcntl.c).

A driver keeps a list of ``struct fasync_struct`` (guest memory, the board's layout: fa_lock
0, magic 16, fa_fd 20, fa_next 24, fa_file 28; 40 bytes) that its ->fasync method maintains
with fasync_helper(); kill_fasync() sends each entry's file owner (fcntl F_SETOWN) the
owner's signal (F_SETSIG; 0 means plain SIGIO) with the POLL_* reason and band, as 3.14's
send_sigio does. fcntl(F_SETFL) calls ->fasync when O_ASYNC changes and the last close
calls ->fasync(-1, filp, 0) (kernel/fs/fcntl.py, kernel/files.py).
"""

import struct

from ..abi import FILE, RAW_SPINLOCK, SPINLOCK_CPU_INIT, SPINLOCK_MAGIC, SPINLOCK_OWNER_INIT
from ..hypercall import export
from ..signal import SI_KERNEL, SIGIO, SIGURG, SigInfo

FASYNC = 0o20000
FASYNC_MAGIC = 0x4601
FA_MAGIC, FA_FD, FA_NEXT, FA_FILE, FASYNC_STRUCT_SIZE = 16, 20, 24, 28, 40
FOWN_SIGNUM = FILE["f_owner"] + 32
POLL_IN = 1
#: send_sigio_to_task's band_table: the poll bits for POLL_IN .. POLL_HUP.
BAND_TABLE = (0x41, 0x304, 0x441, 0x8, 0x82, 0x18)


class Fasync:
    def __init__(self, vm, kmalloc, sched, printk):
        self._vm, self._kmalloc, self._sched, self._printk = vm, kmalloc, sched, printk

    # -- the driver's side ----------------------------------------------------------------------
    @export()
    def fasync_helper(self, fd, filp, on, fapp):
        """Add filp to the list at *fapp (or update its fd), or remove it (on == 0); the
        file's FASYNC flag follows. 1 when the list changed, 0 when not, -ENOMEM."""
        vm = self._vm
        prev, fa = fapp, vm.read_u32(fapp)
        while fa:
            if vm.read_u32(fa + FA_FILE) == filp:
                break
            prev, fa = fa + FA_NEXT, vm.read_u32(fa + FA_NEXT)
        flags = filp + FILE["f_flags"]
        if not on:
            if not fa:
                return 0
            vm.write_u32(prev, vm.read_u32(fa + FA_NEXT))
            vm.write_u32(fa + FA_FILE, 0)
            self._kmalloc.free(fa)
            vm.write_u32(flags, vm.read_u32(flags) & ~FASYNC)
            return 1
        if fa:
            vm.write_u32(fa + FA_FD, fd)
            return 0
        new = self._kmalloc.alloc(FASYNC_STRUCT_SIZE, zero=True)
        if not new:
            return -12 & 0xFFFFFFFF
        vm.write(new + RAW_SPINLOCK["magic"], struct.pack(
            "<III", SPINLOCK_MAGIC, SPINLOCK_CPU_INIT, SPINLOCK_OWNER_INIT))
        vm.write(new + FA_MAGIC, struct.pack("<IiII", FASYNC_MAGIC, fd, vm.read_u32(fapp), filp))
        vm.write_u32(fapp, new)
        vm.write_u32(flags, vm.read_u32(flags) | FASYNC)
        return 1

    @export()
    def kill_fasync(self, fp, sig, band):
        """Signal the owner of every file on the list at *fp (send_sigio)."""
        vm = self._vm
        fa = vm.read_u32(fp)
        while fa:
            if vm.read_u32(fa + FA_MAGIC) != FASYNC_MAGIC:
                self._printk(3, "kill_fasync: bad magic number in fasync_struct!")
                return
            filp = vm.read_u32(fa + FA_FILE)
            if filp:
                signum = vm.read_u32(filp + FOWN_SIGNUM)
                if not (sig == SIGURG and signum == 0):
                    self._send_sigio(filp, signum, vm.read_u32(fa + FA_FD), band)
            fa = vm.read_u32(fa + FA_NEXT)

    def _send_sigio(self, filp, signum, fd, reason):
        owner = self._owner_of(filp)
        if not owner:
            return
        sched = self._sched
        if owner > 0:
            targets = [sched.tasks.get(owner)]
        else:
            targets = [t for _, t in sorted(sched.tasks.items())
                       if t.process is not None and t.process.pgid == -owner]
        for task in targets:
            if task is None or task.exited or task.process is None:
                continue
            if signum:
                band = BAND_TABLE[reason - POLL_IN] if 0 <= reason - POLL_IN < 6 else \
                    0xFFFFFFFF
                sched.send_signal(task, signum, SigInfo(signum, reason, band=band, fd=fd))
            else:
                sched.send_signal(task, SIGIO, SigInfo(SIGIO, SI_KERNEL))

    def _owner_of(self, filp):
        """The F_SETOWN owner of the guest struct file filp (a pid, -pgid, or 0)."""
        for task in self._sched.tasks.values():
            if task.process is None:
                continue
            for file in task.process.files.values():
                if file.file_va == filp:
                    return file.owner
        return 0


__all__ = ["Fasync", "FASYNC", "FASYNC_MAGIC"]
