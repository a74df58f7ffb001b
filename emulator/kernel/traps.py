"""Faults of guest code and the kernel's answer to them (Linux arch/arm/kernel/traps.c, die()).

The exception entry reports a fault with the CPU already stopped (``on_fault``); whoever ran
the guest then asks :meth:`Traps.check`: a kernel fault prints the oops and raises
GuestFault (the run stops with status 3), a user fault is handed back for its signal.
:meth:`Traps.guarded` runs a host-started piece of guest code (insmod, rmmod, a sysfs store,
an exit path) with both checks and with jiffies brought up to date first.
"""

from ..cpu import UcError
from ..errors import GuestFault
from .entry import Fault
from .oops import oops_report


class Traps:
    def __init__(self, cpu, vm, tracer, symbolize, printk, loaded_modules, before_run):
        """loaded_modules() -> the module names an oops lists; before_run(): bring the
        kernel's view of time up to date (timers.sync) before guest code runs."""
        self._cpu, self._vm, self._tracer = cpu, vm, tracer
        self._symbolize, self._printk = symbolize, printk
        self._loaded, self._before_run = loaded_modules, before_run
        self._fault = None

    def on_fault(self, fault: Fault):
        """The exception entry's report (the CPU is stopped): remembered until checked."""
        self._fault = fault
        self._tracer.publish("fault", fault=fault.kind, pc=fault.pc,
                             message=f"{fault.kind} at {self._symbolize(fault.pc)}"
                                     f"{' (user)' if fault.user else ''}")

    def check(self, process=None):
        """Raise GuestFault for a kernel fault (after printing the oops); return the user
        fault (or None). process: the task's process the oops names (None: insmod, pid 1)."""
        fault, self._fault = self._fault, None
        if fault is None or fault.user:
            return fault
        comm = process.comm if process else "insmod"
        pid = process.pid if process else 1
        lines = oops_report(fault, self._vm, self._symbolize, list(self._loaded()), comm, pid)
        for line in lines:
            self._printk(1, line)
        raise GuestFault(f"kernel oops: {lines[0]} "
                         f"(PC at {fault.where or self._symbolize(fault.pc)})", "\n".join(lines))

    def uc_fault(self, err):
        """Turn a Unicorn error (undefined instruction, unmapped physical access) into a fault."""
        regs = self._cpu.regs()
        kind = "undefined instruction" if self._cpu.is_undefined_instruction(err) else "data abort"
        self.on_fault(Fault(kind, regs["pc"], regs["cpsr"] & 0x1F == 0x10, regs))

    def guarded(self, run, process=None):
        """(run()'s result, the user fault or None); a kernel fault raises GuestFault."""
        self._before_run()
        try:
            result = run()
        except UcError as err:
            self.uc_fault(err)
            result = None
        return result, self.check(process)
