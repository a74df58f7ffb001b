"""The board's irq_chips and their boot-time set-up, written against the hardware registers
as the 3.14 drivers do (drivers/irqchip/irq-gic.c, exynos-combiner.c,
drivers/pinctrl/pinctrl-exynos.c).

- GIC ("GIC"): fasteoi flow; mask/unmask through ICDICER/ICDISER, EOI through ICCEOIR,
  trigger type through ICDICFR (SPIs: level-high or rising edge only).
- combiner ("COMBINER"): level flow under a chained handler on each group's SPI.
- wake-up EINTs of gpx0-3 ("exynos_wkup_irq_chip") and the other banks' EINTs
  ("exynos_gpio_irq_chip"): MASK/PEND/CON of the group, and set_type also switches the pin
  to its interrupt function (CON = 0xF). gpx0/gpx1 pins each have a chained handler on their
  own SPI; gpx2/gpx3 share the muxed handler on SPI 32; the other banks are served by a
  request_irq'd handler per pinctrl block that reads the pending bits.
"""

from ...hw.combiner import GROUP_SPI
from ...hw.eint import BLOCK_LINES, CON_EINT, PER_PIN_SPI, SHARED_WAKEUP_BANKS, SHARED_WAKEUP_SPI
from .desc import (IRQ_HANDLED, IRQ_NONE, IRQ_TYPE_EDGE_BOTH, IRQ_TYPE_EDGE_FALLING,
                   IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW, IrqAction,
                   IrqDesc)
from ..errno import EINVAL

GIC_DIST = {"ICDDCR": 0x000, "ICDISER": 0x100, "ICDICER": 0x180, "ICDIPR": 0x400,
            "ICDIPTR": 0x800, "ICDICFR": 0xC00}
GIC_CPU = {"ICCICR": 0x00, "ICCPMR": 0x04, "ICCIAR": 0x0C, "ICCEOIR": 0x10}
#: Exynos EINT trigger codes for IRQ_TYPE_* (pinctrl-exynos.h EXYNOS_EINT_*).
EINT_TRIGGER = {IRQ_TYPE_EDGE_RISING: 3, IRQ_TYPE_EDGE_FALLING: 2, IRQ_TYPE_EDGE_BOTH: 4,
                IRQ_TYPE_LEVEL_HIGH: 1, IRQ_TYPE_LEVEL_LOW: 0}
GIC_PRIORITY, GIC_PMR = 0xA0, 0xF0


class GicChip:
    name = "GIC"

    def __init__(self, gic):
        self.gic, self._d, self._c = gic, gic.dist, gic.cpu

    def _bit(self, reg, hwirq):
        self._d.poke(GIC_DIST[reg] + 4 * (hwirq // 32), 1 << hwirq % 32)

    def mask(self, hwirq):
        self._bit("ICDICER", hwirq)

    def unmask(self, hwirq):
        self._bit("ICDISER", hwirq)

    def ack(self, hwirq):
        pass

    def eoi(self, hwirq):
        self._c.poke(GIC_CPU["ICCEOIR"], hwirq)

    def set_type(self, hwirq, trigger):
        if hwirq < 32 or trigger not in (IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_EDGE_RISING):
            return -EINVAL
        off = GIC_DIST["ICDICFR"] + 4 * (hwirq // 16)
        shift = 2 * (hwirq % 16) + 1
        value = self._d.peek(off)
        value = value | 1 << shift if trigger == IRQ_TYPE_EDGE_RISING else value & ~(1 << shift)
        self._d.poke(off, value)
        return 0

    def acknowledge(self):
        return self.gic.acknowledge()

    def boot(self, nr):
        """gic_dist_init + gic_cpu_init: SPIs level, to CPU0, priority 0xA0, disabled."""
        d = self._d
        d.poke(GIC_DIST["ICDDCR"], 0)
        for i in range(32 // 16, nr // 16):
            d.poke(GIC_DIST["ICDICFR"] + 4 * i, 0)
        for i in range(32 // 4, nr // 4):
            d.poke(GIC_DIST["ICDIPTR"] + 4 * i, 0x01010101)
            d.poke(GIC_DIST["ICDIPR"] + 4 * i, GIC_PRIORITY * 0x01010101)
        for i in range(32 // 32, nr // 32):
            d.poke(GIC_DIST["ICDICER"] + 4 * i, 0xFFFFFFFF)
        d.poke(GIC_DIST["ICDDCR"], 1)
        for i in range(0, 32 // 4):
            d.poke(GIC_DIST["ICDIPR"] + 4 * i, GIC_PRIORITY * 0x01010101)
        self._c.poke(GIC_CPU["ICCPMR"], GIC_PMR)
        self._c.poke(GIC_CPU["ICCICR"], 1)


class CombinerChip:
    name = "COMBINER"

    def __init__(self, combiner):
        self.combiner, self._b = combiner, combiner.block

    def _write(self, reg, hwirq):
        group, bit = divmod(hwirq, 8)
        self._b.poke(0x10 * (group >> 2) + reg, 1 << ((group % 4) * 8 + bit))

    def mask(self, hwirq):
        self._write(0x4, hwirq)                     # IECR

    def unmask(self, hwirq):
        self._write(0x0, hwirq)                     # IESR

    def ack(self, hwirq):
        pass

    def eoi(self, hwirq):
        pass

    def set_type(self, hwirq, trigger):
        return 0                                    # no irq_set_type: accepted as is

    def boot(self):
        for s in range(len(GROUP_SPI) // 4):
            self._b.poke(0x10 * s + 0x4, 0xFFFFFFFF)


class EintChip:
    """One bank's EINT group (wake-up or GPIO): hwirq = pin."""

    def __init__(self, group, wakeup):
        self.group, self.name = group, "exynos_wkup_irq_chip" if wakeup else "exynos_gpio_irq_chip"
        self._b, self._bank = group.block, group.bank
        self.level = {}              # pin -> the trigger set is a level type

    def mask(self, hwirq):
        off = self.group.mask_off
        self._b.poke(off, self._b.peek(off) | 1 << hwirq)

    def unmask(self, hwirq):
        if self.level.get(hwirq):
            self.ack(hwirq)          # ack level interrupts right before unmask (no double irq)
        off = self.group.mask_off
        self._b.poke(off, self._b.peek(off) & ~(1 << hwirq))

    def ack(self, hwirq):
        self._b.poke(self.group.pend_off, 1 << hwirq)

    def eoi(self, hwirq):
        pass

    def set_type(self, hwirq, trigger):
        code = EINT_TRIGGER.get(trigger)
        if code is None:
            return -EINVAL                          # "unsupported external interrupt type"
        self.level[hwirq] = code in (0, 1)
        off = self.group.con_off
        self._b.poke(off, self._b.peek(off) & ~(0xF << 4 * hwirq) | code << 4 * hwirq)
        con = self._bank.spec.offset
        self._b.poke(con, self._b.peek(con) & ~(0xF << 4 * hwirq) | CON_EINT << 4 * hwirq)
        return 0


class IrqChips:
    """Builds every descriptor the controllers need at boot and their chained handlers."""

    def __init__(self, hw, domains, descs, handle):
        """handle: the Handler (handle.py) whose generic_handle_irq chained handlers call."""
        self.domains, self.descs, self.handle = domains, descs, handle
        self.gic = GicChip(hw.gic)
        self.combiner = CombinerChip(hw.combiner)
        self.eint = {}
        if not domains.has("gic"):
            domains.add_gic(160)              # legacy: virq == GIC id from 16 (irq-gic.c)
        if not domains.has("combiner"):
            domains.add("combiner", 8 * len(GROUP_SPI))
        for name, group in hw.gpio.eint_groups.items():
            if not domains.has(name):
                domains.add(name, group.pins)
            self.eint[name] = EintChip(group, name.startswith("gpx"))
        self._block_of = {}
        for block in hw.gpio.regions:
            for name, group in hw.gpio.eint_groups.items():
                if group.block is block:
                    self._block_of.setdefault(block.base, []).append(name)
        self.gic.boot(160)
        self.combiner.boot()
        self._chain()

    # -- descriptors ---------------------------------------------------------------------------
    def desc(self, domain, hwirq):
        """The descriptor of (domain, hwirq), mapped (and set up) on first use; None if bad."""
        virq = self.domains.create_mapping(domain, hwirq)
        if not virq:
            return None
        desc = self.descs.get(virq)
        if desc is None:
            chip = {"gic": self.gic, "combiner": self.combiner}.get(domain) or self.eint[domain]
            flow = "fasteoi" if domain == "gic" else "level"
            desc = self.descs.add(IrqDesc(virq, domain, hwirq, chip, flow))
        return desc

    def _chained(self, spi, handler):
        desc = self.desc("gic", 32 + spi)
        desc.flow = handler
        desc.depth = 0
        self.gic.unmask(32 + spi)

    def _chain(self):
        for group, spi in enumerate(GROUP_SPI):
            self._chained(spi, self._combiner_cascade(group))
        for bank, first in PER_PIN_SPI.items():
            if bank in self.eint:
                for pin in range(self.eint[bank].group.pins):
                    self._chained(first + pin, self._eint0_15(bank, pin))
        banks = [b for b in SHARED_WAKEUP_BANKS if b in self.eint]
        if banks:
            self._chained(SHARED_WAKEUP_SPI, self._demux(banks))
        self._deferred = []
        for base, target in BLOCK_LINES.items():
            banks = self._block_of.get(base)
            if not banks:
                continue
            if target[0] == "gic":
                self._block_line(base, self.desc("gic", 32 + target[1]), banks)
            else:                 # a combiner line: mapped in device-tree order (finish_boot)
                self._deferred.append((base, target[1] * 8 + target[2], banks))

    def finish_boot(self):
        """After the device tree's boot mappings (of/irq.py, which number the combiner's
        lines as 3.14 does): the pinctrl blocks' demultiplexers on combiner lines."""
        for base, hwirq, banks in self._deferred:
            self._block_line(base, self.desc("combiner", hwirq), banks)
        self._deferred = []

    def _block_line(self, base, desc, banks):
        """A pinctrl block's interrupt line: its demultiplexer as the action."""
        if desc is not None:
            demux = self._demux(banks)
            desc.actions.append(IrqAction(0, 0, f"{base:08x}.pinctrl", 0,
                                          py=lambda virq, demux=demux: demux(None)))
            desc.depth = 0
            desc.chip.unmask(desc.hwirq)

    # -- chained handlers (run in hardirq context by handle.py) ---------------------------------
    def _combiner_cascade(self, group):
        def cascade(desc):
            status = self.combiner.combiner.group_status(group)
            handled = False
            for bit in range(8):
                if status >> bit & 1:
                    self.handle.generic_handle_irq(self.desc("combiner", group * 8 + bit).virq)
                    handled = True
            if not handled:
                self.handle.bad_irq(desc)
            self.gic.eoi(desc.hwirq)
        return cascade

    def _eint0_15(self, bank, pin):
        def chained(desc):
            self.gic.mask(desc.hwirq)
            self.handle.generic_handle_irq(self.desc(bank, pin).virq)
            self.gic.unmask(desc.hwirq)
            self.gic.eoi(desc.hwirq)
        return chained

    def _demux(self, banks):
        def demux(desc):
            handled = IRQ_NONE
            for bank in banks:
                pending = self.eint[bank].group.pending
                for pin in reversed(range(8)):
                    if pending >> pin & 1:
                        self.handle.generic_handle_irq(self.desc(bank, pin).virq)
                        handled = IRQ_HANDLED
            if desc is not None:
                self.gic.eoi(desc.hwirq)
            return handled
        return demux
