"""The interrupt subsystem as the machine builds it: controllers' chips, descriptors, the
exported API and delivery, from what it needs (CPU, memory, hardware, printk, ledger).

The machine calls :meth:`Interrupts.on_block_stop` when guest code stopped at a block
boundary (entry.py) and :meth:`Interrupts.take_idle` after the board changed a line while
no guest code ran (a key pressed between console commands).
"""

from ...cpu import STOP_IRQ
from .chips import IrqChips
from .desc import IrqDescs
from .domain import IrqDomains
from .handle import HandlerStopped, IrqHandler
from .manage import IrqApi


class Interrupts:
    def __init__(self, hw, cpu, vm, exit_addr, kstack_top, timeout_us, tracer, printk,
                 symbolize, ledger, caller, check_fault, softirq=None, idle_sp=None,
                 domains=None, threads=None, devres=None):
        """check_fault() raises the oops of a handler that faulted; softirq() runs pending
        softirqs on irq exit; idle_sp() -> the SP of work on the idle CPU (handle.py);
        domains: the board's IrqDomains, shared with the device tree's irq parsing;
        threads() -> the irq threads (thread.IrqThreads, built with the scheduler);
        devres() -> the driver model's Devres (devm_request_irq)."""
        self.domains = domains if domains is not None else IrqDomains()
        self.descs = IrqDescs()
        self.handler = IrqHandler(cpu, vm, self.descs, exit_addr, kstack_top, timeout_us,
                                  tracer, printk, symbolize, lambda: self.chips,
                                  softirq=softirq, idle_sp=idle_sp, threads=threads)
        self.chips = IrqChips(hw, self.domains, self.descs, self.handler)
        banks = [(bank.name, len(bank.pins)) for bank in hw.gpio.banks.values()]
        self.api = IrqApi(self.chips, self.descs, self.domains, banks, vm, ledger, printk,
                          caller, self.handler, threads=threads, devres=devres)
        hw.gic.connect(self.handler.line_changed)
        self.handler.line_changed(hw.gic.asserted)
        self.check_fault = check_fault

    @property
    def providers(self):
        return [self.api]

    def proc_interrupts(self):
        return self.descs.proc_interrupts()

    def on_block_stop(self, reason):
        """Guest code stopped at a block boundary; True when it should simply resume."""
        if reason == STOP_IRQ:
            self._take(True)
            return True
        return False

    def take_interrupted(self):
        """Serve interrupts for a task stopped at a block boundary (the scheduler)."""
        self._take(True)

    def use_kernel_stack(self, top):
        """The kernel stack an interrupt of user code (or of the idle CPU) runs on."""
        self.handler.kstack_top = top

    def run_softirq(self, calls, kind="timer"):
        try:
            self.handler.run_softirq(calls, kind)
        except HandlerStopped:
            self.check_fault()
            raise

    def run_hardirq(self, calls, kind="hrtimer"):
        try:
            return self.handler.run_hardirq(calls, kind)
        except HandlerStopped:
            self.check_fault()
            raise

    def take_idle(self):
        """Serve interrupts raised while the CPU was idle (no guest code running)."""
        if self.handler.pending:
            self._take(False)

    def _take(self, interrupted):
        try:
            self.handler.take(interrupted)
        except HandlerStopped:
            self.check_fault()
            raise
