"""A process's signal state (kernel/signal.py): actions, mask, pending set, fork and exec."""

from emulator.kernel.signal import (SA_RESTART, SIG_IGN, SIGALRM, SIGCHLD, SIGCONT, SIGINT,
                                    SIGKILL, SIGRTMIN, SIGSEGV, SIGSTOP, SIGTSTP, SIGUSR1,
                                    SigAction, SigInfo, SignalState, default_action, sigmask)


def test_default_actions_follow_3_14s_table():
    assert [default_action(s) for s in (1, 2, 3, 9, 11, 17, 18, 19, 23, 28, 29, 34)] == [
        "term", "term", "core", "term", "core", "ignore", "ignore", "stop", "ignore",
        "ignore", "term", "term"]


def test_ignored_signals_are_dropped_unless_blocked():
    sig = SignalState()
    assert not sig.generate(SigInfo(SIGCHLD))              # SIG_DFL, ignored by default
    sig.set_action(SIGUSR1, SigAction(handler=SIG_IGN))
    assert not sig.generate(SigInfo(SIGUSR1))
    sig.set_blocked(sigmask(SIGUSR1))
    assert sig.generate(SigInfo(SIGUSR1))                  # blocked: kept (handler may change)
    assert sig.next_signal() == 0                          # but not deliverable
    sig.set_action(SIGUSR1, SigAction(handler=SIG_IGN))    # ignoring it flushes it
    assert sig.pending == []


def test_standard_signals_pend_once_realtime_ones_queue():
    sig = SignalState()
    assert sig.generate(SigInfo(SIGINT)) and not sig.generate(SigInfo(SIGINT))
    assert sig.generate(SigInfo(SIGRTMIN + 1)) and sig.generate(SigInfo(SIGRTMIN + 1))
    assert [i.signo for i in sig.pending] == [SIGINT, SIGRTMIN + 1, SIGRTMIN + 1]


def test_lowest_signal_first_synchronous_ones_before():
    sig = SignalState()
    for signo in (SIGALRM, SIGINT, SIGSEGV):
        sig.generate(SigInfo(signo))
    assert [sig.dequeue().signo for _ in range(3)] == [SIGSEGV, SIGINT, SIGALRM]
    assert sig.dequeue() is None


def test_sigkill_and_sigstop_cannot_be_blocked():
    sig = SignalState()
    sig.set_blocked((1 << 64) - 1)
    assert not sig.blocked & (sigmask(SIGKILL) | sigmask(SIGSTOP))
    sig.set_action(SIGINT, SigAction(handler=0x1234, mask=(1 << 64) - 1))
    assert not sig.action(SIGINT).mask & sigmask(SIGKILL)


def test_sigcont_and_stop_signals_cancel_each_other():
    sig = SignalState()
    sig.set_action(SIGCONT, SigAction(handler=0x1000))
    sig.generate(SigInfo(SIGTSTP))
    sig.generate(SigInfo(SIGCONT))
    assert [i.signo for i in sig.pending] == [SIGCONT]
    sig.generate(SigInfo(SIGTSTP))
    assert [i.signo for i in sig.pending] == [SIGTSTP]


def test_fork_copies_actions_and_mask_not_pending():
    sig = SignalState()
    sig.set_action(SIGINT, SigAction(handler=0x1000, flags=SA_RESTART))
    sig.set_blocked(sigmask(SIGUSR1))
    sig.generate(SigInfo(SIGUSR1))
    child = sig.fork()
    assert child.action(SIGINT) == sig.action(SIGINT)
    assert child.blocked == sig.blocked and child.pending == []
    child.set_action(SIGINT, SigAction())
    assert sig.action(SIGINT).handler == 0x1000              # a copy, not shared


def test_exec_resets_caught_signals_keeps_ignored_and_mask():
    sig = SignalState()
    sig.set_action(SIGINT, SigAction(handler=0x1000))
    sig.set_action(SIGUSR1, SigAction(handler=SIG_IGN))
    sig.set_blocked(sigmask(SIGALRM))
    sig.exec_reset()
    assert sig.action(SIGINT) == SigAction()
    assert sig.action(SIGUSR1).handler == SIG_IGN
    assert sig.blocked == sigmask(SIGALRM)
