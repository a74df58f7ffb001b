"""The watchdog through its registers: counting, feeding, interrupt, board reset."""

import pytest

from periph_hw import HwBoard

WDT = 0x10060000
WTCON, WTDAT, WTCNT, WTCLRINT = WDT, WDT + 4, WDT + 8, WDT + 0xC
#: prescaler 99, divider 128, enable, reset enable: 100 MHz / 100 / 128 = 7812.5 Hz.
RESET_MODE = 99 << 8 | 3 << 3 | 1 << 5 | 1
TICK_NS = 128_000


@pytest.fixture
def b():
    return HwBoard()


def test_after_boot_the_watchdog_is_stopped(b):
    assert b.read(WTCON) == 0x8000
    assert b.read(WTDAT) == 0x8000 and b.read(WTCNT) == 0x8000
    b.advance_to(10**12)
    assert b.periph.reset_message is None


def test_counts_down_and_resets_the_board(b):
    b.write(WTDAT, 1000)
    b.write(WTCNT, 1000)
    b.write(WTCON, RESET_MODE)
    b.now = 500 * TICK_NS
    assert b.read(WTCNT) == 500
    assert b.periph.next_event_ns() == pytest.approx(1000 * TICK_NS, abs=2)
    b.advance_to(999 * TICK_NS)
    assert b.periph.reset_message is None
    b.advance_to(1000 * TICK_NS)
    assert b.periph.reset_message == "watchdog: board reset"
    assert b.of("board_reset") == [{"source": "watchdog",
                                    "message": "watchdog counter reached 0 with reset enabled"}]


def test_feeding_keeps_it_alive(b):
    b.write(WTCNT, 1000)
    b.write(WTCON, RESET_MODE)
    for i in range(1, 20):
        b.advance_to(i * 800 * TICK_NS)
        b.write(WTCNT, 1000)                            # the feed
    assert b.periph.reset_message is None


def test_interrupt_mode_raises_its_line_and_reloads(b):
    line = b.irq("wdt")
    b.write(WTDAT, 100)
    b.write(WTCNT, 100)
    b.write(WTCON, 99 << 8 | 3 << 3 | 1 << 5 | 1 << 2)  # interrupt, no reset
    b.advance_to(100 * TICK_NS)
    assert line.level == 1 and b.periph.reset_message is None
    assert b.read(WTCNT) == 100                         # reloaded from WTDAT
    b.write(WTCLRINT, 1)
    assert line.level == 0
    b.advance_to(200 * TICK_NS)
    assert line.level == 1


def test_disable_freezes_the_count(b):
    b.write(WTCNT, 1000)
    b.write(WTCON, RESET_MODE)
    b.now = 100 * TICK_NS
    b.write(WTCON, RESET_MODE & ~(1 << 5))
    b.advance_to(10**12)
    assert b.read(WTCNT) == 900 and b.periph.reset_message is None
