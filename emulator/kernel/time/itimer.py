"""ITIMER_REAL of each process: alarm() and setitimer() in virtual time (Linux kernel/itimer.c).

3.14 arms an hrtimer whose function (it_real_fn) sends SIGALRM to the process and, for an
interval timer, re-arms it. Here each process's timer is an expiry in virtual nanoseconds;
the scheduler's loop fires the ones due (and ends a running slice at the next expiry), so
a timer fires at its exact virtual time while processes run, sleep or the CPU is idle.
"""


class RealTimers:
    def __init__(self):
        self._timers = {}           # pid -> [expires_ns, interval_ns, fire]

    def arm(self, pid, expires_ns, interval_ns, fire):
        """Arm (or, expires_ns None, disarm) pid's timer; fire() runs at expiry."""
        if expires_ns is None:
            self._timers.pop(pid, None)
        else:
            self._timers[pid] = [expires_ns, interval_ns, fire]

    def get(self, pid):
        """(expiry ns or None, interval ns) of pid's timer."""
        timer = self._timers.get(pid)
        return (None, 0) if timer is None else (timer[0], timer[1])

    def cancel(self, pid):
        """exit_itimers: a process that ends loses its timer."""
        self._timers.pop(pid, None)

    def next_expiry_ns(self):
        return min((t[0] for t in self._timers.values()), default=None)

    def run_expired(self, now_ns):
        """Fire every timer due by now_ns (in expiry order, then pid); interval timers are
        forwarded past now (hrtimer_forward: missed periods are overruns, one signal)."""
        due = sorted((t[0], pid) for pid, t in self._timers.items() if t[0] <= now_ns)
        for _, pid in due:
            timer = self._timers.get(pid)
            if timer is None:
                continue
            expires, interval, fire = timer
            if interval:
                while timer[0] <= now_ns:
                    timer[0] += interval
            else:
                del self._timers[pid]
            fire()
