"""The RTC: BCD time from a fixed epoch plus virtual time, CTLEN, alarm and tick interrupts."""

import datetime as dt

import pytest

from periph_hw import HwBoard

RTC = 0x10070000
INTP, RTCCON, TICNT, RTCALM = RTC + 0x30, RTC + 0x40, RTC + 0x44, RTC + 0x50
ALMSEC, ALMMIN, ALMHOUR = RTC + 0x54, RTC + 0x58, RTC + 0x5C
BCDSEC, BCDMIN, BCDHOUR, BCDDATE, BCDDAY, BCDMON, BCDYEAR = (
    RTC + 0x70, RTC + 0x74, RTC + 0x78, RTC + 0x7C, RTC + 0x80, RTC + 0x84, RTC + 0x88)
S = 1_000_000_000


@pytest.fixture
def b():
    return HwBoard()


def time_regs(b):
    return [b.read(a) for a in (BCDYEAR, BCDMON, BCDDATE, BCDHOUR, BCDMIN, BCDSEC)]


def test_epoch_then_virtual_time(b):
    assert time_regs(b) == [0x14, 0x01, 0x01, 0x00, 0x00, 0x00]   # 2014-01-01 00:00:00
    assert b.read(BCDDAY) == 4                                     # a Wednesday (1 = Sunday)
    b.now = 3723 * S + 5
    assert time_regs(b) == [0x14, 0x01, 0x01, 0x01, 0x02, 0x03]


def test_setting_time_needs_ctlen(b):
    b.write(BCDHOUR, 0x12)
    assert b.read(BCDHOUR) == 0 and any("CTLEN=0" in m for m in b.errors())
    b.write(RTCCON, 1)
    for addr, value in ((BCDYEAR, 0x26), (BCDMON, 0x12), (BCDDATE, 0x02),
                        (BCDHOUR, 0x06), (BCDMIN, 0x59), (BCDSEC, 0x58)):
        b.write(addr, value)
    b.write(RTCCON, 0)
    b.now += 3 * S
    assert time_regs(b) == [0x26, 0x12, 0x02, 0x07, 0x00, 0x01]
    assert b.periph.first("rtc").now() == dt.datetime(2026, 12, 2, 7, 0, 1)


def test_invalid_bcd_is_a_guest_error(b):
    b.write(RTCCON, 1)
    b.write(BCDMIN, 0x6A)
    assert b.read(BCDMIN) == 0 and any("not a valid BCD" in m for m in b.errors())


def test_alarm_raises_intp_and_its_line(b):
    line = b.irq("rtc", 0)
    b.write(ALMMIN, 0x01)
    b.write(ALMSEC, 0x30)
    b.write(RTCALM, 1 << 6 | 1 << 1 | 1)                # ALMEN, MINEN, SECEN
    assert b.periph.first("rtc").next_event_ns() == 90 * S
    b.advance_to(89 * S)
    assert line.level == 0
    b.advance_to(95 * S)
    assert line.level == 1 and b.read(INTP) == 0x2
    b.write(INTP, 0x2)
    assert line.level == 0 and b.read(INTP) == 0


def test_tick_interrupt(b):
    line = b.irq("rtc", 1)
    b.write(TICNT, 32767)                               # 32768 ticks of 32768 Hz: 1 s
    b.write(RTCCON, 1 << 8)
    b.advance_to(S - 1)
    assert line.level == 0
    b.advance_to(S)
    assert line.level == 1 and b.read(INTP) == 0x1


def test_settable_epoch_from_python(b):
    rtc = b.periph.first("rtc")
    rtc.set_time(dt.datetime(2020, 2, 29, 23, 59, 59))
    b.now += S
    assert time_regs(b) == [0x20, 0x03, 0x01, 0x00, 0x00, 0x00]
