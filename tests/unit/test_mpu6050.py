"""The MPU6050 on I2C5 as a driver sees it: identity, sleep, full-scale ranges, burst reads."""

import pytest

from periph_hw import HwBoard
from test_i2c import CON, I2CCON, I2CDS, I2CSTAT, read_register, wait


def write_register(b, reg, value, addr=0x68):
    b.write(I2CCON, CON)
    b.write(I2CDS, addr << 1)
    b.write(I2CSTAT, 0xF0)
    wait(b)
    for byte in (reg, value):
        b.write(I2CDS, byte)
        b.write(I2CCON, CON)
        wait(b)
    b.write(I2CSTAT, 0xD0)
    b.write(I2CCON, CON)


def word(hi, lo):
    value = hi << 8 | lo
    return value - 0x10000 if value & 0x8000 else value


@pytest.fixture
def b():
    return HwBoard()


def test_identity_and_power_on_state(b):
    assert read_register(b, 0x75) == [0x68]             # WHO_AM_I
    assert read_register(b, 0x6B) == [0x40]             # PWR_MGMT_1: SLEEP


def test_asleep_the_data_registers_read_zero(b):
    b.periph.i2c_devices["mpu6050"].set_accel(0, 0, 1)
    assert read_register(b, 0x3B, 6) == [0] * 6


def test_burst_read_of_all_sensors_scaled_by_range(b):
    sensor = b.periph.i2c_devices["mpu6050"]
    sensor.set_accel(0, 0.5, 1)
    sensor.set_gyro(90, 0, -45)
    sensor.set_temp(25)
    write_register(b, 0x6B, 0x00)                       # wake up
    data = read_register(b, 0x3B, 14)
    words = [word(data[i], data[i + 1]) for i in range(0, 14, 2)]
    assert words[:3] == [0, 8192, 16384]                # +-2 g: 16384 LSB/g
    assert words[3] / 340 + 36.53 == pytest.approx(25, abs=0.01)
    assert words[4:] == [11790, 0, -5895]               # +-250 dps: 131 LSB/(deg/s)
    write_register(b, 0x1C, 2 << 3)                     # ACCEL_CONFIG: +-8 g
    write_register(b, 0x1B, 3 << 3)                     # GYRO_CONFIG: +-2000 dps
    data = read_register(b, 0x3B, 14)
    assert word(data[4], data[5]) == 4096
    assert word(data[8], data[9]) == round(90 * 16.4)
    line = b.of("i2c")[-1]["line"]
    assert line.startswith("S 0x68 W 0x3b Sr 0x68 R ") and line.endswith(" P")


def test_registers_write_and_read_back(b):
    write_register(b, 0x19, 7)                          # SMPLRT_DIV
    write_register(b, 0x1A, 6)                          # CONFIG
    assert read_register(b, 0x19, 2) == [7, 6]          # auto-increment


def test_device_reset_and_read_only_registers(b):
    write_register(b, 0x6B, 0x00)
    write_register(b, 0x75, 0x12)
    assert read_register(b, 0x75) == [0x68]
    assert any("read-only" in m for m in b.errors())
    write_register(b, 0x6B, 0x80)                       # DEVICE_RESET
    assert read_register(b, 0x6B) == [0x40]


def test_saturates_at_full_scale(b):
    sensor = b.periph.i2c_devices["mpu6050"]
    sensor.set_accel(0, 0, 3)                           # beyond +-2 g
    write_register(b, 0x6B, 0)
    data = read_register(b, 0x3F, 2)
    assert word(*data) == 32767
