"""The Exynos4412 real-time clock (0x10070000, s3c6410-style), running on virtual time.

Source: Exynos 4412 SCP User's Manual, chapter "Real Time Clock" (register map, BCD fields,
RTCCON, RTCALM); Linux ``drivers/rtc/rtc-s3c.c``/``rtc-s3c.h`` (the s3c6410 type: INTP
write-1-to-clear, TICEN in RTCCON[8], BCDYEAR = years since 2000, alarm on irq index 0 and
tick on index 1).

The time is a fixed epoch (the board file's ``rtc.epoch``, settable from Python) plus the
virtual time since the board was built, so every run reads the same clock. BCD time registers
can be written only while RTCCON[0] CTLEN is set (a write with CTLEN clear is a guest error and
ignored, as the silicon ignores it); invalid BCD digits are a guest error too. BCDDAY (day of
the week, 1 = Sunday) follows the date. The alarm compares the fields RTCALM enables each second
and raises INTP[1] and the alarm interrupt; the tick timer (TICEN, TICCKSEL, TICNT) raises
INTP[0] and the tick interrupt every TICNT + 1 tick-clock periods.
"""

import calendar
import datetime as dt

from .registers import Field, Reg, RegisterBlock

NS = 1_000_000_000
INTP, RTCCON, TICNT, RTCALM, CURTICCNT = 0x30, 0x40, 0x44, 0x50, 0x90
INTP_TIC, INTP_ALM = 1 << 0, 1 << 1
CTLEN, TICEN = 1 << 0, 1 << 8
ALMEN = 1 << 6
#: Time fields: (BCD register, alarm register, RTCALM enable bit, struct-tm-like key, mask).
FIELDS = (
    ("BCDSEC", 0x70, "ALMSEC", 0x54, 0, "second", 0x7F),
    ("BCDMIN", 0x74, "ALMMIN", 0x58, 1, "minute", 0x7F),
    ("BCDHOUR", 0x78, "ALMHOUR", 0x5C, 2, "hour", 0x3F),
    ("BCDDATE", 0x7C, "ALMDATE", 0x60, 3, "day", 0x3F),
    ("BCDMON", 0x84, "ALMMON", 0x64, 4, "month", 0x1F),
    ("BCDYEAR", 0x88, "ALMYEAR", 0x68, 5, "year", 0xFFF),
)
BCDDAY = 0x80
TICK_CLOCK_HZ = 32768
DEFAULT_EPOCH = dt.datetime(2014, 1, 1, 0, 0, 0)
#: Longest stretch of virtual time the alarm search walks (a year of seconds at most).
ALARM_SEARCH_LIMIT_S = 366 * 86400


def bcd(value):
    return int(str(value), 16)


def from_bcd(value):
    """The number of a BCD value, or None if a digit is above 9."""
    text = f"{value:x}"
    return int(text) if text.isdigit() else None


def _registers():
    regs = [
        Reg("INTP", INTP, 0, 0x3, w1c=True, doc="interrupt pending: tick [0], alarm [1]"),
        Reg("RTCCON", RTCCON, 0, 0x3FF,
            fields=(Field("CTLEN", 0, 1), Field("CLKRST", 3, 1), Field("TICCKSEL", 4, 4),
                    Field("TICEN", 8, 1), Field("CLKOUTEN", 9, 1)),
            doc="RTC control"),
        Reg("TICNT", TICNT, 0, 0xFFFF_FFFF, doc="tick time count"),
        Reg("RTCALM", RTCALM, 0, 0x7F, doc="alarm enables"),
        Reg("BCDDAY", BCDDAY, 0, 0x7, doc="day of the week (1 = Sunday)"),
        Reg("CURTICCNT", CURTICCNT, 0, 0xFFFF_FFFF, unimp=True,
            doc="current tick counter: not modelled"),
    ]
    for bcd_name, bcd_off, alm_name, alm_off, _bit, _key, mask in FIELDS:
        regs.append(Reg(bcd_name, bcd_off, 0, mask, doc=f"BCD {_key}"))
        regs.append(Reg(alm_name, alm_off, 0x01 if _key in ("day", "month") else 0, mask,
                        doc=f"alarm {_key}"))
    return regs


class Rtc:
    """The RTC: ``region`` for the bus, ``set_time()``/``now()`` for the board and scripts."""

    def __init__(self, name, base, tracer, irqs, now_ns, epoch=DEFAULT_EPOCH, pc_provider=None,
                 clock_enabled=lambda: True):
        """irqs: [alarm IrqLine, tick IrqLine]; epoch: the time at virtual time 0."""
        self.name, self.tracer, self.now_ns = name, tracer, now_ns
        self.alarm_irq, self.tick_irq = list(irqs)[:2]
        self.clock_enabled = clock_enabled
        self.region = block = RegisterBlock(name, base, 0x1000, tracer, pc_provider)
        self._v = block.values
        self._base_s = calendar.timegm(epoch.timetuple())     # seconds at virtual time 0
        self._base_ns = 0
        self._tick_anchor, self._ticks = 0, 0
        for reg in _registers():
            block.add(reg, *self._behaviour(reg))
        self._checked_s = self._base_s           # the board is built at virtual time 0

    def _behaviour(self, reg):
        for bcd_name, bcd_off, alm_name, _alm_off, _bit, key, _mask in FIELDS:
            if reg.name == bcd_name:
                return (lambda stored, key=key: self._read_field(key),
                        lambda old, new, lanes, key=key, off=bcd_off: self._write_field(key, off, old, new))
        table = {"INTP": (self._intp_read, self._intp_written), "RTCCON": (None, self._con_written),
                 "TICNT": (None, self._ticnt_written),
                 "BCDDAY": (lambda stored: self._weekday(), None)}
        return table.get(reg.name, (None, None))

    # -- the board side ---------------------------------------------------------------------

    def _seconds(self, now):
        return self._base_s + (now - self._base_ns) // NS

    def now(self):
        """The RTC's time now (a naive datetime, UTC)."""
        return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=self._seconds(self.now_ns()))

    def set_time(self, when):
        """Set the clock to ``when`` (a datetime) as of now (the Python API and scripts)."""
        self.advance()
        now = self.now_ns()
        self._base_s, self._base_ns = calendar.timegm(when.timetuple()), now - now % NS
        self._checked_s = self._seconds(now)

    # -- time fields --------------------------------------------------------------------------

    def _fields(self, seconds=None):
        t = dt.datetime(1970, 1, 1) + dt.timedelta(
            seconds=self._seconds(self.now_ns()) if seconds is None else seconds)
        return {"second": t.second, "minute": t.minute, "hour": t.hour, "day": t.day,
                "month": t.month, "year": t.year - 2000}

    def _read_field(self, key):
        self.advance()
        return bcd(self._fields()[key])

    def _weekday(self):
        return self.now().isoweekday() % 7 + 1

    def _write_field(self, key, offset, old, new):
        name = next(f[0] for f in FIELDS if f[5] == key)
        if not self._v[RTCCON] & CTLEN:
            self._guest_error(name, f"write of {new:#x} with RTCCON[0] CTLEN=0: ignored")
            return
        value = from_bcd(new)
        fields = self._fields()
        fields[key] = value
        try:
            if value is None:
                raise ValueError("not BCD")
            when = dt.datetime(fields["year"] + 2000, fields["month"], fields["day"],
                               fields["hour"], fields["minute"], fields["second"])
        except ValueError:
            self._guest_error(name, f"write of {new:#x}: not a valid BCD {key}: ignored")
            return
        self.set_time(when)

    # -- alarm and tick -----------------------------------------------------------------------

    def _alarm_matches(self, seconds):
        alm = self._v[RTCALM]
        fields = self._fields(seconds)
        for _b, _bo, _an, alm_off, bit, key, _m in FIELDS:
            if alm >> bit & 1 and bcd(fields[key]) != self._v[alm_off]:
                return False
        return True

    def _next_alarm(self, after, until):
        """The first second in (after, until] the alarm matches, or None."""
        alm = self._v[RTCALM]
        if not alm & ALMEN or not alm & 0x3F:
            return None
        s = after + 1
        until = min(until, after + ALARM_SEARCH_LIMIT_S)
        want_sec = from_bcd(self._v[0x54]) if alm & 1 else None
        while s <= until:
            if want_sec is not None:
                sec = (s % 60)
                if sec != want_sec:
                    s += (want_sec - sec) % 60
                    continue
            if self._alarm_matches(s):
                return s
            s += 60 if want_sec is not None else 1
        return None

    def tick_period_ns(self):
        hz = TICK_CLOCK_HZ / (1 << ((self._v[RTCCON] >> 4) & 0xF))
        return (self._v[TICNT] + 1) * NS / hz

    def advance(self, now=None):
        now = self.now_ns() if now is None else now
        seconds = self._seconds(now)
        if self._checked_s is not None and seconds > self._checked_s:
            hit = self._next_alarm(self._checked_s, seconds)
            self._checked_s = seconds
            if hit is not None:
                self._v[INTP] |= INTP_ALM
                self.alarm_irq.raise_()
        if self._v[RTCCON] & TICEN:
            ticks = int((now - self._tick_anchor) // self.tick_period_ns())
            if ticks > self._ticks:
                self._ticks = ticks
                self._v[INTP] |= INTP_TIC
                self.tick_irq.raise_()

    def next_event_ns(self):
        events = []
        now = self.now_ns()
        seconds = self._seconds(now)
        hit = self._next_alarm(seconds, seconds + 86400)
        if hit is not None:
            events.append(self._base_ns + (hit - self._base_s) * NS)
        if self._v[RTCCON] & TICEN and not self._v[INTP] & INTP_TIC:
            period = self.tick_period_ns()
            events.append(int(self._tick_anchor + (self._ticks + 1) * period) + 1)
        return min(events) if events else None

    # -- register behaviour -------------------------------------------------------------------

    def _intp_read(self, stored):
        self.advance()
        return self._v[INTP]

    def _con_written(self, old, new, lanes):
        if (old ^ new) & TICEN or (old ^ new) & 0xF0:
            self._tick_anchor, self._ticks = self.now_ns(), 0

    def _ticnt_written(self, old, new, lanes):
        self._tick_anchor, self._ticks = self.now_ns(), 0

    def _intp_written(self, old, new, lanes):
        self._v[INTP] = old & ~(new & lanes)          # write 1 to clear
        if not self._v[INTP] & INTP_ALM:
            self.alarm_irq.lower()
        if not self._v[INTP] & INTP_TIC:
            self.tick_irq.lower()

    def _guest_error(self, source, message):
        if self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=source, message=message)
