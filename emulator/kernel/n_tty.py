"""The console's line discipline (drivers/tty/n_tty.c, 3.14): what typing on the serial
console does, by the tty's termios.

Input comes from the host (``receive``): with ICRNL a carriage return is a newline; with
ISIG the INTR (^C), QUIT (^\\) characters send SIGINT/SIGQUIT to the foreground process
group (through the scheduler's send_signal) and flush the pending line; with ICANON the
input is edited a line at a time (ERASE and KILL, EOF ^D ends a line without a newline: at
its start, a read returns 0) and a read returns at most one line; otherwise (raw mode, as
busybox's line editing sets it) a read returns what has arrived. ECHO echoes what is typed
(ECHOCTL as ^X, ECHOE erasing with backspace-space-backspace). A read with nothing to
return sleeps on the tty's wait queue (TASK_INTERRUPTIBLE; -EINTR on a signal, -EAGAIN with
O_NONBLOCK). With no input attached (board scripts), a read is at end of file at once.
"""

import struct

from .errno import EAGAIN, EINTR
from .sched.waitlist import WaitList

ISIG, ICANON, ECHO, ECHOE, ECHOK, ECHONL, ECHOCTL = 0x1, 0x2, 0x8, 0x10, 0x20, 0x40, 0x200
ICRNL, INLCR, IGNCR = 0x100, 0x40, 0x80
VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSUSP = 0, 1, 2, 3, 4, 5, 6, 10
SIGINT, SIGQUIT = 2, 3
POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM = 0x1, 0x4, 0x40, 0x100
N_TTY_BUF_SIZE = 4096


class NTty:
    def __init__(self, tty, sched, echo, processes):
        """tty: the kernel.tty.Tty (termios, foreground group); echo(bytes): the console's
        output; processes() -> the live processes (the foreground group's members)."""
        self._tty, self._sched, self._echo, self._processes = tty, sched, echo, processes
        self.attached = False        # input comes from somewhere (the shell's terminal)
        self.line = bytearray()      # the line being edited (canonical mode)
        self.ready = bytearray()     # what a read can take
        self.eofs = 0                # ^D pushes waiting at the read boundary (canonical)
        self.wait = WaitList(sched)  # readers and pollers (tty->read_wait)

    # -- termios -------------------------------------------------------------------------------
    def _flags(self):
        iflag, _, _, lflag = struct.unpack_from("<IIII", self._tty.termios)
        return iflag, lflag

    def _cc(self, index):
        return self._tty.termios[17 + index]

    # -- input from the host ---------------------------------------------------------------------
    def receive(self, data):
        """Characters typed on the console."""
        iflag, lflag = self._flags()
        for c in data:
            if c == 13 and iflag & IGNCR:
                continue
            if c == 13 and iflag & ICRNL:
                c = 10
            elif c == 10 and iflag & INLCR:
                c = 13
            if lflag & ISIG and c in (self._cc(VINTR), self._cc(VQUIT)) and c:
                self._signal(SIGINT if c == self._cc(VINTR) else SIGQUIT, c, lflag)
                continue
            if lflag & ICANON:
                self._canonical(c, lflag)
            else:
                self.ready.append(c)
                self._echo_char(c, lflag)
        self.wait.wake_all()

    def _canonical(self, c, lflag):
        if c == self._cc(VERASE) or c == 8:
            if self.line:
                self.line.pop()
                if lflag & ECHO:
                    self._echo(b"\b \b" if lflag & ECHOE else bytes([c]))
            return
        if c == self._cc(VKILL):
            if lflag & ECHO:
                self._echo(b"\b \b" * len(self.line) if lflag & ECHOE else b"^U\n")
            self.line.clear()
            return
        if c == self._cc(VEOF):
            if self.line:                           # the line so far, without a newline
                self.ready += self.line
                self.line.clear()
            else:
                self.eofs += 1                      # a read at the start of a line: 0
            return
        self.line.append(c)
        self._echo_char(c, lflag)
        if c == 10:
            self.ready += self.line
            self.line.clear()

    def _echo_char(self, c, lflag):
        if not lflag & ECHO:
            if c == 10 and lflag & ECHONL:
                self._echo(b"\n")
            return
        if c < 32 and c not in (9, 10) and lflag & ECHOCTL:
            self._echo(bytes([ord("^"), c + 64]))
        else:
            self._echo(bytes([c]))

    def _signal(self, signo, c, lflag):
        """isig: flush the input, echo ^C (no newline: 3.14's n_tty_receive_signal_char
        echoes the character alone; the shell starts a new line), signal the foreground
        process group."""
        self.line.clear()
        self.ready.clear()
        if lflag & ECHO:
            self._echo(bytes([ord("^"), c + 64]) if lflag & ECHOCTL else bytes([c]))
        pgrp = self._tty.pgrp
        for proc in self._processes():
            if pgrp and proc.pgid == pgrp:
                task = self._sched.tasks.get(proc.pid)
                if task is not None:
                    self._sched.send_signal(task, signo)

    # -- reading ---------------------------------------------------------------------------------
    def readable(self):
        if not self.attached:
            return True
        return bool(self.ready) or self.eofs > 0

    def read(self, vm, buf, count, nonblock):
        """n_tty_read: an int or a generator (it sleeps for input)."""
        if not self.attached:
            return 0                                   # no input at all: end of file
        if self.readable() or nonblock:
            return self._take(vm, buf, count)
        return self._read_wait(vm, buf, count)

    def _read_wait(self, vm, buf, count):
        task = self._sched.current
        while not self.readable():
            if task.pending_signal:
                return -EINTR
            yield from self.wait.sleep(task, why="n_tty_read")
        return self._take(vm, buf, count)

    def _take(self, vm, buf, count):
        if not self.ready:
            if self.eofs:
                self.eofs -= 1
                return 0
            return -EAGAIN
        _, lflag = self._flags()
        n = min(count, len(self.ready))
        if lflag & ICANON:
            newline = self.ready.find(b"\n")
            if newline >= 0:
                n = min(n, newline + 1)
        vm.write(buf, bytes(self.ready[:n]), user=True)
        del self.ready[:n]
        return n

    def poll_mask(self):
        return (POLLIN | POLLRDNORM if self.readable() else 0) | POLLOUT | POLLWRNORM
