"""PWM timers and the beeper on TOUT0, driven through the registers (virtual time)."""

import pytest

from periph_hw import HwBoard

PWM = 0x139D0000
TCFG0, TCFG1, TCON, TCNTB0, TCMPB0, TCNTO0 = PWM, PWM + 4, PWM + 8, PWM + 0xC, PWM + 0x10, PWM + 0x14
TCNTB1, TCNTO1, TCNTB4, TCNTO4, TINT_CSTAT = PWM + 0x18, PWM + 0x20, PWM + 0x3C, PWM + 0x40, PWM + 0x44
GPD0CON = 0x114000A0


@pytest.fixture
def b():
    return HwBoard()


def start_beeper(b, prescaler=99, divider_mux=0, tcntb=999, tcmpb=499):
    """The course's sequence: GPD0_0 = TOUT0, prescaler/divider, buffers, manual update, start."""
    b.write(GPD0CON, (b.read(GPD0CON) & ~0xF) | 0x2)
    b.write(TCFG0, (b.read(TCFG0) & ~0xFF) | prescaler)
    b.write(TCFG1, (b.read(TCFG1) & ~0xF) | divider_mux)
    b.write(TCNTB0, tcntb)
    b.write(TCMPB0, tcmpb)
    b.write(TCON, (b.read(TCON) & ~0xF) | 0x2)          # manual update
    b.write(TCON, (b.read(TCON) & ~0xF) | 0x9)          # auto-reload + start


def test_reset_values(b):
    assert b.read(TCFG0) == 0x0101
    assert [b.read(a) for a in (TCFG1, TCON, TCNTB0, TCMPB0, TCNTO0, TINT_CSTAT)] == [0] * 6
    assert not b.periph.beeper.on


def test_beeper_sounds_at_programmed_frequency_and_duty(b):
    start_beeper(b)                                      # 100 MHz / 100 / 1 = 1 MHz; 1000 ticks
    beeper = b.periph.beeper
    assert beeper.on and beeper.frequency == pytest.approx(1000.0) and beeper.duty == 0.5
    assert beeper.describe() == "beeper: on 1000.0 Hz duty 50%"
    assert b.of("beeper") == [{"beeper": "beeper", "on": True, "frequency": 1000.0, "duty": 0.5}]
    assert b.errors() == []
    b.write(TCON, b.read(TCON) & ~0x1)                   # stop
    assert not beeper.on and b.of("beeper")[-1]["on"] is False


def test_course_values_prescaler_255_div_4(b):
    start_beeper(b, prescaler=255, divider_mux=2, tcntb=97, tcmpb=48)
    assert b.periph.beeper.frequency == pytest.approx(100e6 / 256 / 4 / 98)
    assert b.periph.beeper.describe() == "beeper: on 996.5 Hz duty 50%"


def test_buffers_take_effect_at_manual_update_or_reload(b):
    start_beeper(b)
    b.now = 250_000
    b.write(TCNTB0, 1999)
    b.write(TCMPB0, 999)
    assert b.periph.beeper.frequency == 1000.0           # still the loaded period
    b.advance_to(999_999)
    assert b.periph.beeper.frequency == 1000.0
    b.advance_to(1_000_000)
    assert b.periph.beeper.frequency == 500.0 and b.periph.beeper.duty == 0.5
    assert [e["frequency"] for e in b.of("beeper")] == [1000.0, 500.0]


def test_beeper_needs_the_pin_function(b):
    start_beeper(b)
    b.write(GPD0CON, 0x1)                                # back to a GPIO output: silent
    assert not b.periph.beeper.on
    b.write(GPD0CON, 0x2)
    assert b.periph.beeper.on


def test_zero_or_full_duty_is_silent_and_inverter_flips(b):
    start_beeper(b, tcmpb=999)                           # TCMPB >= TCNTB: output stays low
    assert not b.periph.beeper.on
    b.write(TCMPB0, 249)                                 # takes effect at the next reload
    assert not b.periph.beeper.on
    assert b.periph.next_event_ns() == 1_000_001
    b.advance_to(1_000_001)
    assert b.periph.beeper.duty == 0.75
    b.write(TCON, b.read(TCON) | 0x4)                    # inverter
    assert b.periph.beeper.duty == 0.25


def test_tcnto_counts_down_in_virtual_time_and_reloads(b):
    start_beeper(b)                                      # 1 tick = 1 us, period 1000 ticks
    assert b.read(TCNTO0) == 999
    b.now = 300_000
    assert b.read(TCNTO0) == 699
    b.now = 1_000_000                                    # 1000 ticks: reloaded to 999
    assert b.read(TCNTO0) == 999
    b.now = 1_500_000
    assert b.read(TCNTO0) == 499
    b.write(TCON, b.read(TCON) & ~0x1)
    b.now = 9_000_000
    assert b.read(TCNTO0) == 499                         # stopped: holds


def test_interrupt_status_and_line(b):
    b.write(TCFG0, 99)
    b.write(TCNTB1, 9)                                   # timer 1: 10 us period
    b.write(TINT_CSTAT, 1 << 1)                          # enable timer 1's interrupt
    b.write(TCON, 1 << 9)
    b.write(TCON, (1 << 8) | (1 << 11))
    line = b.irq("pwm", 1)
    b.advance_to(5_000)
    assert b.read(TINT_CSTAT) == 0x2 and line.level == 0
    b.advance_to(10_000)
    assert b.read(TINT_CSTAT) == 0x2 | 1 << 6 and line.level == 1
    assert b.periph.next_event_ns() is None              # pending: more expiries change nothing
    b.write(TINT_CSTAT, 0x2 | 1 << 6)                    # write 1 to clear the status
    assert b.read(TINT_CSTAT) == 0x2 and line.level == 0
    assert b.periph.next_event_ns() == 20_001


def test_one_shot_timer_stops_at_zero(b):
    b.write(TCFG0, 99 << 8)                              # prescaler 1 feeds timers 2-4
    b.write(TCNTB4, 99)
    b.write(TCON, 1 << 21)
    b.write(TCON, 1 << 20)                               # start, no auto-reload
    b.now = 50_000
    assert b.read(TCNTO4) == 49
    b.now = 200_000
    assert b.read(TCNTO4) == 0
    b.now = 900_000
    assert b.read(TCNTO4) == 0


def test_misuse_is_a_guest_error(b):
    b.write(TCFG1, 0x7)                                  # reserved divider for timer 0
    b.write(TCON, 0x9)
    assert any("reserved divider" in m for m in b.errors())
    b2 = HwBoard()
    b2.write(TCON, 0x9)                                  # TCNTB0 = 0: zero period
    assert any("zero period" in m for m in b2.errors())
    assert not b2.periph.beeper.on
    b2.write(TCNTO0, 5)
    assert any("read-only TCNTO0" in m for m in b2.errors())


def test_dead_zone_is_reported_unmodelled(b):
    b.write(TCON, 0x10)
    assert any(f["source"] == "TCON" for f in b.of("unimp"))


def test_course_retune_sequence_keeps_the_buzzer_sounding(b):
    """TCON = (TCON & ~0xF) | 0x2 stops the counter for a few instructions while the new
    buffers load: the buzzer does not stop for that; it changes pitch."""
    start_beeper(b)
    b.write(TCNTB0, 1999)
    b.write(TCMPB0, 999)
    b.write(TCON, (b.read(TCON) & ~0xF) | 0x2)
    assert b.periph.beeper.on and b.periph.beeper.frequency == 500.0
    b.write(TCON, (b.read(TCON) & ~0xF) | 0x9)
    assert [(e["on"], e["frequency"]) for e in b.of("beeper")] == [(True, 1000.0), (True, 500.0)]
    b.write(TCON, b.read(TCON) & ~0xF | 0x2)               # manual update, then nothing:
    b.write(TCON, b.read(TCON) & ~0xF)                     # stopped
    assert not b.periph.beeper.on
