"""msleep and udelay: waits that advance virtual time instantly (no wall-clock cost)."""

from .hypercall import export


class Delay:
    def __init__(self, clock):
        self._clock = clock

    @export()
    def msleep(self, msecs):
        self._clock.sleep_ns(msecs * 1_000_000)

    def udelay(self, usecs):
        """(udelay() reaches arm_delay_ops on the board: kernel/armlib.py.)"""
        self._clock.sleep_ns(usecs * 1_000)
