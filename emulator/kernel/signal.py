"""Signals of a process: actions, blocked mask, pending set (Linux kernel/signal.c, 3.14).

Each process has a ``SignalState`` (``process.signals``): the action of each of the 64
signals (handler, sa_flags, sa_mask, sa_restorer, as struct k_sigaction keeps them), the
blocked mask and the pending signals with their siginfo. Standard signals (1-31) are
pending at most once (legacy_queue); real-time ones (32-64) queue. A signal whose action is
to be ignored is dropped when it is sent unless it is blocked (sig_ignored). SIGKILL and
SIGSTOP can be neither caught, ignored nor blocked.

Default actions (3.14's table in kernel/signal.c): terminate, terminate with a core dump
(no core file is written: the process ends as with terminate, status 128+N), ignore
(SIGCHLD, SIGURG, SIGWINCH, SIGCONT; SIGCONT also continues a stopped process), stop
(SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the task stops, TASK_STOPPED, until SIGCONT or
SIGKILL; sched/core.py stop_task and send_signal). Delivery to user
handlers (the ARM frame) is kernel/signal_arm.py; the system calls are
kernel/signal_syscalls.py.
"""

from dataclasses import dataclass, field, replace

_NSIG = 64
SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE = 1, 2, 3, 4, 5, 6, 7, 8
SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM = 9, 10, 11, 12, 13, 14, 15
SIGSTKFLT, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU = 16, 17, 18, 19, 20, 21, 22
SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS = \
    23, 24, 25, 26, 27, 28, 29, 30, 31
SIGRTMIN = 32

SIG_DFL, SIG_IGN = 0, 1
#: sa_flags (arch/arm/include/uapi/asm/signal.h)
SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO = 0x1, 0x2, 0x4
SA_THIRTYTWO, SA_RESTORER, SA_ONSTACK = 0x02000000, 0x04000000, 0x08000000
SA_RESTART, SA_NODEFER, SA_RESETHAND = 0x10000000, 0x40000000, 0x80000000
#: si_code values (asm-generic/siginfo.h, as user space sees them)
SI_USER, SI_KERNEL, SI_QUEUE, SI_TIMER, SI_TKILL = 0, 0x80, -1, -2, -6
POLL_IN = 1
#: SIGCHLD's si_code (do_notify_parent): the child exited, was killed, dumped core
CLD_EXITED, CLD_KILLED, CLD_DUMPED = 1, 2, 3

TERM, CORE, IGNORE, STOP = "term", "core", "ignore", "stop"
#: The default action of each standard signal (kernel/signal.c's SIG_KERNEL_*_MASK);
#: real-time signals terminate.
DEFAULT_ACTION = {
    SIGHUP: TERM, SIGINT: TERM, SIGQUIT: CORE, SIGILL: CORE, SIGTRAP: CORE, SIGABRT: CORE,
    SIGBUS: CORE, SIGFPE: CORE, SIGKILL: TERM, SIGUSR1: TERM, SIGSEGV: CORE, SIGUSR2: TERM,
    SIGPIPE: TERM, SIGALRM: TERM, SIGTERM: TERM, SIGSTKFLT: TERM, SIGCHLD: IGNORE,
    SIGCONT: IGNORE, SIGSTOP: STOP, SIGTSTP: STOP, SIGTTIN: STOP, SIGTTOU: STOP,
    SIGURG: IGNORE, SIGXCPU: CORE, SIGXFSZ: CORE, SIGVTALRM: TERM, SIGPROF: TERM,
    SIGWINCH: IGNORE, SIGIO: TERM, SIGPWR: TERM, SIGSYS: CORE,
}
#: Signal names (for traces and messages).
NAMES = {SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
         SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
         SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
         SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGSTKFLT: "SIGSTKFLT",
         SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP",
         SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU",
         SIGXFSZ: "SIGXFSZ", SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF",
         SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGPWR: "SIGPWR", SIGSYS: "SIGSYS"}
STOP_SIGNALS = frozenset((SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU))
UNCATCHABLE = frozenset((SIGKILL, SIGSTOP))
ALL = (1 << _NSIG) - 1
UNBLOCKABLE = (1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1))


def sigmask(signo):
    return 1 << (signo - 1)


def valid_signal(signo):
    return 0 < signo <= _NSIG


def name(signo):
    if not signo:
        return ""
    return NAMES.get(signo, f"SIGRT{signo - SIGRTMIN}" if signo >= SIGRTMIN else str(signo))


def default_action(signo):
    return DEFAULT_ACTION.get(signo, TERM)


@dataclass(frozen=True)
class SigAction:
    """struct k_sigaction: what the process asked for one signal."""
    handler: int = SIG_DFL
    flags: int = 0
    mask: int = 0
    restorer: int = 0


@dataclass(frozen=True)
class SigInfo:
    """The siginfo a pending signal carries (the fields the senders here fill)."""
    signo: int
    code: int = SI_KERNEL
    pid: int = 0
    uid: int = 0
    band: int = 0          # SIGPOLL: POLLIN | POLLRDNORM for POLL_IN
    fd: int = 0
    addr: int = 0          # faults
    status: int = 0        # SIGCHLD from do_notify_parent: exit code or killing signal
    #: a siginfo user space gave (rt_sigqueueinfo, si_code < 0): copied out as it came
    raw: bytes = None


@dataclass
class SignalState:
    """A process's signal handling (sighand + blocked + pending of its one thread)."""
    actions: list = field(default_factory=lambda: [SigAction()] * (_NSIG + 1))
    blocked: int = 0
    #: rt_sigtimedwait's mask while it sleeps with the awaited signals unblocked (they
    #: are not ignored meanwhile: sig_ignored checks it too)
    real_blocked: int = 0
    pending: list = field(default_factory=list)      # [SigInfo], in the order sent
    #: sigsuspend's saved mask (TIF_RESTORE_SIGMASK): put back after the handler runs
    saved_mask: int = None
    #: what restart_syscall resumes after -ERESTART_RESTARTBLOCK (a callable)
    restart_block: object = None

    # -- fork and exec ------------------------------------------------------------------------
    def fork(self):
        """The child's state (copy_sighand, copy of the blocked mask): the same actions and
        mask, nothing pending (a fork child starts with an empty pending set)."""
        return SignalState(actions=list(self.actions), blocked=self.blocked)

    def exec_reset(self):
        """execve's flush_signal_handlers: caught signals go back to SIG_DFL (ignored ones
        stay ignored); the mask and pending signals are kept."""
        self.actions = [SigAction(handler=SIG_IGN) if a.handler == SIG_IGN else SigAction()
                        for a in self.actions]
        self.saved_mask = None
        self.restart_block = None

    # -- actions ------------------------------------------------------------------------------
    def action(self, signo):
        return self.actions[signo]

    def set_action(self, signo, act):
        """do_sigaction: the new action (SIGKILL/SIGSTOP removed from its mask); a signal
        now ignored is discarded from the pending set."""
        self.actions[signo] = replace(act, mask=act.mask & ~UNBLOCKABLE & ALL)
        if self.ignored(signo):
            self.pending = [i for i in self.pending if i.signo != signo]

    def ignored(self, signo):
        """sig_handler_ignored: SIG_IGN, or SIG_DFL with an ignore default action."""
        handler = self.actions[signo].handler
        return handler == SIG_IGN or (handler == SIG_DFL and default_action(signo) == IGNORE)

    # -- the mask -----------------------------------------------------------------------------
    def set_blocked(self, mask):
        self.blocked = mask & ~UNBLOCKABLE & ALL

    # -- generating ---------------------------------------------------------------------------
    def generate(self, info):
        """__send_signal: queue info's signal; False when it is dropped (ignored and not
        blocked, or a standard signal already pending)."""
        signo = info.signo
        if signo == SIGCONT:                       # prepare_signal: SIGCONT drops stops
            self.pending = [i for i in self.pending if i.signo not in STOP_SIGNALS]
        elif signo in STOP_SIGNALS:
            self.pending = [i for i in self.pending if i.signo != SIGCONT]
        if signo != SIGKILL and self.ignored(signo) and not (
                self.blocked | self.real_blocked) & sigmask(signo):
            return False
        if signo < SIGRTMIN and any(i.signo == signo for i in self.pending):
            return False                           # legacy_queue
        self.pending.append(info)
        return True

    def pending_mask(self):
        mask = 0
        for info in self.pending:
            mask |= sigmask(info.signo)
        return mask

    def next_signal(self, wanted=None):
        """The signal next_signal() would dequeue (lowest unblocked, synchronous ones
        first as 3.14 does), or 0. wanted: take from this set instead of the unblocked
        ones (rt_sigtimedwait dequeues blocked signals)."""
        deliverable = self.pending_mask() & (~self.blocked if wanted is None else wanted)
        if not deliverable:
            return 0
        sync = deliverable & (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL)
                              | sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS))
        bits = sync or deliverable
        return (bits & -bits).bit_length()

    def dequeue(self, wanted=None):
        """dequeue_signal: the SigInfo of the next deliverable signal (of wanted), or
        None."""
        signo = self.next_signal(wanted)
        if not signo:
            return None
        for i, info in enumerate(self.pending):
            if info.signo == signo:
                return self.pending.pop(i)
        return None

    def fatal(self, signo):
        """sig_fatal: delivering signo now would end the process (default action)."""
        return (self.actions[signo].handler == SIG_DFL
                and default_action(signo) in (TERM, CORE))
