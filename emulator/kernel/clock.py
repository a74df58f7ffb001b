"""Virtual time: what printk timestamps, sleeps and timers see.

It advances with the instructions the CPU executed (at the Cortex-A9's 1.4 GHz, one
instruction a cycle) and with explicit waits (msleep, udelay, nanosleep, the console's
`sleep`), which skip instantly. Two runs of the same script therefore see the same times.
"""

import time

CPU_HZ = 1_400_000_000


class Clock:
    def __init__(self, instructions=lambda: 0):
        self._instructions = instructions
        #: Virtual time that passed without instructions (waits, work done in Python); read
        #: by the trace recorder to tell two stamps at one instruction count apart.
        self.slept_ns = 0
        #: Pace explicit waits to the wall clock (--realtime), so blinking LEDs can be watched.
        self.realtime = False
        #: How a paced wait waits (seconds): `emu4412 shell` returns early on a key press.
        self.pace = time.sleep

    def now_ns(self):
        return self.at(self._instructions())

    def at(self, instructions):
        """The virtual time once `instructions` have executed (for callers that have the count)."""
        return instructions * 1_000_000_000 // CPU_HZ + self.slept_ns

    def busy_ns(self, ns):
        """Time the CPU spent on work a kernel service did in Python (work.py): it passes
        like instructions do, never paced to the wall clock."""
        self.slept_ns += max(0, int(ns))

    def sleep_ns(self, ns):
        ns = max(0, int(ns))
        self.slept_ns += ns
        if self.realtime:
            self.pace(ns / 1e9)
