"""The kernel's s3c2410 adapter algorithm (kernel/i2c/s3c2410.py) on the modelled I2C5 and its
MPU6050: the register sequence's results, the board driver's error codes, and no Python
error for any message list (random lists against the model)."""

import random

from emulator.kernel.i2c.s3c2410 import (ECONNREFUSED, ENXIO, I2C_M_IGNORE_NAK, I2C_M_NOSTART,
                                         I2C_M_RD, Msg, Registers, S3cI2c, calc_divisor)
from periph_hw import HwBoard

I2C5 = 0x138B0000


class Bus:
    """The MmioBus interface the adapter uses, over HwBoard's regions."""

    def __init__(self, board):
        self.board, self.reads, self.writes = board, 0, 0

    def region_at(self, pa):
        return self.board.region(pa)[0]


def adapter():
    board = HwBoard()
    logs = []
    s3c = S3cI2c(Registers(Bus(board), I2C5), lambda level, text: logs.append(text))
    return board, s3c, logs


def test_probe_programs_the_divisor_and_sda_delay():
    board, s3c, logs = adapter()
    assert s3c.init(100_000_000, 20000, 100) == 0
    assert logs == ["slave address 0x00", "bus frequency set to 19 KHz"]
    assert board.read(I2C5) == 0xE9 and board.read(I2C5 + 0x10) == 0x6
    assert calc_divisor(100000, 100) == (97, 2, 512)
    assert calc_divisor(100000, 1) == (11, 17, 512)      # too slow: the driver refuses it
    assert s3c.init(100_000_000, 1000) == -22 and "cannot meet bus frequency required" in logs


def test_transfers_and_errors():
    board, s3c, _ = adapter()
    s3c.init(100_000_000, 100000)
    who = Msg(0x68, I2C_M_RD, bytearray(1))
    assert s3c.xfer([Msg(0x68, 0, bytearray([0x75])), who]) == 2 and who.buf == b"\x68"
    assert s3c.xfer([Msg(0x69, 0, bytearray([0x75]))]) == -ENXIO
    assert s3c.xfer([Msg(0x69, I2C_M_IGNORE_NAK, bytearray([1]))]) == 1
    assert s3c.xfer([]) == -22
    lines = [f["line"] for f in board.of("i2c")]
    assert lines[:2] == ["S 0x68 W 0x75 Sr 0x68 R 0x68 P", "S 0x69 W NACK P"]
    assert board.errors() == []


def test_random_message_lists_never_raise():
    board, s3c, _ = adapter()
    s3c.init(100_000_000, 100000)
    rng = random.Random(13)
    for _ in range(300):
        msgs = [Msg(rng.choice([0x68, 0x69, 0x00]),
                    rng.choice([0, I2C_M_RD, I2C_M_NOSTART, I2C_M_RD | I2C_M_NOSTART,
                                I2C_M_IGNORE_NAK]),
                    bytearray(rng.randrange(0, 4)))
                for _ in range(rng.randrange(1, 4))]
        ret = s3c.xfer(msgs)
        assert ret in (-ENXIO, -ECONNREFUSED, -22) or 0 <= ret <= len(msgs)
        assert not board.read(I2C5 + 4) & (1 << 5), "the bus is left busy"
