"""The peripherals' entries in the board files: wiring, interrupt names, one-line errors."""

import shutil

import pytest

from emulator.errors import BoardError
from emulator.hw.board import BOARDS_DIR, build_hardware, load_board
from emulator.trace import Tracer


def test_fs4412_wiring():
    spec = load_board("fs4412")
    hw = build_hardware(spec, Tracer())
    periph = hw.periph
    assert periph.beeper.pin is hw.gpio.pin("gpd0-0")
    assert periph.pot == "AIN3" and periph.first("adc").inputs["AIN3"] == 0.9
    assert periph.devices["i2c5"].devices[0x68] is periph.i2c_devices["mpu6050"]
    sources = {(name, i): source for name, i, source, _line in periph.irq_lines}
    assert sources[("adc", 0)] == "combiner 10 3"
    assert sources[("pwm", 0)] == "spi 37" and sources[("pwm", 4)] == "spi 41"
    assert sources[("wdt", 0)] == "spi 43"
    assert (sources[("rtc", 0)], sources[("rtc", 1)]) == ("spi 44", "spi 45")
    assert sources[("i2c5", 0)] == "spi 63"
    assert all(line.level == 0 for *_rest, line in periph.irq_lines)


def _board_with(tmp_path, soc_edit=None, board_extra=""):
    soc = (BOARDS_DIR / "exynos4412.toml").read_text()
    if soc_edit:
        soc = soc_edit(soc)
    (tmp_path / "exynos4412.toml").write_text(soc)
    board = (BOARDS_DIR / "fs4412.toml").read_text() + board_extra
    (tmp_path / "b.toml").write_text(board)
    return str(tmp_path / "b.toml")


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('"spi 43"', '"irq 43"'), "interrupt 'irq 43': write 'spi N'"),
    (lambda s: s.replace('kind = "wdt"', 'kind = "watchdog"'), "unknown device kind 'watchdog'"),
])
def test_soc_errors_name_the_key(tmp_path, edit, message):
    with pytest.raises(BoardError, match=message):
        load_board(_board_with(tmp_path, edit))


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('pin = "gpd0-0"', 'pin = "gpd0-9"'), "no pin 'gpd0-9'"),
    (lambda s: s.replace("AIN3 = 0.9", "AIN3 = 3.3"), r"inputs.AIN3: expected AIN0-3 = volts"),
    (lambda s: s.replace('bus = "i2c5"', 'bus = "i2c9"'), "no I2C controller 'i2c9'"),
    (lambda s: s.replace("address = 0x68", "address = 0x80"), "not a 7-bit device address"),
    (lambda s: s.replace("epoch = 2014-01-01T00:00:00", 'epoch = "yesterday"'), "a date-time"),
])
def test_board_errors_name_the_key(tmp_path, edit, message):
    shutil.copy(BOARDS_DIR / "exynos4412.toml", tmp_path / "exynos4412.toml")
    (tmp_path / "b.toml").write_text(edit((BOARDS_DIR / "fs4412.toml").read_text()))
    with pytest.raises(BoardError, match=message):
        load_board(str(tmp_path / "b.toml"))


def test_lines_connect_to_controller_inputs():
    periph = build_hardware(load_board("fs4412"), Tracer()).periph
    seen = []
    periph.connect_interrupts(lambda n: lambda level: seen.append(("spi", n, level)),
                              lambda g, b: lambda level: seen.append(("comb", g, b, level)))
    assert ("comb", 10, 3, 0) in seen and ("spi", 63, 0) in seen
    seen.clear()
    periph.devices["adc"].irq.raise_()
    assert seen == [("comb", 10, 3, 1)]
