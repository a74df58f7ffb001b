"""The board's beeper, potentiometer, watchdog and MPU6050 as a user meets them: the course-style
drivers of firmware/ on the prebuilt images, the console's commands and expectations, the
golden traces, --audio, --vcd, -v, and the Python API."""

import wave

import pytest

from emulator.board import Board
from tests.e2e.helpers import ROOT, cli, run_script

SCENARIOS = ROOT / "firmware" / "scenarios"
PREBUILT = ROOT / "firmware" / "prebuilt"
PERIPH_SCENARIOS = ["beeper", "adc", "watchdog", "mpu6050"]


def test_scenarios_pass_with_their_golden_traces():
    proc = cli("test", *(str(SCENARIOS / f"{name}.board") for name in PERIPH_SCENARIOS),
               "--rootfs", str(PREBUILT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed, 0 failed" in proc.stdout


def test_beeper_console_lines_and_wav(tmp_path):
    wav_path = tmp_path / "tune.wav"
    proc = cli("run", str(SCENARIOS / "beeper.board"), "--rootfs", str(PREBUILT),
               "--audio", str(wav_path), "--vcd", str(tmp_path / "b.vcd"))
    assert proc.returncode == 0, proc.stdout
    assert "beeper: on 1000.0 Hz duty 50%\n" in proc.stdout
    assert "beeper: on 440.1 Hz duty 50%\n" in proc.stdout
    assert "beeper: off\n" in proc.stdout
    with wave.open(str(wav_path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44100)
        frames = wav.readframes(wav.getnframes())
    samples = [int.from_bytes(frames[i:i + 2], "little", signed=True)
               for i in range(0, len(frames), 2)]
    first = next(i for i, s in enumerate(samples) if s)
    quarter = samples[first:first + 44100 // 4]                  # `sleep 0.25` at 1000 Hz
    rises = sum(1 for a, b in zip(quarter, quarter[1:]) if a < 0 < b)
    assert 248 <= rises <= 251
    assert sum(1 for s in quarter if s > 0) == pytest.approx(len(quarter) / 2, rel=0.02)
    vcd = (tmp_path / "b.vcd").read_text()
    assert "$var wire 1 % beeper $end" in vcd.replace("! ", "% ") or " beeper $end" in vcd
    assert "$var real 64" in vcd and "frequency" in vcd and "r1000" in vcd


def test_audio_path_that_cannot_be_written_is_one_line():
    proc = cli("run", str(SCENARIOS / "beeper.board"), "--rootfs", str(PREBUILT),
               "--audio", "/nonexistent/dir/tune.wav")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "emu4412: --audio /nonexistent/dir/tune.wav: cannot write: No such file or directory"]


def test_watchdog_reset_without_expect_stops_with_status_3():
    text = (SCENARIOS / "watchdog.board").read_text().replace("expect reset\n", "dmesg\n")
    status, out, _machine = run_script(text, PREBUILT)
    assert status == 3
    assert out.endswith("watchdog: board reset\nscript stopped: the board was reset\n")


def test_expect_reset_fails_when_no_reset_happened():
    status, out, _m = run_script("insmod wdt.ko\nsleep 1\nexpect reset\n", PREBUILT)
    assert status == 1 and "expectation failed: the board was not reset" in out


def test_verbose_trace_shows_the_decoded_i2c_bus():
    proc = cli("run", str(SCENARIOS / "mpu6050.board"), "--rootfs", str(PREBUILT),
               "--trace-only", "periph", "-v")
    assert proc.returncode == 0, proc.stdout
    assert "i2c         i2c5: S 0x68 W 0x75 Sr 0x68 R 0x68 P" in proc.stderr
    assert "i2c5: S 0x68 W 0x3b Sr 0x68 R 0x00 0x00 0x00 0x00 0x40 0x00" in proc.stderr


def test_console_commands_and_their_errors():
    status, out, _m = run_script(
        "pot\nadc AIN0 900mV\nadc\nsensor mpu6050\nbeeper\nrtc\nrtc set 2024-05-01T12:00:00\nrtc\n",
        PREBUILT)
    assert status == 0, out
    assert "pot 50% (AIN3 0.900V)" in out and "adc AIN0 0.900V" in out
    assert "mpu6050: accel 0 0 1 g, gyro 0 0 0 dps, temp 25 C (asleep)" in out
    assert "beeper: off" in out and "rtc 2014-01-01T00:00:00" in out
    assert "rtc 2024-05-01T12:00:00" in out
    for line, message in (("adc AIN3 3.3V", "outside the ADC's range 0-1.8 V"),
                          ("pot 150%", "outside 0-100%"),
                          ("sensor mpu6050 accel 1 2", "usage: sensor"),
                          ("sensor bmp180", "no sensor 'bmp180'"),
                          ("adc AIN3 fast", "'fast' is not a value in v/mv"),
                          ("expect beeper loud", "state must be on or off")):
        status, out, _m = run_script(line + "\n", PREBUILT)
        assert status == 1 and message in out, (line, out)


def test_python_api():
    board = Board("fs4412")
    assert board.beeper.state == "off"
    board.insmod("beeper.ko")
    board.mknod("/dev/beeper", "c", 250, 0)
    assert board.run("./beeper_app", "/dev/beeper", "on", 2000).ok
    assert (board.beeper.on, board.beeper.frequency, board.beeper.duty) == (True, 2000.0, 0.5)
    board.pot(10)
    board.insmod("adc.ko")
    board.mknod("/dev/adc", "c", 251, 0)
    assert "adc: 409 (179 mV)" in board.run("./adc_app", "/dev/adc").stdout
    board.sensor("mpu6050").set_accel(0, 1, 0)
    board.insmod("mpu6050.ko")
    board.mknod("/dev/mpu6050", "c", 253, 0)
    assert "accel 0 1000 0 mg" in board.run("./mpu6050_app", "/dev/mpu6050").stdout
    board.insmod("wdt.ko")
    assert board.reset is None
    board.sleep(3)
    assert board.reset == "watchdog: board reset"
    assert any(e["kind"] == "board_reset" for e in board.trace)


def test_rtc_through_devmem_runs_on_virtual_time():
    status, out, _m = run_script("sleep 65\ndevmem 0x10070074\ndevmem 0x10070070\n"
                                 "devmem 0x10070040 32 1\ndevmem 0x10070078 32 0x23\n"
                                 "devmem 0x10070078\n", PREBUILT)
    assert status == 0, out
    assert "devmem 0x10070074\n0x00000001\n" in out and "devmem 0x10070070\n0x00000005\n" in out
    assert out.endswith("0x00000023\n")
