"""The common clock framework as modules see it (drivers/clk/clk.c, clkdev.c; Linux 3.14 with
COMMON_CLK and the Exynos4 clock driver).

clk_get(dev, "adc") finds the clock the device's node names in `clocks`/`clock-names`
(<&clock 326> is "tsadc"); without a tree entry the lookup fails with -ENOENT as clkdev
does. Gates have prepare/enable counts; the first enable sets the block's bit in the CMU
gate register and the last disable clears it, through the bus (visible in --trace). At boot
clk_disable_unused turns off every gate nobody enabled (the console UART and the MCT stay
on). Rates: the gates run from aclk100, 100 MHz, the peripherals' PCLK.
"""

from dataclasses import dataclass

from . import errno
from .abi import DEVICE
from .hypercall import export
from ..hw.clock import CLK_GATE_IP_PERIL, CLK_GATE_IP_PERIR, PERIL_GATES, PERIR_GATES

ACLK100_HZ = 100_000_000
#: Exynos4 clock ids (dt-bindings/clock/exynos4.h) -> gate name.
CLOCK_IDS = {312: "uart0", 313: "uart1", 314: "uart2", 315: "uart3",
             **{317 + n: f"i2c{n}" for n in range(8)}, 326: "tsadc", 336: "pwm",
             344: "mct", 345: "watchdog", 346: "rtc"}
ENABLED_AT_BOOT = ("uart2", "mct")         # console ttySAC2, the system timer


@dataclass
class Clk:
    """A gate clock (struct clk): its gate register bit and prepare/enable counts."""
    name: str
    register: int
    bit: int
    va: int = 0
    prepare_count: int = 0
    enable_count: int = 0


def _neg(err):
    return -err & 0xFFFFFFFF


class ClockFramework:
    def __init__(self, vm, log, tree, bus, cmu, early):
        self._vm, self._log, self._tree, self._bus, self._cmu = vm, log, tree, bus, cmu
        self.clocks = {}
        for name, bit in PERIL_GATES.items():
            self.clocks[name] = Clk(name, CLK_GATE_IP_PERIL, bit)
        for name, bit in PERIR_GATES.items():
            self.clocks[name] = Clk(name, CLK_GATE_IP_PERIR, bit)
        block = early.alloc(8 * len(self.clocks), zero=True)     # the struct clk objects
        for i, clk in enumerate(self.clocks.values()):
            clk.va = block + 8 * i
        self._by_va = {clk.va: clk for clk in self.clocks.values()}
        for name in ENABLED_AT_BOOT:
            clk = self.clocks[name]
            clk.prepare_count = clk.enable_count = 1
        self._disable_unused()

    # -- the gate registers ------------------------------------------------------------------
    def _gate(self, clk, on):
        offset = clk.register
        value = self._cmu.read(offset, 4)
        value = value | (1 << clk.bit) if on else value & ~(1 << clk.bit)
        self._bus.writes += 1
        self._cmu.write(offset, 4, value)

    def _disable_unused(self):
        """clk_disable_unused (late_initcall): gates with no users go off. Boot happened
        before anyone watches: the registers take their post-boot values without events."""
        for clk in self.clocks.values():
            if not clk.enable_count:
                self._cmu.values[clk.register] &= ~(1 << clk.bit)

    def gate_on(self, name):
        return bool(self._cmu.peek(self.clocks[name].register) >> self.clocks[name].bit & 1)

    # -- lookups -------------------------------------------------------------------------------
    def _of_clk(self, dev, con_id):
        node = self._tree.node(self._vm.read_u32(dev + DEVICE["of_node"])) if dev else None
        if node is None or "clocks" not in node.props:
            return None
        index = 0
        if con_id is not None:
            names = node.strings("clock-names") or []
            if con_id not in names:
                return None
            index = names.index(con_id)
        found = self._tree.parse_phandle_with_args(node, "clocks", "#clock-cells", index)
        if isinstance(found, int) or not found[1]:
            return None
        name = CLOCK_IDS.get(found[1][0])
        return self.clocks.get(name) if name else None

    @export()
    def clk_get(self, dev, con_id):
        con = self._vm.read_cstr(con_id).decode("utf-8", "replace") if con_id else None
        clk = self._of_clk(dev, con)
        return clk.va if clk else _neg(errno.ENOENT)

    @export()
    def devm_clk_get(self, dev, con_id):
        """clk_get under devres: the devres release is clk_put, which holds nothing here."""
        return self.clk_get(dev, con_id)

    @export()
    def clk_put(self, clk):
        """Drops the lookup reference; the struct clk stays (the provider owns it)."""

    # -- prepare / enable ------------------------------------------------------------------------
    def _clk(self, va):
        return self._by_va.get(va)

    @export()
    def clk_prepare(self, va):
        clk = self._clk(va)
        if clk is not None:
            clk.prepare_count += 1
        return 0

    @export()
    def clk_unprepare(self, va):
        clk = self._clk(va)
        if clk is None:
            return
        if clk.prepare_count == 0:
            self._log.emit(4, False, f"WARNING: at drivers/clk/clk.c __clk_unprepare(): "
                                     f"{clk.name} unprepared more than prepared\n")
            return
        clk.prepare_count -= 1

    @export()
    def clk_enable(self, va):
        clk = self._clk(va)
        if clk is None:
            return 0
        if clk.prepare_count == 0:
            self._log.emit(4, False, f"WARNING: at drivers/clk/clk.c __clk_enable(): "
                                     f"{clk.name} enabled before clk_prepare\n")
            return _neg(errno.ESHUTDOWN)
        if clk.enable_count == 0:
            self._gate(clk, True)
        clk.enable_count += 1
        return 0

    @export()
    def clk_disable(self, va):
        clk = self._clk(va)
        if clk is None:
            return
        if clk.enable_count == 0:
            self._log.emit(4, False, f"WARNING: at drivers/clk/clk.c __clk_disable(): "
                                     f"{clk.name} disabled more than enabled\n")
            return
        clk.enable_count -= 1
        if clk.enable_count == 0:
            self._gate(clk, False)

    @export()
    def clk_get_rate(self, va):
        return ACLK100_HZ if self._clk(va) is not None else 0

    def summary(self):
        """/sys/kernel/debug/clk/clk_summary's lines for the modelled gates."""
        lines = ["   clock                        enable_cnt  prepare_cnt  rate",
                 "---------------------------------------------------------------------"]
        for clk in self.clocks.values():
            lines.append(f" {clk.name:<30}{clk.enable_count:>10}{clk.prepare_count:>12}"
                         f"  {ACLK100_HZ}")
        return "\n".join(lines) + "\n"

