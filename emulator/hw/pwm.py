"""The Exynos4412 PWM timers 0-4 (0x139D0000), counting in virtual time.

Source: Exynos 4412 SCP User's Manual, chapter "Pulse Width Modulation Timer" (register map,
reset values, TCON bits); Linux ``drivers/pwm/pwm-samsung.c`` for how TCNTB/TCMPB make a
period and a duty cycle. Each timer's input clock is PCLK / (prescaler + 1) / divider
(TCFG0 prescaler 0 for timers 0-1, prescaler 1 for timers 2-4; TCFG1 1/1..1/16). A timer counts
TCNT down from TCNTB to 0: TCNTB + 1 ticks a period; at 0 it raises its interrupt status and,
with auto-reload, reloads TCNTB/TCMPB. TOUTn (timers 0-3) is high while TCNT > TCMP, so the duty
cycle is (TCNTB - TCMPB) / (TCNTB + 1), flipped by the inverter (pwm-samsung's formulas).
Buffer writes take effect at the next manual update or reload, as on the silicon.

Nothing ticks per instruction: the model keeps, per timer, the count at an anchor time and
derives TCNTO from the virtual clock when read. Interrupt status is brought up to date on any
register access and by :meth:`Pwm.advance` (the board calls it as time passes).

Modelled: TCFG0 prescalers, TCFG1 dividers, TCON start/manual update/inverter/auto-reload,
TCNTB/TCMPB/TCNTO, TINT_CSTAT enables and write-1-to-clear status, one IrqLine per timer.
TCFG0's dead-zone length and TCON's dead-zone enable are stored but not modelled (unimp).
"""

from .registers import Field, Reg, RegisterBlock

TIMERS = 5
NS = 1_000_000_000
#: TCFG1 mux value -> divider (UM: 0000 1/1 ... 0100 1/16; others reserved).
DIVIDERS = {0: 1, 1: 2, 2: 4, 3: 8, 4: 16}
#: TCON bit positions per timer: (start, manual update, inverter or None, auto-reload).
TCON_BITS = ((0, 1, 2, 3), (8, 9, 10, 11), (12, 13, 14, 15), (16, 17, 18, 19), (20, 21, None, 22))
DEAD_ZONE_ENABLE = 1 << 4
TCNTB = [0x0C + 0xC * n for n in range(TIMERS)]
TCMPB = [0x10 + 0xC * n for n in range(4)]
TCNTO = [0x14 + 0xC * n for n in range(4)] + [0x40]
TCFG0, TCFG1, TCON, TINT_CSTAT = 0x00, 0x04, 0x08, 0x44


def _registers():
    regs = [
        Reg("TCFG0", TCFG0, 0x0000_0101, 0x00FF_FFFF,
            fields=(Field("prescaler0", 0, 8), Field("prescaler1", 8, 8),
                    Field("dead_zone_length", 16, 8)),
            doc="timer configuration 0: prescalers and dead-zone length"),
        Reg("TCFG1", TCFG1, 0, 0x000F_FFFF,
            fields=tuple(Field(f"DIV_MUX{n}", 4 * n, 4) for n in range(TIMERS)),
            doc="timer configuration 1: divider of each timer"),
        Reg("TCON", TCON, 0, 0x007F_FF1F, doc="timer control"),
    ]
    for n in range(TIMERS):
        regs.append(Reg(f"TCNTB{n}", TCNTB[n], doc=f"timer {n} count buffer"))
        if n < 4:
            regs.append(Reg(f"TCMPB{n}", TCMPB[n], doc=f"timer {n} compare buffer"))
        regs.append(Reg(f"TCNTO{n}", TCNTO[n], doc=f"timer {n} count observation (read only)"))
    regs.append(Reg("TINT_CSTAT", TINT_CSTAT, 0, 0x3FF, doc="interrupt enables [4:0] and "
                    "status [9:5] (write 1 to clear)"))
    return regs


class Tout:
    """What a timer's output does: ``sounding`` is a square wave of ``frequency`` Hz and
    ``duty`` (0..1) while the timer runs with auto-reload and a duty strictly between 0 and 1."""

    __slots__ = ("index", "running", "frequency", "duty", "_listeners")

    def __init__(self, index):
        self.index, self.running, self.frequency, self.duty = index, False, 0.0, 0.0
        self._listeners = []

    @property
    def sounding(self):
        return self.running and self.frequency > 0 and 0.0 < self.duty < 1.0

    def connect(self, listener):
        """Call ``listener(tout)`` whenever running, frequency or duty changes."""
        self._listeners.append(listener)

    def _set(self, running, frequency, duty):
        if (running, frequency, duty) != (self.running, self.frequency, self.duty):
            self.running, self.frequency, self.duty = running, frequency, duty
            for listener in self._listeners:
                listener(self)


class _Timer:
    """One down-counter: the count ``count`` at virtual time ``anchor`` ticking at ``hz``."""

    __slots__ = ("n", "running", "count", "anchor", "hz", "tcnt", "tcmp", "expiries", "held")

    def __init__(self, n):
        self.n, self.running, self.count, self.anchor, self.hz = n, False, 0, 0, 0
        self.tcnt = self.tcmp = 0        # the buffers as last loaded (manual update, reload)
        self.expiries = 0
        self.held = False                # manual update written while running (see _tcon_written)


class Pwm:
    """PWM timers 0-4: ``region`` for the bus, ``touts`` for the board, ``irqs`` (one each)."""

    def __init__(self, name, base, tracer, irqs, now_ns, pclk_hz=100_000_000, pc_provider=None,
                 clock_enabled=lambda: True):
        """irqs: five IrqLine (timer 0-4); now_ns: the virtual clock; clock_enabled: the
        block's clock gate (always on until the clock controller is modelled)."""
        self.name, self.tracer, self.irqs, self.now_ns = name, tracer, list(irqs), now_ns
        self.pclk_hz, self.clock_enabled = pclk_hz, clock_enabled
        self.region = block = RegisterBlock(name, base, 0x1000, tracer, pc_provider)
        self._v = block.values
        self.timers = [_Timer(n) for n in range(TIMERS)]
        self.touts = [Tout(n) for n in range(4)]
        behaviour = {"TCFG0": (None, self._clock_written),
                     "TCFG1": (None, self._clock_written),
                     "TCON": (None, self._tcon_written),
                     "TINT_CSTAT": (self._cstat_read, self._cstat_written)}
        for n in range(TIMERS):
            behaviour[f"TCNTB{n}"] = (None, self._buffer_written)
            behaviour[f"TCNTO{n}"] = (self._tcnto_reader(n), self._read_only(n))
            if n < 4:
                behaviour[f"TCMPB{n}"] = (None, self._buffer_written)
        for reg in _registers():
            block.add(reg, *behaviour.get(reg.name, (None, None)))

    # -- clocks and counting ----------------------------------------------------------------

    def tick_hz(self, n):
        """Timer ``n``'s input clock in Hz (0 when its divider setting is reserved)."""
        tcfg0, tcfg1 = self._v[TCFG0], self._v[TCFG1]
        prescaler = (tcfg0 >> (0 if n < 2 else 8)) & 0xFF
        divider = DIVIDERS.get((tcfg1 >> 4 * n) & 0xF)
        return 0 if divider is None else self.pclk_hz / (prescaler + 1) / divider

    def _elapsed_ticks(self, t, now):
        if not t.running or t.hz <= 0:
            return 0
        return int((now - t.anchor) * t.hz // NS)

    def _count_at(self, t, now):
        """(TCNT, periods completed since the anchor) at ``now``."""
        e = self._elapsed_ticks(t, now)
        if e <= t.count:
            return t.count - e, 0
        if not self._auto_reload(t.n):
            return 0, 1
        period = self._v[TCNTB[t.n]] + 1
        past = e - t.count - 1
        return self._v[TCNTB[t.n]] - past % period, 1 + past // period

    def advance(self, now=None):
        """Bring interrupt status up to ``now``: count each timer's expiries since last time."""
        now = self.now_ns() if now is None else now
        for t in self.timers:
            if not t.running:
                continue
            count, periods = self._count_at(t, now)
            if periods > t.expiries:
                t.expiries = periods
                self._expired(t.n)
                self._load(t)                         # reload: the buffers take effect
                if not self._auto_reload(t.n):       # one-shot: stays at 0
                    t.running, t.count, t.anchor = False, 0, now
                    self._update_tout(t.n)

    def next_event_ns(self):
        """Virtual time of the next timer expiry that changes something: raises an interrupt
        not already pending, or loads new buffer values (None: none)."""
        best = None
        cstat = self._v[TINT_CSTAT]
        waiting = cstat & ~(cstat >> 5) & 0x1F       # enabled and not already pending
        for t in self.timers:
            if not (t.running and t.hz > 0 and (waiting >> t.n & 1 or self._buffers_changed(t))):
                continue
            now = self.now_ns()
            count, _ = self._count_at(t, now)
            at = now + (count + 1) * NS / t.hz
            best = at if best is None else min(best, at)
        return None if best is None else int(best) + 1

    def _buffers_changed(self, t):
        return (t.tcnt, t.tcmp) != (self._v[TCNTB[t.n]], self._v[TCMPB[t.n]] if t.n < 4 else 0)

    def _load(self, t):
        """TCNTB/TCMPB into the timer (manual update, or a reload): TOUT follows them."""
        if self._buffers_changed(t):
            t.tcnt, t.tcmp = self._v[TCNTB[t.n]], self._v[TCMPB[t.n]] if t.n < 4 else 0
            self._update_tout(t.n)

    def _expired(self, n):
        cstat = self._v[TINT_CSTAT]
        if cstat >> n & 1:
            self._v[TINT_CSTAT] = cstat | 1 << (5 + n)
            self.irqs[n].raise_()

    def _re_anchor(self, t, now):
        """Fold the time elapsed so far into the count (before a rate or buffer change)."""
        count, _ = self._count_at(t, now)
        t.count, t.anchor, t.expiries = count, now, 0

    # -- register behaviour -----------------------------------------------------------------

    def _cstat_read(self, _stored):
        self.advance()                            # expiries up to now set status bits
        return self._v[TINT_CSTAT]

    def _tcnto_reader(self, n):
        def read(_stored):
            self.advance()
            return self._count_at(self.timers[n], self.now_ns())[0] if self.timers[n].running \
                else self.timers[n].count
        return read

    def _read_only(self, n):
        def write(old, new, lanes):
            self._v[TCNTO[n]] = old
            self._guest_error(f"TCNTO{n}", f"write of {new:#x} to the read-only TCNTO{n}: ignored")
        return write

    def _auto_reload(self, n):
        return bool(self._v[TCON] >> TCON_BITS[n][3] & 1)

    def _clock_written(self, old, new, lanes):
        now = self.now_ns()
        self.advance(now)
        if self.region.values[TCFG0] >> 16 & 0xFF and old != new and (old ^ new) >> 16 & 0xFF:
            self._unimp("TCFG0", "dead-zone length is stored, not modelled")
        for t in self.timers:
            if t.running:
                self._re_anchor(t, now)
            t.hz = self.tick_hz(t.n)
            if t.running and t.hz == 0:
                self._guest_error("TCFG1", f"timer {t.n} divider {self._v[TCFG1] >> 4 * t.n & 0xF:#x}"
                                           f" is reserved: the timer has no clock")
            self._update_tout(t.n)

    def _buffer_written(self, old, new, lanes):
        now = self.now_ns()
        self.advance(now)
        for t in self.timers:
            if t.running:
                self._re_anchor(t, now)          # new buffers take effect at the next reload

    def _tcon_written(self, old, new, lanes):
        now = self.now_ns()
        self.advance(now)
        if new & DEAD_ZONE_ENABLE and not old & DEAD_ZONE_ENABLE:
            self._unimp("TCON", "dead-zone generator (TCON[4]) is not modelled")
        for n, (start, manual, _inv, _reload) in enumerate(TCON_BITS):
            t = self.timers[n]
            was = old >> start & 1 and not old >> manual & 1      # TCON said "count"
            counting = new >> start & 1 and not new >> manual & 1
            # A manual update of a running timer (the course's "TCON = 0x2; TCON = 0x9" retune)
            # pauses the counter for a few instructions: TOUT keeps sounding, at the new values.
            t.held = bool(new >> manual & 1) and (t.running or t.held)
            if new >> manual & 1:                 # manual update: load the buffers, hold
                t.count, t.anchor, t.expiries = self._v[TCNTB[n]], now, 0
                t.tcnt, t.tcmp = self._v[TCNTB[n]], self._v[TCMPB[n]] if n < 4 else 0
                t.running = False
            elif counting and not was:
                t.hz = self.tick_hz(n)
                t.running, t.anchor, t.expiries = True, now, 0
                self._check_start(n, t)
            elif was and not counting and t.running:
                self._re_anchor(t, now)
                t.running = False
            self._update_tout(n)

    def _check_start(self, n, t):
        if not self.clock_enabled():
            self._guest_error("TCON", f"timer {n} started with the PWM clock gated")
        if t.hz == 0:
            self._guest_error("TCON", f"timer {n} started with a reserved divider in TCFG1: "
                                      f"no clock, it does not count")
        elif self._v[TCNTB[n]] == 0 and self._auto_reload(n):
            self._guest_error("TCON", f"timer {n} started with TCNTB{n}=0: a zero period, "
                                      f"it expires on every tick")

    def _cstat_written(self, old, new, lanes):
        status = (old >> 5) & ~(new >> 5) & 0x1F          # write 1 clears a status bit
        self._v[TINT_CSTAT] = (new & 0x1F) | status << 5
        for n in range(TIMERS):
            if not status >> n & 1:
                self.irqs[n].lower()

    # -- outputs ----------------------------------------------------------------------------

    def _update_tout(self, n):
        if n >= 4:
            return
        t, tcon = self.timers[n], self._v[TCON]
        running = (t.running and self._auto_reload(n) or t.held) and t.hz > 0
        tcntb, tcmpb = t.tcnt, t.tcmp
        period = tcntb + 1
        high = max(0, min(period, tcntb - tcmpb)) if tcmpb != 0xFFFFFFFF else period
        duty = high / period
        if tcon >> TCON_BITS[n][2] & 1:
            duty = 1.0 - duty
        self.touts[n]._set(running, (t.hz / period) if running else 0.0,
                           round(duty, 6) if running else 0.0)

    def _guest_error(self, source, message):
        if self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=source, message=message)

    def _unimp(self, source, message):
        if self.tracer.wants("unimp"):
            self.tracer.publish("unimp", source=source, message=message)
