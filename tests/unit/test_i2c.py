"""The s3c2440-style I2C controller: the master flow charts, ACK/NACK, repeated start, IRQ."""

import pytest

from periph_hw import HwBoard

I2C5 = 0x138B0000
I2CCON, I2CSTAT, I2CADD, I2CDS, I2CLC = I2C5, I2C5 + 4, I2C5 + 8, I2C5 + 0xC, I2C5 + 0x10
PEND = 1 << 4
CON = 1 << 7 | 1 << 5                 # ACK enable, interrupt enable


@pytest.fixture
def b():
    return HwBoard()


def wait(b):
    assert b.read(I2CCON) & PEND, "no interrupt pending"


def read_register(b, reg, count=1, addr=0x68):
    """The course driver's sequence: write the register address, repeated start, read."""
    b.write(I2CCON, CON)
    b.write(I2CDS, addr << 1)
    b.write(I2CSTAT, 0xF0)                              # master transmit, START
    wait(b)
    b.write(I2CDS, reg)
    b.write(I2CCON, CON)                                # clear pending: send
    wait(b)
    b.write(I2CDS, addr << 1 | 1)
    b.write(I2CSTAT, 0xB0)                              # master receive, repeated START
    b.write(I2CCON, CON)
    wait(b)
    data = []
    for i in range(count):
        b.write(I2CCON, CON if i < count - 1 else CON & ~(1 << 7))   # NACK the last byte
        wait(b)
        data.append(b.read(I2CDS))
    b.write(I2CSTAT, 0x90)                              # STOP
    b.write(I2CCON, CON)
    return data


def test_reset_values(b):
    assert [b.read(a) for a in (I2CCON, I2CSTAT, I2CADD, I2CDS, I2CLC)] == [0] * 5


def test_who_am_i_with_repeated_start_and_decoded_line(b):
    assert read_register(b, 0x75) == [0x68]
    assert b.of("i2c") == [{"bus": "i2c5", "line": "S 0x68 W 0x75 Sr 0x68 R 0x68 P"}]
    assert not b.read(I2CSTAT) & (1 << 5)               # bus free
    assert b.errors() == []


def test_address_ack_and_nack(b):
    b.write(I2CCON, CON)
    b.write(I2CDS, 0x68 << 1)
    b.write(I2CSTAT, 0xF0)
    assert b.read(I2CSTAT) == 0xF0                      # busy, LRB 0: ACK
    b.write(I2CSTAT, 0xD0)
    b.write(I2CCON, CON)
    b.write(I2CDS, 0x50 << 1)                           # nobody at 0x50
    b.write(I2CSTAT, 0xF0)
    assert b.read(I2CSTAT) & 1                          # LRB: no ACK
    b.write(I2CSTAT, 0xD0)
    b.write(I2CCON, CON)
    assert b.of("i2c")[-1] == {"bus": "i2c5", "line": "S 0x50 W NACK P"}


def test_interrupt_line_follows_pending_and_enable(b):
    line = b.irq("i2c5")
    b.write(I2CCON, CON)
    b.write(I2CDS, 0x68 << 1)
    b.write(I2CSTAT, 0xF0)
    assert line.level == 1
    b.write(I2CCON, CON & ~(1 << 5) | PEND)             # interrupt disabled: line low
    assert line.level == 0
    b.write(I2CSTAT, 0xD0)
    b.write(I2CCON, CON)
    assert line.level == 0 and not b.read(I2CCON) & PEND


def test_linux_driver_sequence(b):
    """i2c-s3c2410's message_start: STAT without START, DS, CON, then STAT | START; the
    repeated start is written while the previous byte is still pending."""
    b.write(I2CSTAT, 0xD0)
    b.write(I2CDS, 0x68 << 1)
    b.write(I2CCON, b.read(I2CCON) | CON)
    b.write(I2CSTAT, 0xF0)
    wait(b)
    b.write(I2CDS, 0x6B)                                # PWR_MGMT_1
    b.write(I2CCON, b.read(I2CCON) & ~PEND)
    wait(b)
    b.write(I2CSTAT, 0x90)                              # next message: MRX, no START yet
    b.write(I2CDS, 0x68 << 1 | 1)
    b.write(I2CCON, b.read(I2CCON))
    b.write(I2CSTAT, 0xB0)
    b.write(I2CCON, b.read(I2CCON) & ~PEND)             # out_ack
    wait(b)
    b.write(I2CCON, b.read(I2CCON) & ~PEND & ~(1 << 7))
    wait(b)
    assert b.read(I2CDS) == 0x40                        # PWR_MGMT_1 reset: asleep
    b.write(I2CSTAT, 0x90)
    b.write(I2CCON, b.read(I2CCON) & ~PEND)
    assert b.of("i2c")[-1]["line"] == "S 0x68 W 0x6b Sr 0x68 R 0x40 P"


def test_start_with_output_disabled_is_a_guest_error(b):
    b.write(I2CDS, 0x68 << 1)
    b.write(I2CSTAT, 0xE0)
    assert not b.read(I2CCON) & PEND
    assert any("serial output disabled" in m for m in b.errors())


def test_other_controllers_exist_with_their_names(b):
    b.write(0x13860000 + 0xC, 0x12)
    assert b.read(0x13860000 + 0xC) == 0x12
    assert b.region(0x138D0000)[0].reg_name(0) == "I2CCON7"
