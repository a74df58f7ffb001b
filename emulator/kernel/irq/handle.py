"""Taking an interrupt: hardirq context, the flow handlers, the drivers' handlers in guest code.

The CPU cannot be interrupted asynchronously (DESIGN.md section 6): the GIC's IRQ output sets
the native block counter's flag, so guest code stops at the next block boundary where CPSR.I
is clear, and an idle CPU (between console commands) takes it at once. ``take()`` then does
what the IRQ exception and Linux's __irq_svc/__irq_usr + gic_handle_irq do: the interrupted
registers are saved (Unicorn context), the preempt count of the interrupted task's
thread_info gains HARDIRQ_OFFSET (so in_irq()/in_interrupt() hold for the handler), each
acknowledged GIC ID runs its flow handler, and each action's handler runs in SVC mode with
IRQs masked, on the interrupted kernel stack below its SP (or at the top of the task's kernel
stack when user code or nothing was running). irq_exit drops the count and runs softirqs;
the interrupted registers are restored.

A primary handler returning IRQ_WAKE_THREAD wakes its action's thread (thread.py); with
IRQF_ONESHOT the level and fasteoi flows leave the line masked until the thread ran.
The vector stub: as 3.14's __irq_svc/__irq_usr, the interrupted registers are stored as
struct pt_regs (r0-r15, cpsr, orig_r0) where the handlers' stack begins (below the
interrupted kernel SP, or at the top of the task's kernel stack for user code), and the
handlers return to the stub's address (hypercall.IRQ_SVC_OFFSET/IRQ_USR_OFFSET), so a
backtrace from a handler continues through the interrupted context (debug/unwind.py).
Not modelled yet: the spurious-interrupt window is counted per descriptor only.
"""

import struct

from ...cpu import CPSR, MODE_MASK, PC, REG, SP, STOP_DEADLINE, USR_MODE
from ...errors import GuestTimeout
from .desc import IRQ_HANDLED, IRQ_NONE, IRQ_WAKE_THREAD, SPURIOUS_LIMIT, \
    SPURIOUS_WINDOW
from ..sched.task import THREAD_SIZE
from ..hypercall import EXIT_OFFSET, IRQ_SVC_OFFSET, IRQ_USR_OFFSET

HARDIRQ_OFFSET = 1 << 16
SOFTIRQ_OFFSET = 1 << 8
PREEMPT_OFFSET_IN_TI = 4
SVC_IRQS_OFF = 0x13 | 0x80
PT_REGS_SIZE = 72
SPURIOUS = 1023


class IrqHandler:
    """Delivery and flow handling."""

    def __init__(self, cpu, vm, descs, exit_addr, kstack_top, timeout_us, tracer, printk,
                 symbolize, chips, softirq=None, idle_sp=None, threads=None):
        """chips() -> the chips.IrqChips built around this handler (they call each other);
        softirq(): run on irq exit when softirqs are pending (tasklets); idle_sp() -> the SP
        for work on the idle CPU (below a console call in progress)."""
        self.cpu, self.vm, self.descs = cpu, vm, descs
        self._exit, self.kstack_top = exit_addr, kstack_top
        self._ret = exit_addr        # where handlers return: a vector stub while take() runs
        page = exit_addr - EXIT_OFFSET
        self._irq_svc, self._irq_usr = page + IRQ_SVC_OFFSET, page + IRQ_USR_OFFSET
        self.timeout_us = timeout_us
        self.tracer, self.printk, self.symbolize = tracer, printk, symbolize
        self._chips = chips
        self._threads = threads      # () -> thread.IrqThreads (built with the scheduler)
        self.idle_sp = idle_sp or (lambda: kstack_top - 8)
        self._in_take = False
        self.softirq = softirq
        self.in_progress = False
        self._sp = 0                 # the stack handlers run on during take()
        self.deadline_hit = False    # a virtual-time deadline passed inside a handler

    def line_changed(self, asserted):
        """The GIC's IRQ output to the CPU (wired by the machine)."""
        self.cpu.set_irq_pending(asserted)

    @property
    def pending(self):
        return self.cpu.irq_pending

    # -- entry ---------------------------------------------------------------------------------
    def take(self, interrupted=True):
        """Serve every pending interrupt now. interrupted: guest code was stopped at a block
        boundary (its registers are saved and restored); False: the CPU was idle."""
        if self.in_progress:
            return
        cpu = self.cpu
        context = cpu.save_context() if interrupted else None
        cpsr, sp = self.cpu.reg(CPSR), self.cpu.reg(SP)
        if interrupted and cpsr & MODE_MASK != USR_MODE:
            self._sp = ((sp - PT_REGS_SIZE) & ~7)
            self._ret = self._irq_svc
        elif interrupted:
            self._sp = self.kstack_top - 8 - PT_REGS_SIZE
            self._ret = self._irq_usr
        else:
            self._sp = self.idle_sp()
        if interrupted:
            self._save_pt_regs(cpsr)
        ti = (self._sp & ~(THREAD_SIZE - 1)) + PREEMPT_OFFSET_IN_TI
        self.in_progress = True
        try:
            self.vm.write_u32(ti, self.vm.read_u32(ti) + HARDIRQ_OFFSET)
            while True:
                hwirq = self._chips().gic.acknowledge()
                if hwirq == SPURIOUS:
                    break
                virq = self._chips().desc("gic", hwirq).virq
                self.generic_handle_irq(virq)
            self.vm.write_u32(ti, self.vm.read_u32(ti) - HARDIRQ_OFFSET)
            if self.softirq is not None and not self.vm.read_u32(ti) & 0xFFFF00:
                self._in_take = True
                self.softirq()                # irq_exit: pending softirqs (tasklets)
        finally:
            self._in_take = False
            self.in_progress = False
            self._ret = self._exit
            if context is not None:
                cpu.restore_context(context)

    def run_softirq(self, calls, kind="timer"):
        """Run fn(arg) for each (fn, arg) in softirq context: on irq exit on the interrupted
        stack, else on the idle stack (the CPU is between tasks); in_softirq() holds, IRQs
        stay masked while they run."""
        if not self._in_take:
            self._sp = self.idle_sp()
        ti = (self._sp & ~(THREAD_SIZE - 1)) + PREEMPT_OFFSET_IN_TI
        self.vm.write_u32(ti, self.vm.read_u32(ti) + SOFTIRQ_OFFSET)
        try:
            for fn, arg in calls:
                if "irq" in self.tracer.active:
                    self.tracer.publish("irq", irq=None, name=f"{kind} {self.symbolize(fn)}",
                                        phase="entry", ret=None)
                self.call(fn, arg)
        finally:
            self.vm.write_u32(ti, self.vm.read_u32(ti) - SOFTIRQ_OFFSET)

    def run_hardirq(self, calls, kind="hrtimer"):
        """Run fn(arg) for each (fn, arg) in hardirq context (hrtimer_interrupt's callbacks)
        on the idle stack, IRQs masked; returns their r0 values."""
        if not self._in_take:
            self._sp = self.idle_sp()
        ti = (self._sp & ~(THREAD_SIZE - 1)) + PREEMPT_OFFSET_IN_TI
        self.vm.write_u32(ti, self.vm.read_u32(ti) + HARDIRQ_OFFSET)
        results = []
        try:
            for fn, arg in calls:
                if "irq" in self.tracer.active:
                    self.tracer.publish("irq", irq=None, name=f"{kind} {self.symbolize(fn)}",
                                        phase="entry", ret=None)
                results.append(self.call(fn, arg))
        finally:
            self.vm.write_u32(ti, self.vm.read_u32(ti) - HARDIRQ_OFFSET)
        return results

    # -- flows ---------------------------------------------------------------------------------
    def generic_handle_irq(self, virq):
        desc = self.descs.get(virq)
        if desc is None:
            return
        flow = desc.flow
        if callable(flow):
            flow(desc)
        else:
            FLOWS[flow](self, desc)

    def _fasteoi(self, desc):
        desc.count += 1
        if desc.enabled and desc.actions:
            if desc.oneshot:
                desc.chip.mask(desc.hwirq)
            self._handle_event(desc)
            if desc.oneshot:
                self._cond_unmask(desc)
        else:
            desc.chip.mask(desc.hwirq)
        desc.chip.eoi(desc.hwirq)

    def _level(self, desc):
        chip = desc.chip
        chip.mask(desc.hwirq)
        chip.ack(desc.hwirq)
        desc.count += 1
        if not (desc.enabled and desc.actions):
            return
        self._handle_event(desc)
        self._cond_unmask(desc)

    @staticmethod
    def _cond_unmask(desc):
        """cond_unmask_irq: unmask unless disabled or a oneshot thread is still due."""
        if not desc.enabled:
            return
        if desc.threads_oneshot:
            desc.oneshot_masked = True
            return
        desc.chip.unmask(desc.hwirq)

    def _edge(self, desc):
        desc.count += 1
        desc.chip.ack(desc.hwirq)
        if not (desc.enabled and desc.actions):
            desc.chip.mask(desc.hwirq)
            return
        self._handle_event(desc)

    def bad_irq(self, desc):
        self.printk(4, f"irq {desc.virq}, desc: {desc.virq}, depth: {desc.depth}, "
                       f"count: {desc.count}, unhandled: {desc.unhandled}")

    # -- actions -------------------------------------------------------------------------------
    def _handle_event(self, desc):
        result = IRQ_NONE
        for action in list(desc.actions):
            publish = "irq" in self.tracer.active
            if publish:
                self.tracer.publish("irq", irq=desc.virq, name=action.name, phase="entry",
                                    ret=None)
            ret = action.py(desc.virq) if action.py is not None else \
                self.call(action.handler, desc.virq, action.dev_id)
            if publish:
                self.tracer.publish("irq", irq=desc.virq, name=action.name, phase="exit", ret=ret)
            if ret == IRQ_WAKE_THREAD:
                if action.thread is None:
                    self.printk(4, f"IRQ {desc.virq} device {action.name} returned "
                                   f"IRQ_WAKE_THREAD but no thread function available.")
                else:
                    self._threads().wake(desc, action)
                ret = IRQ_HANDLED
            result |= ret
        self._note_interrupt(desc, result)

    def _note_interrupt(self, desc, result):
        """kernel/irq/spurious.c: a line nobody handles 99900 times in 100000 is disabled."""
        if result not in (IRQ_NONE, IRQ_HANDLED, IRQ_HANDLED | IRQ_NONE):
            self.printk(3, f"irq event {desc.virq}: bogus return value {result:x}")
        if result == IRQ_NONE:
            desc.unhandled += 1
        desc.window += 1
        if desc.window < SPURIOUS_WINDOW:
            return
        if desc.unhandled > SPURIOUS_LIMIT:
            self._nobody_cared(desc)
        desc.window = desc.unhandled = 0

    def _nobody_cared(self, desc):
        self.printk(0, f"irq {desc.virq}: nobody cared (try booting with the \"irqpoll\" option)")
        self.printk(4, "handlers:")
        for action in desc.actions:
            where = self.symbolize(action.handler) if action.handler else action.name
            self.printk(4, f"[<{action.handler:08x}>] {where}")
        self.printk(0, "Disabling IRQ #%d" % desc.virq)
        desc.depth += 1
        desc.spurious_disabled = True
        desc.chip.mask(desc.hwirq)

    def _save_pt_regs(self, cpsr):
        """__irq_svc/__irq_usr's svc_entry/usr_entry: the interrupted r0-r15 and cpsr as
        struct pt_regs at the handlers' stack (orig_r0 -1: not a syscall)."""
        cpu = self.cpu
        words = [cpu.reg(REG[f"r{i}"]) for i in range(13)]
        words += [cpu.reg(SP), cpu.reg(REG["lr"]), cpu.reg(PC), cpsr, 0xFFFFFFFF]
        self.vm.write(self._sp, struct.pack("<18I", *words))

    def call(self, fn, *args):
        """Run guest function fn(args) in hardirq context; returns its r0 (irqreturn_t)."""
        cpu, ret = self.cpu, self._ret
        regs = (tuple(args) + (0, 0, 0, 0))[:4]
        self._write_call(SVC_IRQS_OFF, self._sp, ret, regs)
        cpu.start(fn, ret, self.timeout_us)
        while cpu.reg(PC) != ret:
            if cpu.take_stop_reason() != STOP_DEADLINE:
                break
            self.deadline_hit = True            # handled by the caller after the interrupt
            cpu.start(cpu.reg(PC), ret, self.timeout_us)
        if cpu.reg(PC) != ret:
            raise HandlerStopped(fn)
        return cpu.reg(REG["r0"])

    def _write_call(self, cpsr, sp, lr, regs):
        cpu = self.cpu
        cpu.set_reg(CPSR, cpsr)
        cpu.set_reg(SP, sp)
        cpu.set_reg(REG["lr"], lr)
        for i, v in enumerate(regs):
            cpu.set_reg(REG[f"r{i}"], v)


class HandlerStopped(GuestTimeout):
    """A handler did not return: it faulted (the machine reports the oops) or ran past the
    wall-clock timeout."""

    def __init__(self, fn):
        super().__init__(f"timeout: interrupt handler at {fn:#010x} did not return")


FLOWS = {"fasteoi": IrqHandler._fasteoi, "level": IrqHandler._level, "edge": IrqHandler._edge}
__all__ = ["IrqHandler", "HandlerStopped"]
