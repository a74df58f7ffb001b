"""GIC, combiner and GPIO EINT models: a key on an EINT pin reaches the CPU's IRQ line."""

import pytest

from emulator.hw.board import build_hardware, load_board
from emulator.trace import Tracer

GPX1CON, EXT_INT41_CON, EXT_INT41_MASK, EXT_INT41_PEND = 0x11000C20, 0x11000E04, 0x11000F04, 0x11000F44
ICDDCR, ICDISER0, ICDICER0, ICDISPR0, ICDABR0 = 0x10490000, 0x10490100, 0x10490180, 0x10490200, 0x10490300
ICDIPR0, ICDICFR0 = 0x10490400, 0x10490C00
ICCICR, ICCPMR, ICCIAR, ICCEOIR, ICCHPIR = 0x10480000, 0x10480004, 0x1048000C, 0x10480010, 0x10480018
K2_ID = 32 + 25


class Board:
    def __init__(self):
        self.tracer = Tracer()
        self.hw = build_hardware(load_board("fs4412"), self.tracer)
        self.irq = []
        self.hw.gic.connect(self.irq.append)

    def _region(self, addr):
        for region in self.hw.mmio_regions:
            if region.base <= addr < region.base + region.size:
                return region, addr - region.base
        raise AssertionError(hex(addr))

    def read(self, addr):
        region, off = self._region(addr)
        return region.read(off, 4)

    def write(self, addr, value):
        region, off = self._region(addr)
        region.write(off, 4, value)

    def gic_on(self, irq):
        self.write(ICDDCR, 1)
        self.write(ICCICR, 1)
        self.write(ICCPMR, 0xF0)
        self.write(ICDIPR0 + (irq & ~3), 0xA0A0A0A0)
        self.write(ICDISER0 + 4 * (irq // 32), 1 << irq % 32)

    def eint(self, pin, trigger):
        con = self.read(GPX1CON)
        self.write(GPX1CON, con | 0xF << 4 * pin)
        self.write(EXT_INT41_CON, self.read(EXT_INT41_CON) & ~(7 << 4 * pin) | trigger << 4 * pin)
        self.write(EXT_INT41_MASK, self.read(EXT_INT41_MASK) & ~(1 << pin))


@pytest.fixture
def board():
    return Board()


def test_gic_reset_and_identification(board):
    assert board.read(0x10490004) == 4                    # ICDICTR: 160 interrupt IDs
    assert board.read(ICCIAR) == 1023                     # nothing pending: spurious
    assert board.read(ICDISER0) == 0xFFFF                 # SGIs always enabled


def test_falling_edge_on_k2_raises_spi_25(board):
    board.gic_on(K2_ID)
    board.eint(1, 2)                                       # falling edge
    assert board.irq == []
    board.hw.keys["K2"].press()                            # the line goes low
    assert board.read(EXT_INT41_PEND) == 0b10
    assert board.irq == [True]
    assert board.read(ICCHPIR) == K2_ID
    assert board.read(ICCIAR) == K2_ID                     # acknowledge: active
    assert board.read(ICDABR0 + 4) == 1 << 25
    assert board.irq == [True, False]
    board.write(EXT_INT41_PEND, 0b10)                      # the handler clears the source
    board.write(ICCEOIR, K2_ID)
    assert board.read(ICDABR0 + 4) == 0 and board.irq == [True, False]
    board.hw.keys["K2"].release()                          # rising edge: not programmed
    assert board.read(EXT_INT41_PEND) == 0


@pytest.mark.parametrize("trigger, press, release", [(3, 0, 1), (4, 1, 1), (2, 1, 0)])
def test_trigger_types(board, trigger, press, release):
    board.eint(2, trigger)                                 # K3 = gpx1-2
    board.hw.keys["K3"].press()
    assert board.read(EXT_INT41_PEND) >> 2 & 1 == press
    board.write(EXT_INT41_PEND, 0xFF)
    board.hw.keys["K3"].release()
    assert board.read(EXT_INT41_PEND) >> 2 & 1 == release


def test_low_level_stays_pending_while_held(board):
    board.eint(1, 0)
    board.hw.keys["K2"].press()
    board.write(EXT_INT41_PEND, 0xFF)
    assert board.read(EXT_INT41_PEND) == 0b10             # still low: pending again
    board.hw.keys["K2"].release()
    board.write(EXT_INT41_PEND, 0xFF)
    assert board.read(EXT_INT41_PEND) == 0


def test_masked_or_not_eint_function_does_not_pend(board):
    board.write(EXT_INT41_CON, 2 << 4)                     # falling, but pin is still input
    board.write(EXT_INT41_MASK, 0)
    board.hw.keys["K2"].press()
    assert board.read(EXT_INT41_PEND) == 0
    board.gic_on(K2_ID)
    board.write(GPX1CON, 0xF << 4)
    board.write(EXT_INT41_MASK, 0xFF)
    board.hw.keys["K2"].release()
    board.hw.keys["K2"].press()
    assert board.read(EXT_INT41_PEND) == 0b10 and board.irq == []   # masked: no output
    board.write(EXT_INT41_MASK, 0xFD)
    assert board.irq == [True]


def test_k4_on_shared_wakeup_line_spi_32(board):
    board.gic_on(64)
    gpx3con, con43, mask43, pend43 = 0x11000C60, 0x11000E0C, 0x11000F0C, 0x11000F4C
    board.write(gpx3con, 0xF << 8)
    board.write(con43, 2 << 8)
    board.write(mask43, 0xFB)
    board.hw.keys["K4"].press()
    assert board.read(pend43) == 0b100
    assert board.read(ICCIAR) == 64


def test_priority_mask_and_disable(board):
    board.gic_on(K2_ID)
    board.write(ICCPMR, 0x80)                              # priority 0xA0 is masked
    board.eint(1, 2)
    board.hw.keys["K2"].press()
    assert board.irq == [] and board.read(ICCIAR) == 1023
    board.write(ICCPMR, 0xF0)
    assert board.irq == [True]
    board.write(ICDICER0 + 4, 1 << 25)
    assert board.irq == [True, False]


def test_combiner_group_drives_its_spi(board):
    hw = board.hw
    board.gic_on(32 + 10)
    hw.combiner.line(10, 3)(1)                             # the ADC's end of conversion
    assert board.irq == []                                 # group input not enabled
    board.write(0x10440020, 1 << 19)                       # IESR2: group 10 bit 3
    assert board.read(0x1044002C) == 1 << 19               # IMSR2
    assert board.irq == [True]
    assert board.read(ICCIAR) == 42
    hw.combiner.line(10, 3)(0)
    assert board.read(0x1044002C) == 0


def test_software_pending_and_edge_config(board):
    board.gic_on(40)
    board.write(ICDICFR0 + 8, 0x2 << 16)                   # ID 40 edge-triggered
    board.write(ICDISPR0 + 4, 1 << 8)
    assert board.read(ICCIAR) == 40
    board.write(ICCEOIR, 40)
    assert board.read(ICCIAR) == 1023
