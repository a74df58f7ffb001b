"""The Exynos4412 watchdog timer (0x10060000), counting in virtual time.

Source: Exynos 4412 SCP User's Manual, chapter "Watchdog Timer" (WTCON, WTDAT, WTCNT,
WTCLRINT; reset values); Linux ``drivers/watchdog/s3c2410_wdt.c`` for the register use.
WTCNT counts down at PCLK / (prescaler + 1) / divider (WTCON[15:8], WTCON[4:3]: 16, 32, 64,
128) while WTCON[5] is set; at 0 it raises the interrupt (WTCON[2]) and asserts the reset
(WTCON[0]), and reloads from WTDAT (WTDAT is not loaded at enable: the driver sets WTCNT).

The board comes up as Linux leaves it after boot: the watchdog stopped (the manual's reset
value 0x8021 has it running with reset enabled; U-Boot and the kernel turn it off). A reset
calls the board's ``on_reset(message)``; the run then stops (see the console's `expect reset`).
"""

from .registers import Field, Reg, RegisterBlock

NS = 1_000_000_000
WTCON, WTDAT, WTCNT, WTCLRINT = 0x00, 0x04, 0x08, 0x0C
RESET_ENABLE, INT_ENABLE, ENABLE = 1 << 0, 1 << 2, 1 << 5
DIVIDERS = (16, 32, 64, 128)
#: WTCON once the bootloader and kernel stopped the watchdog (prescaler kept at reset value).
WTCON_AFTER_BOOT = 0x0000_8000

REGISTERS = (
    Reg("WTCON", WTCON, 0x0000_8021, 0x0000_FF3D,
        fields=(Field("prescaler", 8, 8), Field("enable", 5, 1), Field("clksel", 3, 2),
                Field("int_enable", 2, 1), Field("reset_enable", 0, 1)),
        doc="watchdog control"),
    Reg("WTDAT", WTDAT, 0x8000, 0xFFFF, doc="watchdog reload value"),
    Reg("WTCNT", WTCNT, 0x8000, 0xFFFF, doc="watchdog counter"),
    Reg("WTCLRINT", WTCLRINT, 0, 0, doc="write: clear the watchdog interrupt"),
)


class Watchdog:
    """The watchdog: ``region`` for the bus; expiry raises ``irq`` and/or calls on_reset."""

    def __init__(self, name, base, tracer, irqs, now_ns, on_reset, pclk_hz=100_000_000,
                 pc_provider=None, clock_enabled=lambda: True):
        self.name, self.tracer, self.now_ns, self.on_reset = name, tracer, now_ns, on_reset
        self.irq = list(irqs)[0]
        self.pclk_hz, self.clock_enabled = pclk_hz, clock_enabled
        self.region = block = RegisterBlock(name, base, 0x1000, tracer, pc_provider)
        self._v = block.values
        behaviour = {"WTCON": (None, self._con_written), "WTCNT": (self._cnt_read, self._cnt_written),
                     "WTDAT": (None, None), "WTCLRINT": (None, self._clear_written)}
        for reg in REGISTERS:
            block.add(reg, *behaviour[reg.name])
        self._v[WTCON] = WTCON_AFTER_BOOT
        self._anchor, self._count, self._expiries = 0, self._v[WTCNT], 0
        self.reset_at_ns = None          # when the watchdog reset the board, if it did

    def tick_hz(self):
        con = self._v[WTCON]
        return self.pclk_hz / (((con >> 8) & 0xFF) + 1) / DIVIDERS[(con >> 3) & 3]

    @property
    def running(self):
        return bool(self._v[WTCON] & ENABLE)

    def _state(self, now):
        """(WTCNT, expiries since the anchor) at ``now``."""
        if not self.running:
            return self._count, 0
        e = int((now - self._anchor) * self.tick_hz() // NS)
        if e < self._count:
            return self._count - e, 0
        period = self._v[WTDAT] or 1                  # WTDAT = 0 reloads 0: expires every tick
        past = e - self._count
        return self._v[WTDAT] - past % period, 1 + past // period

    def _re_anchor(self, now):
        self._count, _ = self._state(now)
        self._anchor, self._expiries = now, 0

    def expiry_ns(self):
        """Virtual time the counter next reaches 0 (None: stopped)."""
        if not self.running:
            return None
        now = self.now_ns()
        count, _ = self._state(now)
        return int(now + max(count, 1) * NS / self.tick_hz()) + 1

    def next_event_ns(self):
        """The next expiry that changes something (a reset, or an interrupt not pending)."""
        con = self._v[WTCON]
        if con & RESET_ENABLE and self.reset_at_ns is None or con & INT_ENABLE and not self.irq.level:
            return self.expiry_ns()
        return None

    def advance(self, now=None):
        """Take the expiries up to ``now``: interrupt and/or board reset."""
        now = self.now_ns() if now is None else now
        _, expiries = self._state(now)
        if expiries <= self._expiries:
            return
        self._expiries = expiries
        con = self._v[WTCON]
        if con & INT_ENABLE:
            self.irq.raise_()
        if con & RESET_ENABLE and self.reset_at_ns is None:
            self.reset_at_ns = now
            self.tracer.publish("board_reset", source="watchdog",
                                message="watchdog counter reached 0 with reset enabled")
            self.on_reset("watchdog: board reset")

    # -- register behaviour -----------------------------------------------------------------

    def _con_written(self, old, new, lanes):
        now = self.now_ns()
        self._v[WTCON] = old
        self.advance(now)
        self._re_anchor(now)                      # at the old rate, then switch
        self._v[WTCON] = new
        self._anchor = now
        if new & ENABLE and not old & ENABLE and not self.clock_enabled():
            self._guest_error("WTCON", "watchdog enabled with its clock gated")

    def _cnt_read(self, stored):
        self.advance()
        return self._state(self.now_ns())[0]

    def _cnt_written(self, old, new, lanes):
        now = self.now_ns()
        self.advance(now)
        self._count, self._anchor, self._expiries = new, now, 0
        if new == 0 and self.running:
            self._guest_error("WTCNT", "WTCNT=0 while enabled: expires on the next tick")

    def _clear_written(self, old, new, lanes):
        self._v[WTCLRINT] = 0
        self.irq.lower()

    def _guest_error(self, source, message):
        if self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=source, message=message)
