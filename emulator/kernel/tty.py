"""The console tty's state (drivers/tty/tty_io.c, tty_ioctl.c): termios, window size and the
foreground process group, as the termios ioctls read and set them.

The settings are kept and given back exactly, as a program saving and restoring them
expects; input processing by them (ICANON, ECHO, ISIG) is the line discipline's (n_tty.py).
"""

import struct

from .errno import EINVAL, ENOTTY, EPERM
from .n_tty import NTty

TCGETS, TCSETS, TCSETSW, TCSETSF = 0x5401, 0x5402, 0x5403, 0x5404
TIOCGPGRP, TIOCSPGRP, TIOCGWINSZ, TIOCSWINSZ = 0x540F, 0x5410, 0x5413, 0x5414
TIOCSCTTY, TIOCNOTTY, FIONREAD, TIOCGSID = 0x540E, 0x5422, 0x541B, 0x5429
# struct termios for a serial console at 115200 8N1 (B115200|CS8|CREAD|HUPCL|CLOCAL),
# ICRNL|IXON, OPOST|ONLCR, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and the
# default control characters (include/asm-generic/termbits.h, tty_std_termios).
INIT_CC = bytes([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0])
CONSOLE_TERMIOS = struct.pack("<IIIIB19s", 0x500, 0x5, 0x1CB2, 0x8A3B, 0, INIT_CC)


class Tty:
    def __init__(self, rows=24, cols=80, current=lambda: None, sched=None, echo=None,
                 processes=lambda: []):
        """current() is the running process (the machine's syscall layer knows it); sched,
        echo(bytes) and processes() serve the line discipline (n_tty.py: sleeping readers,
        echo on the console, the foreground group's signals)."""
        self.termios = CONSOLE_TERMIOS
        self.winsize = struct.pack("<HHHH", rows, cols, 0, 0)
        self.pgrp = 0                # the foreground process group (0: none yet)
        self.session = 0             # the session the tty controls (0: none)
        self.current = current
        self._processes = processes
        self.ldisc = NTty(self, sched, echo, processes) if sched is not None else None

    def ioctl(self, vm, cmd, arg, process=None):
        handler = _IOCTLS.get(cmd)
        return -ENOTTY if handler is None else handler(self, vm, arg, process)

    def _tcgets(self, vm, arg, process):
        vm.write(arg, self.termios, user=True)
        return 0

    def _tcsets(self, vm, arg, process):
        self.termios = vm.read(arg, len(CONSOLE_TERMIOS), user=True)
        return 0

    def _tcsetsf(self, vm, arg, process):
        """TCSETSF: the pending input is flushed first."""
        if self.ldisc is not None:
            self.ldisc.ready.clear()
            self.ldisc.line.clear()
        return self._tcsets(vm, arg, process)

    def _getwinsz(self, vm, arg, process):
        vm.write(arg, self.winsize, user=True)
        return 0

    def _setwinsz(self, vm, arg, process):
        self.winsize = vm.read(arg, 8, user=True)
        return 0

    def _gpgrp(self, vm, arg, process):
        if process is not None and self.session and process.sid != self.session:
            return -ENOTTY           # not the caller's controlling terminal
        vm.write(arg, self.pgrp.to_bytes(4, "little"), user=True)
        return 0

    def _spgrp(self, vm, arg, process):
        if process is not None and self.session and process.sid != self.session:
            return -ENOTTY
        pgrp = int.from_bytes(vm.read(arg, 4, user=True), "little", signed=True)
        if pgrp < 0:
            return -EINVAL
        if process is not None and pgrp != process.pgid and not any(
                p.pgid == pgrp and p.sid == process.sid for p in self._processes()):
            return -EPERM            # no such group in the caller's session
        self.pgrp = pgrp
        return 0


    def _sctty(self, vm, arg, process):
        """Make this the controlling tty of the caller's session (a session leader's)."""
        if process is None or process.sid != process.pid:
            return -EPERM
        if self.session == process.sid:
            return 0
        if self.session and arg != 1:
            return -EPERM            # another session has it: only a forced steal (arg 1)
        self.session, self.pgrp = process.sid, process.pgid
        return 0

    def _notty(self, vm, arg, process):
        if process is None or self.session != process.sid:
            return -ENOTTY
        if process.sid == process.pid:     # the session leader lets it go
            self.session = self.pgrp = 0
        return 0

    def _nread(self, vm, arg, process):
        pending = len(self.ldisc.ready) if self.ldisc is not None else 0
        vm.write(arg, pending.to_bytes(4, "little"), user=True)
        return 0

    def _gsid(self, vm, arg, process):
        if not self.session or (process is not None and process.sid != self.session):
            return -ENOTTY
        vm.write(arg, self.session.to_bytes(4, "little"), user=True)
        return 0


_IOCTLS = {TCGETS: Tty._tcgets, TCSETS: Tty._tcsets, TCSETSW: Tty._tcsets,
           TCSETSF: Tty._tcsetsf, TIOCGWINSZ: Tty._getwinsz, TIOCSWINSZ: Tty._setwinsz,
           TIOCGPGRP: Tty._gpgrp, TIOCSPGRP: Tty._spgrp, TIOCSCTTY: Tty._sctty,
           TIOCNOTTY: Tty._notty, FIONREAD: Tty._nread, TIOCGSID: Tty._gsid}
