"""Board files: the FS4412 description, the Exynos4412 bank map, and errors users can cause."""

import shutil

import pytest

from emulator.errors import BoardError, InputError
from emulator.hw.board import BOARDS_DIR, build_hardware, load_board
from emulator.trace import Tracer

# The SoC manual (and Linux exynos4x12 pinctrl data): block base -> (bank, pins, offset), independent of the TOML files.
EXPECTED_BANKS = {
    0x11400000: [("gpa0", 8, 0x000), ("gpa1", 6, 0x020), ("gpb", 8, 0x040), ("gpc0", 5, 0x060),
                 ("gpc1", 5, 0x080), ("gpd0", 4, 0x0A0), ("gpd1", 4, 0x0C0), ("gpf0", 8, 0x180),
                 ("gpf1", 8, 0x1A0), ("gpf2", 8, 0x1C0), ("gpf3", 6, 0x1E0), ("gpj0", 8, 0x240),
                 ("gpj1", 5, 0x260)],
    0x11000000: [("gpk0", 7, 0x040), ("gpk1", 7, 0x060), ("gpk2", 7, 0x080), ("gpk3", 7, 0x0A0),
                 ("gpl0", 7, 0x0C0), ("gpl1", 2, 0x0E0), ("gpl2", 8, 0x100),
                 ("gpy0", 6, 0x120), ("gpy1", 4, 0x140), ("gpy2", 6, 0x160), ("gpy3", 8, 0x180),
                 ("gpy4", 8, 0x1A0), ("gpy5", 8, 0x1C0), ("gpy6", 8, 0x1E0),
                 ("gpm0", 8, 0x260), ("gpm1", 7, 0x280), ("gpm2", 5, 0x2A0), ("gpm3", 8, 0x2C0),
                 ("gpm4", 8, 0x2E0), ("gpx0", 8, 0xC00), ("gpx1", 8, 0xC20), ("gpx2", 8, 0xC40),
                 ("gpx3", 8, 0xC60)],
    0x03860000: [("gpz", 7, 0x000)],
    0x106E0000: [("gpv0", 8, 0x000), ("gpv1", 8, 0x020), ("gpv2", 8, 0x040), ("gpv3", 8, 0x060),
                 ("gpv4", 2, 0x080)],
}


def test_fs4412_fields():
    spec = load_board("fs4412")
    assert spec.name == "fs4412"
    assert spec.soc.name == "exynos4412"
    assert spec.dram_base == 0x4000_0000
    assert spec.dram_size == 1 << 30
    assert [(led.name, led.pin, led.active_high) for led in spec.leds] == [
        ("LED2", "gpx2-7", True), ("LED3", "gpx1-0", True), ("LED4", "gpf3-4", True),
        ("LED5", "gpf3-5", True)]
    assert [(key.name, key.pin, key.active_low) for key in spec.keys] == [
        ("K2", "gpx1-1", True), ("K3", "gpx1-2", True), ("K4", "gpx3-2", True)]


def test_every_bank_of_the_design_is_present():
    spec = load_board("fs4412")
    found = {block.base: [(b.name, b.pins, b.offset) for b in block.banks]
             for block in spec.gpio_blocks}
    assert found == EXPECTED_BANKS
    for block in spec.gpio_blocks:
        for bank in block.banks:
            assert bank.has_pdn == (not bank.name.startswith("gpx")), bank.name


def test_bank_registers_sit_at_their_physical_addresses():
    hw = build_hardware(load_board("fs4412"), Tracer())
    regions = {region.base: region for region in hw.mmio_regions}
    for base, banks in EXPECTED_BANKS.items():
        region = regions[base]
        for name, pins, offset in banks:
            assert region.reg_name(offset) == f"{name.upper()}CON"
            assert region.reg_name(offset + 4) == f"{name.upper()}DAT"
            assert region.reg_name(offset + 0xC) == f"{name.upper()}DRV"
            assert len(hw.gpio.bank(name).pins) == pins
            last = pins - 1
            assert hw.gpio.pin(f"{name}-{last}").name == f"{name}-{last}"


def test_hardware_regions_and_devices():
    hw = build_hardware(load_board("fs4412"), Tracer())
    periph = {0x139D0000, 0x126C0000, 0x10060000, 0x10070000} | \
        {0x13860000 + n * 0x10000 for n in range(8)}              # PWM, ADC, WDT, RTC, I2C0-7
    irqchips = {0x10480000, 0x10490000, 0x10440000}       # GIC CPU interface, distributor; combiner
    clocks = {r.base for r in hw.mmio_regions} - set(EXPECTED_BANKS) - periph - irqchips
    assert sorted(r.base for r in hw.mmio_regions) == sorted([*EXPECTED_BANKS, *periph, *irqchips,
                                                             *clocks])
    assert clocks <= {0x10030000}                          # the clock controller (issue 11)
    for region in hw.mmio_regions:
        assert region.base % 0x1000 == 0 and region.size % 0x1000 == 0 and region.size > 0
    assert list(hw.leds) == ["LED2", "LED3", "LED4", "LED5"]
    assert list(hw.keys) == ["K2", "K3", "K4"]
    assert hw.leds["LED3"].pin is hw.gpio.pin("gpx1-0")


def test_board_given_as_a_path(tmp_path):
    shutil.copy(BOARDS_DIR / "fs4412.toml", tmp_path / "myboard.toml")
    spec = load_board(str(tmp_path / "myboard.toml"))    # SoC found in the bundled boards/
    assert spec.name == "fs4412" and spec.soc.path == BOARDS_DIR / "exynos4412.toml"


def _one_line_error(arg):
    with pytest.raises(BoardError) as info:
        load_board(arg)
    message = str(info.value)
    assert "\n" not in message and message
    assert isinstance(info.value, InputError) and info.value.exit_status == 2
    return message


def test_missing_board_file(tmp_path):
    message = _one_line_error(str(tmp_path / "nope.toml"))
    assert "nope.toml" in message


def test_unknown_board_name():
    message = _one_line_error("fs9999")
    assert "fs9999" in message and "fs4412" in message


def test_malformed_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n[dram\nbase = 1\n')
    message = _one_line_error(str(path))
    assert "bad.toml" in message and "invalid TOML" in message


def _board_text(**replace):
    text = (BOARDS_DIR / "fs4412.toml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("old, new, expected", [
    ('pin = "gpx2-7"', 'pin = "gpx2-9"', "leds[0].pin"),
    ('pin = "gpx2-7"', 'pin = 7', "leds[0].pin: expected a string"),
    ('size = 0x4000_0000', 'sise = 0x4000_0000', "dram.size: missing"),
    ('soc = "exynos4412"', 'soc = "exynos9999"', "exynos9999.toml"),
    ('active_low = true      #', 'active_low = "yes"  #', "keys[0].active_low"),
    ('name = "K3"', 'name = "K2"', "declared twice"),
    ('name = "LED5"\npin = "gpf3-5"', 'name = "LED5"\npin = "gpx1-1"', "both on gpx1-1"),
])
def test_invalid_board_content(tmp_path, old, new, expected):
    path = tmp_path / "board.toml"
    path.write_text(_board_text(**{old: new}))
    message = _one_line_error(str(path))
    assert expected in message and "board.toml" in message


def test_invalid_soc_file(tmp_path):
    shutil.copy(BOARDS_DIR / "fs4412.toml", tmp_path / "board.toml")
    soc = (BOARDS_DIR / "exynos4412.toml").read_text()
    (tmp_path / "exynos4412.toml").write_text(
        soc.replace('{ name = "gpa1", pins = 6, offset = 0x020,', '{ name = "gpa1", pins = 6, offset = 0x000,'))
    message = _one_line_error(str(tmp_path / "board.toml"))
    assert "exynos4412.toml" in message and "GPA1CON" in message
