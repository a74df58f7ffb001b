"""The Exynos4412 interrupt combiner: 20 groups of 8 inputs, each group one GIC SPI.

Sources: Exynos 4412 UM ch. 10 "Interrupt Combiner"; Linux ``drivers/irqchip/exynos-combiner.c``
(four groups share a register set at ``(group >> 2) * 0x10``, each group a byte lane
``(group % 4) * 8``); exynos4.dtsi/exynos4412.dtsi (0x10440000; groups 0-15 on SPI 0-15,
16-19 on SPI 107, 108, 48, 42).

Registers per set of four groups: IESR (enable set), IECR (enable clear; both read the enable
bits), ISTR (raw status: inputs asserted), IMSR (masked status: asserted and enabled). A
group's output is asserted while any enabled input is.
"""

from .registers import Reg, RegisterBlock

BASE = 0x10440000
GROUPS = 20
#: The GIC SPI each group's output drives (exynos4.dtsi, exynos4412.dtsi).
GROUP_SPI = tuple(range(16)) + (107, 108, 48, 42)


class Combiner:
    """Inputs ``line(group, bit)``; outputs ``outputs[group]`` are IrqLines (or sinks) set by
    the board wiring."""

    def __init__(self, tracer, pc_provider=None):
        self.block = RegisterBlock("combiner", BASE, 0x1000, tracer, pc_provider)
        self.enable = 0           # bit group*8+i
        self.status = 0
        self.outputs = [None] * GROUPS     # sink(level) per group
        self._out_level = [0] * GROUPS
        for s in range(GROUPS // 4):
            base = 0x10 * s
            read_en = self._reader("enable", s)
            self.block.add(Reg(f"IESR{s}", base + 0x0, doc="interrupt enable set"),
                           read=read_en, write=self._writer(s, True))
            self.block.add(Reg(f"IECR{s}", base + 0x4, doc="interrupt enable clear"),
                           read=read_en, write=self._writer(s, False))
            self.block.add(Reg(f"ISTR{s}", base + 0x8, doc="interrupt source status"),
                           read=self._reader("status", s))
            self.block.add(Reg(f"IMSR{s}", base + 0xC, doc="interrupt masked status"),
                           read=lambda stored, s=s: (self.status & self.enable) >> 32 * s
                           & 0xFFFFFFFF)

    @property
    def regions(self):
        return [self.block]

    def _reader(self, attr, s):
        return lambda stored: (getattr(self, attr) >> 32 * s) & 0xFFFFFFFF

    def _writer(self, s, setting):
        def write(old, new, lanes):
            bits = (new & lanes) << 32 * s
            self.enable = self.enable | bits if setting else self.enable & ~bits
            self._update()
        return write

    def line(self, group, bit):
        """The input sink of ``group``'s input ``bit``."""
        if not (0 <= group < GROUPS and 0 <= bit < 8):
            raise ValueError(f"combiner: no input {group}.{bit}")
        mask = 1 << (group * 8 + bit)

        def sink(level):
            self.status = self.status | mask if level else self.status & ~mask
            self._update()
        return sink

    def group_status(self, group):
        """Masked status bits of ``group`` (what the kernel's chained handler reads)."""
        return (self.status & self.enable) >> (8 * group) & 0xFF

    def _update(self):
        active = self.status & self.enable
        for g in range(GROUPS):
            level = 1 if (active >> 8 * g) & 0xFF else 0
            if level != self._out_level[g]:
                self._out_level[g] = level
                if self.outputs[g] is not None:
                    self.outputs[g](level)
