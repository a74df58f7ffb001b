"""External interrupts of the GPIO banks: EXT_INT<n>_CON/FLTCON/MASK/PEND per interrupt group.

Sources: Exynos 4412 UM ch. 6 (EXT_INTn_CON: 3 bits per pin, 0 low level, 1 high level,
2 falling edge, 3 rising edge, 4-7 both edges; EXT_INTn_MASK: 1 masks; EXT_INTn_PEND: write 1
to clear; EXT_INT_SERVICE_XB at 0xB08 names the pending group/pin), Linux
``drivers/pinctrl/pinctrl-exynos.c``/``.h`` and exynos4x12-pinctrl.dtsi/exynos4x12.dtsi for the
wiring: gpx0 pins XEINT0-7 on SPI 16-23 and gpx1 XEINT8-15 on SPI 24-31 (one line per pin),
gpx2/gpx3 (XEINT16-31) share SPI 32; the other banks' groups share one line per pinctrl block
(0x11400000: SPI 47, 0x11000000: SPI 46, 0x03860000: combiner 10.0, 0x106E0000: SPI 72).

A pin whose CON field selects the interrupt function (0xF) and whose pad sees the programmed
edge sets its PEND bit; a level trigger keeps it set while the level holds (clearing it then
sets it again). An interrupt output is asserted while a PEND bit is set and not masked. The
filters (FLTCON) are stored, not modelled: a key's bounce reaches the PEND bits unfiltered.
"""

from .irq import IrqLine
from .registers import WORD, Field, Reg

CON_EINT = 0xF
TRIGGERS = {0: "low", 1: "high", 2: "falling", 3: "rising", 4: "both", 5: "both", 6: "both",
            7: "both"}
#: Wake-up banks with one interrupt line per pin: bank -> GIC SPI of pin 0.
PER_PIN_SPI = {"gpx0": 16, "gpx1": 24}
#: Wake-up banks sharing one line, and its GIC SPI.
SHARED_WAKEUP_BANKS, SHARED_WAKEUP_SPI = ("gpx2", "gpx3"), 32
#: Each pinctrl block's GPIO interrupt line, by block base: ("gic", spi) or ("combiner", g, bit).
BLOCK_LINES = {0x11400000: ("gic", 47), 0x11000000: ("gic", 46),
               0x03860000: ("combiner", 10, 0), 0x106E0000: ("gic", 72)}
SERVICE_OFFSET = 0xB08


class EintGroup:
    """One bank's interrupt group; ``changed`` is called when its unmasked pending bits change."""

    def __init__(self, bank, block, name, offsets, reset, tracer):
        self.bank, self.block, self.name, self.tracer = bank, block, name, tracer
        self.pins = len(bank.pins)
        width = (1 << self.pins) - 1
        self._values = block.values
        self.con_off, self.mask_off, self.pend_off = offsets["con"], offsets["mask"], offsets["pend"]
        fields = tuple(Field(f"{name}_CON[{i}]", 4 * i, 3) for i in range(self.pins))
        block.add(Reg(f"{name}_CON", self.con_off, reset.get("eint_con", 0) & 0x77777777 & ((1 << 4 * self.pins) - 1),
                      0x77777777 & ((1 << 4 * self.pins) - 1), fields=fields,
                      doc=f"{bank.name} interrupt trigger type"), write=self._reevaluate)
        for k, off in enumerate(offsets.get("fltcon", ())):
            block.add(Reg(f"{name}_FLTCON{k}", off, reset.get("eint_fltcon", 0), WORD, unimp=True,
                          doc=f"{bank.name} interrupt filter (stored; filters not modelled)"))
        block.add(Reg(f"{name}_MASK", self.mask_off, reset.get("eint_mask", 0) & width, width,
                      doc=f"{bank.name} interrupt mask"), write=self._reevaluate)
        block.add(Reg(f"{name}_PEND", self.pend_off, 0, width, doc=f"{bank.name} interrupt pending"),
                  write=self._pend_written)
        self.changed = lambda group: None
        self._level = bank.input_levels()
        bank.input_listeners.append(self._input_changed)

    # -- state ----------------------------------------------------------------------------------
    def trigger(self, index):
        return TRIGGERS[(self._values[self.con_off] >> 4 * index) & 0x7]

    def _eint_pins(self):
        return [i for i in range(self.pins) if self.bank.con_field(i) == CON_EINT]

    @property
    def pending(self):
        """PEND bits not masked: the pins asking for service."""
        return self._values[self.pend_off] & ~self._values[self.mask_off] & ((1 << self.pins) - 1)

    def _set_pending(self, bits):
        if bits & ~self._values[self.pend_off]:
            before = self.pending
            self._values[self.pend_off] |= bits
            if self.pending != before:
                self.changed(self)

    def _level_bits(self, levels):
        """Pins in the interrupt function whose level trigger is currently satisfied."""
        bits = 0
        for i in self._eint_pins():
            trig = self.trigger(i)
            if (trig == "low" and not levels >> i & 1) or (trig == "high" and levels >> i & 1):
                bits |= 1 << i
        return bits

    # -- events -----------------------------------------------------------------------------------
    def _input_changed(self, levels):
        old, self._level = self._level, levels
        bits = 0
        for i in self._eint_pins():
            was, now = old >> i & 1, levels >> i & 1
            trig = self.trigger(i)
            if (was != now and (trig == "both" or (trig == "rising" and now)
                                or (trig == "falling" and not now))):
                bits |= 1 << i
        self._set_pending(bits | self._level_bits(levels))

    def _pend_written(self, old, new, lanes):
        before = old & ~self._values[self.mask_off]
        self._values[self.pend_off] = old & ~(new & lanes)
        self._values[self.pend_off] |= self._level_bits(self._level)   # level still active
        if self.pending != before & ((1 << self.pins) - 1):
            self.changed(self)

    def _reevaluate(self, old, new, lanes):
        self._set_pending(self._level_bits(self._level))
        self.changed(self)


class EintLines:
    """The interrupt outputs of every group: per-pin lines (gpx0, gpx1) and shared lines."""

    def __init__(self, groups, block_of):
        """groups: bank name -> EintGroup; block_of: bank name -> pinctrl block base."""
        self.groups = groups
        self.pin_lines = {}          # bank -> [IrqLine per pin]
        self.shared = {}             # line name -> (IrqLine, [groups])
        for name, group in groups.items():
            if name in PER_PIN_SPI:
                self.pin_lines[name] = [IrqLine(f"{name}-{i}") for i in range(group.pins)]
                group.changed = self._per_pin
                continue
            key = "wakeup" if name in SHARED_WAKEUP_BANKS else f"block@{block_of[name]:08x}"
            line, members = self.shared.setdefault(key, (IrqLine(f"eint.{key}"), []))
            members.append(group)
            group.changed = self._shared(key)

    def _per_pin(self, group):
        pending = group.pending
        for i, line in enumerate(self.pin_lines[group.bank.name]):
            line.set(pending >> i & 1)

    def _shared(self, key):
        def changed(group):
            line, members = self.shared[key]
            line.set(any(g.pending for g in members))
        return changed

    def block_line(self, base):
        entry = self.shared.get(f"block@{base:08x}")
        return entry[0] if entry else None

    @property
    def wakeup_line(self):
        return self.shared["wakeup"][0]
