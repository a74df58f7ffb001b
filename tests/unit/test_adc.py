"""The ADC through its registers: conversions in virtual time, resolution, inputs, misuse."""

import pytest

from periph_hw import HwBoard

ADC = 0x126C0000
ADCCON, ADCDLY, ADCDAT, CLRINTADC, ADCMUX = ADC, ADC + 8, ADC + 0xC, ADC + 0x18, ADC + 0x1C
ECFLG = 1 << 15
#: The course driver's ADCCON: 12-bit, prescaler enabled, PRSCVL 0xFF, start.
START_12BIT = 1 << 16 | 1 << 14 | 0xFF << 6 | 1


@pytest.fixture
def b():
    return HwBoard()


def test_reset_values(b):
    assert b.read(ADCCON) == 0x3FC4
    assert b.read(ADCDLY) == 0xFF and b.read(ADCDAT) == 0 and b.read(ADCMUX) == 0


def test_pot_conversion_takes_virtual_time(b):
    b.write(ADCMUX, 3)
    b.write(ADCCON, START_12BIT)
    assert b.read(ADCCON) & (ECFLG | 1) == 0           # in progress, ENABLE_START cleared
    conversion = 5 * 256 * 10                           # 5 clocks of 100 MHz / 256
    b.now = conversion - 1
    assert not b.read(ADCCON) & ECFLG
    b.now = conversion
    assert b.read(ADCCON) & ECFLG
    assert b.read(ADCDAT) == 2048                       # 0.9 V of 1.8 V, 12 bits
    assert b.of("adc") == [{"channel": "AIN3", "value": 2048, "volts": pytest.approx(0.9, abs=1e-3)}]
    assert b.errors() == []


def test_ten_bit_and_other_channel(b):
    b.periph.first("adc").set_input("AIN1", 1.8)
    b.write(ADCMUX, 1)
    b.write(ADCCON, START_12BIT & ~(1 << 16))
    b.now = 10**6
    assert b.read(ADCDAT) == 1023


def test_end_of_conversion_interrupt_and_clear(b):
    line = b.irq("adc")
    b.write(ADCCON, START_12BIT)
    assert b.periph.next_event_ns() == 12800
    b.advance_to(12800)
    assert line.level == 1
    b.write(CLRINTADC, 1)
    assert line.level == 0


def test_read_start_converts_on_each_read(b):
    b.write(ADCMUX, 3)
    b.write(ADCCON, START_12BIT & ~1 | 1 << 1)          # READ_START
    b.read(ADCDAT)                                      # starts the first conversion
    b.now = 10**6
    first = b.read(ADCDAT)
    assert first == 2048 and not b.read(ADCCON) & ECFLG   # the read started the next one


def test_start_in_standby_converts_nothing(b):
    b.write(ADCCON, 0x3FC4 | 1 << 14 | 1)               # STDBM still set
    b.now = 10**6
    assert not b.read(ADCCON) & ECFLG
    assert any("standby" in m for m in b.errors())


def test_prescaler_disabled_and_too_fast(b):
    b.write(ADCCON, 0xFF << 6 | 1)
    assert any("prescaler disabled" in m for m in b.errors())
    b.write(ADCCON, 1 << 14 | 4 << 6 | 1)
    assert any("above 5 MHz" in m for m in b.errors())


def test_reading_before_ecflg_is_a_guest_error(b):
    b.write(ADCCON, START_12BIT)
    assert b.read(ADCDAT) == 0                          # previous result
    assert any("before the end of conversion" in m for m in b.errors())


def test_inputs_are_checked(b):
    adc = b.periph.first("adc")
    with pytest.raises(ValueError, match="outside"):
        adc.set_input("AIN3", 3.3)
    with pytest.raises(ValueError, match="no ADC input"):
        adc.set_input("AIN9", 1)


def test_inspecting_adcdat_has_no_side_effects(b):
    adc = b.periph.first("adc")
    b.write(ADCCON, START_12BIT & ~1 | 1 << 1)          # READ_START: guest reads convert
    assert adc.region.peek(ADCDAT - ADC) == 0
    assert adc.next_event_ns() is None and b.errors() == []
