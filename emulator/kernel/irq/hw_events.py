"""The board's timed devices as the idle CPU meets them (issue 13).

A conversion's end, a PWM or watchdog expiry, an RTC alarm happen at a virtual time the
device models compute (hw/peripherals.py). When every task sleeps, the scheduler's idle loop
sleeps until the earliest of its timers, its sleepers' wake-ups and :meth:`next_event_ns`;
:meth:`fire` then brings the devices up to the current time and, when that raised an
interrupt the GIC forwards to the CPU, serves it at once (a driver's request_irq handler
runs, and may wake the task waiting for it), as the real CPU leaves WFI.
"""

import time

from ...errors import GuestTimeout


class HwEvents:
    def __init__(self, periph, interrupts):
        """periph: hw.peripherals.Peripherals (or None); interrupts: irq.setup.Interrupts."""
        self._periph, self._irq = periph, interrupts

    def next_event_ns(self):
        """The next virtual time a device has something to do; None once the board reset."""
        periph = self._periph
        if periph is None or periph.reset_message is not None:
            return None
        return periph.next_event_ns()

    def fire(self, deadline_wall=None, to_idle=lambda: None):
        """Devices up to now; True when an interrupt was taken (the loop looks again).
        to_idle() puts the CPU in the idle (console) context the handler runs on."""
        if self._periph is not None and self._periph.reset_message is None:
            self._periph.advance()
        if not self._irq.handler.pending:
            return False
        if deadline_wall is not None and time.perf_counter() >= deadline_wall:
            raise GuestTimeout("timeout: the time limit ran out while the idle CPU served "
                               "device interrupts (a busy device, or a handler that does not "
                               "clear its device's interrupt)")
        to_idle()
        self._irq.take_idle()
        return True
