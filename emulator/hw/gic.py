"""The ARM PL390-class Generic Interrupt Controller of the Exynos4412 (GIC v1, one CPU used).

Sources: ARM Generic Interrupt Controller Architecture Specification v1.0 (register names
ICD*/ICC* as Samsung's manual uses them: Exynos 4412 UM ch. 9 "Interrupt Controller"), Linux
``drivers/irqchip/irq-gic.c`` (what the kernel reads and writes). Distributor at 0x10490000,
CPU interface at 0x10480000 (exynos4.dtsi). 160 interrupt IDs: SGIs 0-15, PPIs 16-31,
SPIs 32-159 (SPI n is ID 32 + n).

Modelled: distributor and CPU-interface enables, per-ID enable/pending/active state as bit
sets, priorities (a byte per ID), targets (stored), level/edge configuration (ICDICFR bit 1 of
each 2-bit field: 1 = edge), the priority mask, acknowledge (ICCIAR: highest-priority pending
ID becomes active, 1023 when none) and end of interrupt (ICCEOIR). A level-sensitive input
stays pending while asserted; an edge-triggered one latches a rising edge. The IRQ output to
the CPU (``on_irq(asserted)``) is re-evaluated after every change. Security extensions,
preemption by priority groups (binary point) and SGIs between CPUs are not modelled.
"""

from .registers import Reg, RegisterBlock

N_IRQS = 160
SPURIOUS = 1023
DIST_BASE, CPU_BASE = 0x10490000, 0x10480000
_WORDS = N_IRQS // 32
ALL = (1 << N_IRQS) - 1
#: SGIs and PPIs (IDs 0-31): always enabled, edge-triggered by the architecture for SGIs.
BANKED_ENABLED = 0x0000FFFF


def _bit_words(prefix, base, doc, **kw):
    return [Reg(f"{prefix}{i}", base + 4 * i, doc=doc, **kw) for i in range(_WORDS)]


class Gic:
    """Distributor + CPU interface; ``line(id)`` gives the input sink for an IrqLine."""

    def __init__(self, tracer, pc_provider=None, on_irq=None):
        self.on_irq = on_irq or (lambda asserted: None)
        self.tracer = tracer
        self.enabled = BANKED_ENABLED
        self.pending = 0          # latched edges and software-set pending bits
        self.active = 0
        self.level = 0            # input lines currently asserted
        self.edge = 0xFFFF        # 1: edge-triggered (ICDICFR); SGIs are edge
        self.priority = bytearray(N_IRQS)
        self.asserted = False     # the nIRQ output to the CPU
        self.dist = RegisterBlock("gic_dist", DIST_BASE, 0x1000, tracer, pc_provider)
        self.cpu = RegisterBlock("gic_cpu", CPU_BASE, 0x1000, tracer, pc_provider)
        self._build_distributor()
        self._build_cpu_interface()

    @property
    def regions(self):
        return [self.cpu, self.dist]

    # -- registers ----------------------------------------------------------------------------
    def _build_distributor(self):
        d = self.dist
        d.add(Reg("ICDDCR", 0x000, mask=1, doc="distributor control"), write=self._changed)
        d.add(Reg("ICDICTR", 0x004, reset=_WORDS - 1, mask=0x1F, doc="controller type"),
              write=self._read_only(0x004, _WORDS - 1))
        d.add(Reg("ICDIIDR", 0x008, reset=0x0200043B, doc="implementer identification"),
              write=self._read_only(0x008, 0x0200043B))
        for reg in _bit_words("ICDISR", 0x080, "interrupt security (secure only)", unimp=True):
            d.add(reg)
        self._set_clear("ICDISER", 0x100, "ICDICER", 0x180, "enabled", "enable")
        self._set_clear("ICDISPR", 0x200, "ICDICPR", 0x280, "pending", "pending")
        for i, reg in enumerate(_bit_words("ICDABR", 0x300, "active bit")):
            d.add(reg, read=self._word_reader("active", i), write=self._read_only(reg.offset, 0))
        for i in range(N_IRQS // 4):
            d.add(Reg(f"ICDIPR{i}", 0x400 + 4 * i, doc="interrupt priority"),
                  read=self._priority_reader(i), write=self._priority_writer(i))
        for i in range(N_IRQS // 4):
            reset = 0x01010101 if i < 8 else 0
            d.add(Reg(f"ICDIPTR{i}", 0x800 + 4 * i, reset=reset, doc="processor targets"))
        for i in range(N_IRQS // 16):
            d.add(Reg(f"ICDICFR{i}", 0xC00 + 4 * i, reset=0xAAAAAAAA if i == 0 else 0,
                      doc="interrupt configuration"), write=self._config_writer(i))
        d.add(Reg("ICDSGIR", 0xF00, doc="software generated interrupt"), write=self._sgi)

    def _build_cpu_interface(self):
        c = self.cpu
        c.add(Reg("ICCICR", 0x00, mask=1, doc="CPU interface control"), write=self._changed)
        c.add(Reg("ICCPMR", 0x04, mask=0xFF, doc="priority mask"), write=self._changed)
        c.add(Reg("ICCBPR", 0x08, mask=0x7, reset=2, doc="binary point"))
        c.add(Reg("ICCIAR", 0x0C, doc="interrupt acknowledge"),
              read=lambda stored: self.acknowledge(), write=self._read_only(0x0C, 0, c))
        c.add(Reg("ICCEOIR", 0x10, doc="end of interrupt"),
              write=lambda old, new, lanes: self.end_of_interrupt(new & 0x3FF))
        c.add(Reg("ICCRPR", 0x14, doc="running priority"), read=lambda s: self.running_priority(),
              write=self._read_only(0x14, 0, c))
        c.add(Reg("ICCHPIR", 0x18, doc="highest pending interrupt"),
              read=lambda s: self.highest_pending(), write=self._read_only(0x18, 0, c))
        c.add(Reg("ICCABPR", 0x1C, mask=0x7, doc="aliased binary point", unimp=True))
        c.add(Reg("ICCIIDR", 0xFC, reset=0x3901243B, doc="CPU interface identification"),
              write=self._read_only(0xFC, 0x3901243B, c))

    def _set_clear(self, set_name, set_base, clear_name, clear_base, attr, what):
        for i in range(_WORDS):
            read = self._word_reader(attr, i)
            self.dist.add(Reg(f"{set_name}{i}", set_base + 4 * i, doc=f"{what} set"),
                          read=read, write=self._word_writer(attr, i, True))
            self.dist.add(Reg(f"{clear_name}{i}", clear_base + 4 * i, doc=f"{what} clear"),
                          read=read, write=self._word_writer(attr, i, False))

    def _word_reader(self, attr, i):
        return lambda stored: (getattr(self, attr) >> 32 * i) & 0xFFFFFFFF

    def _word_writer(self, attr, i, setting):
        def write(old, new, lanes):
            bits = (new & lanes) << 32 * i
            value = getattr(self, attr)
            value = value | bits if setting else value & ~bits
            if attr == "enabled":
                value |= BANKED_ENABLED
            setattr(self, attr, value & ALL)
            self._update()
        return write

    def _priority_reader(self, i):
        return lambda stored: int.from_bytes(self.priority[4 * i:4 * i + 4], "little")

    def _priority_writer(self, i):
        def write(old, new, lanes):
            self.priority[4 * i:4 * i + 4] = new.to_bytes(4, "little")
            self._update()
        return write

    def _config_writer(self, i):
        def write(old, new, lanes):
            for k in range(16):
                irq = 16 * i + k
                if irq < 16:
                    continue                        # SGIs: always edge
                bit = 1 << irq
                self.edge = self.edge | bit if (new >> (2 * k + 1)) & 1 else self.edge & ~bit
            self._update()
        return write

    def _read_only(self, offset, value, block=None):
        block = block or self.dist

        def write(old, new, lanes):
            block.values[offset] = value
            self.tracer.publish("guest_error", source=block.reg_name(offset),
                                message=f"write {new:#x} to read-only {block.reg_name(offset)}: ignored")
        return write

    def _sgi(self, old, new, lanes):
        self.pending |= 1 << (new & 0xF)
        self._update()

    def _changed(self, old, new, lanes):
        self._update()

    # -- inputs ---------------------------------------------------------------------------------
    def line(self, irq):
        """The input sink for interrupt ID ``irq`` (connect an IrqLine to it)."""
        if not 32 <= irq < N_IRQS:
            raise ValueError(f"GIC: no shared peripheral interrupt with ID {irq}")
        bit = 1 << irq

        def sink(level):
            if level:
                if not self.level & bit and self.edge & bit:
                    self.pending |= bit                 # latch the rising edge
                self.level |= bit
            else:
                self.level &= ~bit
            self._update()
        return sink

    def spi(self, n):
        return self.line(32 + n)

    # -- the CPU's view ---------------------------------------------------------------------------
    def _pending_set(self):
        """Pending IDs: latched bits, plus asserted level-sensitive inputs."""
        return self.pending | (self.level & ~self.edge)

    def _candidates(self):
        if not (self.dist.values[0] & 1 and self.cpu.values[0] & 1):
            return 0
        return self._pending_set() & self.enabled & ~self.active

    def highest_pending(self):
        """The ID the CPU interface would signal (ICCHPIR), SPURIOUS if none."""
        cands = self._candidates()
        limit = min(self.cpu.values[0x04], self.running_priority() if self.active else 0x100)
        best, best_prio = SPURIOUS, 0x100
        while cands:
            low = cands & -cands
            irq = low.bit_length() - 1
            cands ^= low
            prio = self.priority[irq]
            if prio < best_prio and prio < limit:
                best, best_prio = irq, prio
        return best

    def running_priority(self):
        """ICCRPR: the highest priority (lowest value) among active IDs, 0xFF when idle."""
        active, prio = self.active, 0xFF
        while active:
            low = active & -active
            prio = min(prio, self.priority[low.bit_length() - 1])
            active ^= low
        return prio

    def acknowledge(self):
        """ICCIAR read: the highest pending ID becomes active (its edge latch clears)."""
        irq = self.highest_pending()
        if irq != SPURIOUS:
            bit = 1 << irq
            self.active |= bit
            self.pending &= ~bit
            self._update()
        return irq

    def end_of_interrupt(self, irq):
        """ICCEOIR write: ``irq`` is no longer active."""
        if irq < N_IRQS and self.active & (1 << irq):
            self.active &= ~(1 << irq)
            self._update()
        elif irq < N_IRQS:
            self.tracer.publish("guest_error", source="ICCEOIR",
                                message=f"end of interrupt {irq} which is not active: ignored")

    def _update(self):
        asserted = self.highest_pending() != SPURIOUS
        if asserted != self.asserted:
            self.asserted = asserted
            self.on_irq(asserted)

    def connect(self, on_irq):
        """Wire the nIRQ output to the CPU: on_irq(asserted) on every change (the kernel's
        interrupt handling, built after the hardware, reads ``asserted`` for the start)."""
        self.on_irq = on_irq

    # -- inspection -----------------------------------------------------------------------------
    def is_pending(self, irq):
        return bool(self._pending_set() >> irq & 1)

    def is_enabled(self, irq):
        return bool(self.enabled >> irq & 1)
