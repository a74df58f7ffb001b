"""The Exynos4412 GPIO model as a driver sees it: register values, LEDs, keys, trace events."""

import pytest

from emulator.hw.board import build_hardware, load_board
from emulator.trace import Tracer
from periph_hw import HwBoard

PART1, PART2 = 0x11400000, 0x11000000
GPX1CON, GPX1DAT, GPX1PUD = 0x11000C20, 0x11000C24, 0x11000C28
GPX2CON, GPX2DAT, GPX2PUD, GPX2DRV = 0x11000C40, 0x11000C44, 0x11000C48, 0x11000C4C
GPF3CON, GPF3DAT, GPF3PUD = 0x114001E0, 0x114001E4, 0x114001E8
EXT_INT40_CON, EXT_INT40_MASK = 0x11000E00, 0x11000F00


class Board(HwBoard):
    """The FS4412 hardware with a recording tracer and physical-address MMIO helpers."""

    def clear(self):
        self.events.clear()


@pytest.fixture
def board():
    return Board()


def test_reset_values(board):
    assert board.read(GPX2CON) == 0                    # every pin an input
    assert board.read(GPX2PUD) == 0x5555               # pull-downs enabled
    assert board.read(GPF3PUD) == 0x0555               # 6-pin bank: masked to its width
    assert board.read(0x11400068) == 0x0155            # GPC0PUD, 5 pins
    assert board.read(GPX2DRV) == 0
    assert board.read(0x11400010) == 0                 # GPA0CONPDN
    assert board.read(0x11400014) == 0                 # GPA0PUDPDN
    assert board.read(GPX2DAT) == 0                    # inputs pulled down
    assert board.read(GPX1DAT) == 0b110                # K2, K3 released: board pull-ups
    assert board.read(EXT_INT40_MASK) == 0xFF          # interrupts masked
    assert board.read(0x11400904) == 0x3F              # EXT_INT2_MASK (gpa1, 6 pins)
    assert not any(led.on for led in board.hw.leds.values())
    assert board.hw.gpio.pin("gpx2-7").function == "input"


def test_con_then_dat_lights_led2(board):
    led2, pin = board.hw.leds["LED2"], board.hw.gpio.pin("gpx2-7")
    board.write(GPX2CON, (board.read(GPX2CON) & ~(0xF << 28)) | (0x1 << 28))
    assert pin.function == "output" and not led2.on
    board.write(GPX2DAT, board.read(GPX2DAT) | (1 << 7))
    assert led2.on and pin.level == 1
    assert board.read(GPX2DAT) == 0x80
    assert board.of("pin") == [{"pin": "gpx2-7", "level": 0}, {"pin": "gpx2-7", "level": 1}]
    assert board.of("led") == [{"led": "LED2", "on": True}]
    assert board.of("guest_error") == []
    board.write(GPX2DAT, board.read(GPX2DAT) & ~(1 << 7))
    assert not led2.on
    assert board.of("led")[-1] == {"led": "LED2", "on": False}


def test_dat_without_con_does_not_light(board):
    board.write(GPX2DAT, board.read(GPX2DAT) | (1 << 7))
    assert not board.hw.leds["LED2"].on
    assert board.hw.gpio.pin("gpx2-7").level == 0      # still reads its pull-down
    assert board.read(GPX2DAT) == 0
    assert board.of("pin") == [] and board.of("led") == []
    [error] = board.of("guest_error")
    assert error["source"] == "GPX2DAT"
    assert "gpx2-7" in error["message"] and "GPX2CON[31:28]=input" in error["message"]


def test_latch_drives_when_pin_becomes_output_and_stops_when_input(board):
    board.write(GPX2DAT, 0x80)                         # latched while an input
    board.write(GPX2CON, 0x1 << 28)
    assert board.hw.leds["LED2"].on
    board.write(GPX2CON, 0)
    assert not board.hw.leds["LED2"].on
    assert board.of("pin")[-1] == {"pin": "gpx2-7", "level": None}


def test_seed_driver_sequence_lights_all_leds_without_errors(board):
    """leddrv.c: CON |= output, DAT &= ~bit at init; then DAT |= bit on LED_ON."""
    for con, dat, shift, bit in ((GPX2CON, GPX2DAT, 28, 7), (GPX1CON, GPX1DAT, 0, 0),
                                 (GPF3CON, GPF3DAT, 16, 4), (GPF3CON, GPF3DAT, 20, 5)):
        board.write(con, (board.read(con) & ~(0xF << shift)) | (0x1 << shift))
        board.write(dat, board.read(dat) & ~(1 << bit))
        board.write(dat, board.read(dat) | (1 << bit))
    assert all(led.on for led in board.hw.leds.values())
    assert board.of("guest_error") == []
    assert [e["led"] for e in board.of("led")] == ["LED2", "LED3", "LED4", "LED5"]


def test_byte_and_halfword_access(board):
    board.write(GPX2CON + 3, 0x10, size=1)             # CON[31:24] only
    assert board.read(GPX2CON) == 0x1000_0000
    assert board.hw.gpio.pin("gpx2-7").function == "output"
    assert board.read(GPX2PUD + 1, size=1) == 0x55
    assert board.read(GPX2PUD + 2, size=2) == 0        # beyond 8 pins: reads 0
    board.write(GPX2DAT, 0x80, size=1)
    assert board.hw.leds["LED2"].on
    board.write(GPX2PUD, 0xFFFF, size=2)
    assert board.read(GPX2PUD) == 0xFFFF
    write = board.of("mmio_write")[0]
    assert write["reg"] == "GPX2CON" and write["addr"] == GPX2CON + 3 and write["size"] == 1
    assert write["value"] == 0x10 and write["old"] == 0 and write["pc"] is None


def test_bits_beyond_the_pin_count_read_zero(board):
    board.write(GPF3CON, 0xFFFF_FFFF)
    assert board.read(GPF3CON) == 0x00FF_FFFF          # 6 pins x 4 bits
    board.write(GPF3PUD, 0xFFFF_FFFF)
    assert board.read(GPF3PUD) == 0x0FFF


def test_input_levels_follow_pulls_and_keys(board):
    board.write(GPX2PUD, (board.read(GPX2PUD) & ~0x3) | 0x3)   # gpx2-0 pull-up
    assert board.read(GPX2DAT) & 1 == 1
    board.write(GPX2PUD, board.read(GPX2PUD) & ~0x3)           # no pull
    assert board.read(GPX2DAT) & 1 == 0
    k2 = board.hw.keys["K2"]
    k2.press()
    assert k2.pressed and board.read(GPX1DAT) & 0b10 == 0
    assert board.hw.gpio.pin("gpx1-1").level == 0
    k2.release()
    assert not k2.pressed and board.read(GPX1DAT) & 0b10 == 0b10
    board.hw.keys["K4"].press()
    assert board.read(0x11000C64) & (1 << 2) == 0              # GPX3DAT


def test_output_pin_reads_its_latch_not_the_key(board):
    board.write(GPX1CON, 0x1 << 4)                             # gpx1-1 (K2) as output
    board.write(GPX1DAT, 0b100)                                 # latch 0 on gpx1-1
    board.hw.keys["K2"].release()
    assert board.read(GPX1DAT) & 0b10 == 0


def test_unknown_offset_is_a_guest_error(board):
    assert board.read(PART1 + 0x300) == 0
    board.write(PART1 + 0x300, 0x1234)
    assert board.read(PART1 + 0x300) == 0
    assert board.read(GPX2CON + 0x10) == 0                     # gpx banks: no CONPDN
    errors = board.of("guest_error")
    assert len(errors) == 4
    assert errors[0]["source"] == "gpio_part1+0x300"
    assert "no register" in errors[0]["message"]
    assert errors[3]["source"] == "gpio_part2+0xc50"


def test_access_crossing_a_register_is_a_guest_error(board):
    assert board.read(GPX2CON + 2, size=4) == 0
    [error] = board.of("guest_error")
    assert error["source"] == "GPX2CON"


def test_unimplemented_registers_are_storage_reported_once(board):
    fltcon = 0x11000E80                                        # EXT_INT40_FLTCON0
    assert board.read(fltcon) == 0
    board.write(fltcon, 0x2222)
    assert board.read(fltcon) == 0x2222
    board.write(fltcon + 4, 0x00)
    assert [e["source"] for e in board.of("unimp")] == ["EXT_INT40_FLTCON0", "EXT_INT40_FLTCON1"]
    assert board.of("guest_error") == []


def test_pending_registers_clear_on_write_one(board):
    """EXT_INTn_PEND is write-1-to-clear; nothing is pending without an interrupt pin."""
    board.write(0x11000F44, 0xFF)                              # EXT_INT41_PEND
    assert board.read(0x11000F44) == 0


def test_unimp_waits_for_a_listener():
    tracer = Tracer()
    hw = build_hardware(load_board("fs4412"), tracer)
    part2 = next(r for r in hw.mmio_regions if r.base == PART2)
    part2.read(0xE80, 4)                                       # nobody listens yet
    seen = []
    tracer.subscribe("unimp", lambda kind, fields: seen.append(fields["source"]))
    part2.read(0xE80, 4)
    part2.read(0xE80, 4)
    assert seen == ["EXT_INT40_FLTCON0"]


def test_reg_name(board):
    names = {GPX2DAT: "GPX2DAT", GPF3CON: "GPF3CON", 0x11400010: "GPA0CONPDN",
             0x11400014: "GPA0PUDPDN", EXT_INT40_MASK: "EXT_INT40_MASK",
             0x11400700: "EXT_INT1_CON", 0x1140073C: "EXT_INT16_CON", 0x11000724: "EXT_INT8_CON",
             0x11000E88: "EXT_INT41_FLTCON0", 0x11400A44: "EXT_INT22_PEND",
             0x106E0910: "EXT_INT34_MASK", 0x03860700: "EXT_INT50_CON",
             PART1 + 0x300: "gpio_part1+0x300"}
    for addr, name in names.items():
        region, offset = board.region(addr)
        assert region.reg_name(offset) == name


def test_pc_provider_fills_mmio_events(board):
    board.hw.set_pc_provider(lambda: 0xBF000123)
    board.read(GPX2CON)
    assert board.of("mmio_read") == [{"pc": 0xBF000123, "addr": GPX2CON, "reg": "GPX2CON",
                                      "size": 4, "value": 0}]


def test_bank_view_for_the_console(board):
    board.write(GPX2CON, 0x1 << 28)
    board.write(GPX2DAT, 0x80)
    bank = board.hw.gpio.bank("gpx2")
    assert bank.registers() == {"GPX2CON": 0x1000_0000, "GPX2DAT": 0x80, "GPX2PUD": 0x5555,
                                "GPX2DRV": 0}
    assert [(p.name, p.function, p.level) for p in bank.pins][-2:] == [
        ("gpx2-6", "input", 0), ("gpx2-7", "output", 1)]
    assert bank.pins[0].pull == "down"
    assert list(board.hw.gpio.bank("gpa0").registers()) == [
        "GPA0CON", "GPA0DAT", "GPA0PUD", "GPA0DRV", "GPA0CONPDN", "GPA0PUDPDN"]
    with pytest.raises(LookupError):
        board.hw.gpio.pin("gpx2-8")
    with pytest.raises(LookupError):
        board.hw.gpio.bank("gpq")


def test_listeners_see_driven_levels(board):
    seen = []
    board.hw.gpio.pin("gpf3-4").connect(lambda pin, level: seen.append((pin.name, level)))
    board.write(GPF3CON, 0x1 << 16)
    board.write(GPF3DAT, 1 << 4)
    board.write(GPF3CON, 0x2 << 16)                            # alternate function: undriven
    assert seen == [("gpf3-4", 0), ("gpf3-4", 1), ("gpf3-4", None)]
    assert board.hw.gpio.pin("gpf3-4").function == "func2"


def test_trace_decoding_derives_from_field_declarations():
    """Registers as data: a field's value names and label drive the trace's change text, for
    the GPIO banks and for any block declared the same way."""
    from emulator.hw.registers import Field, Reg, describe_change
    ctrl = Reg("TCON", 0x8, fields=(Field("TCON[0]", 0, 1, {0: "stop", 1: "start"}),
                                    Field("TCON[1]", 1, 1),              # plain bits: silent
                                    Field("TCON[3:2]", 2, 2, label="timer0-mode")))
    assert describe_change(ctrl, 0b0000, 0b1011) == ["TCON[0]: stop->start", "timer0-mode: 0->2"]
    m_hw = build_hardware(load_board("fs4412"), Tracer())
    _, con = m_hw.register("gpx2con")
    assert con.fields[7].values[1] == "output" and con.fields[7].bits == "[31:28]"
    assert m_hw.describe_write("GPX2CON", 0, 0x10000000) == ["GPX2CON[31:28]: input->output"]
    assert m_hw.describe_write("GPX2PUD", 0, 0xC000) == ["gpx2-7: none->pull-up"]
    assert m_hw.describe_write("GPF3CONPDN", 0, 3) == []                   # not described
