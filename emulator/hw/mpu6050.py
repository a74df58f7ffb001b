"""The InvenSense MPU-6050 accelerometer and gyroscope, an I2C device (0x68 on the FS4412's I2C5).

Source: MPU-6000/MPU-6050 Register Map and Descriptions rev 4.2 (addresses, reset values:
PWR_MGMT_1 0x40 = asleep, WHO_AM_I 0x68) and Product Specification rev 3.4 (sensitivities:
accelerometer 16384/8192/4096/2048 LSB/g for AFS_SEL 0-3, gyroscope 131/65.5/32.8/16.4 LSB/(deg/s)
for FS_SEL 0-3; temperature in degrees C = raw / 340 + 36.53).

A write transaction's first byte sets the register pointer; later bytes write registers with
auto-increment, and reads continue from the pointer (burst reads of ACCEL/TEMP/GYRO_OUT). The
sensor registers are sampled at the start of each read transaction while the device is awake
(PWR_MGMT_1[6] SLEEP = 0), so a burst read is coherent; asleep, they keep their last sample
(0 after reset): the classic "all zeros" bug of a driver that forgets to wake it.
The values come from the board (``set_accel``, ``set_gyro``, ``set_temp``), scaled by the
configured full-scale ranges. Self test, FIFO, the auxiliary I2C master, DLPF filtering and
motion interrupts are not modelled (their registers are plain storage).
"""

from .i2c_s3c import I2cDevice

SMPLRT_DIV, CONFIG, GYRO_CONFIG, ACCEL_CONFIG = 0x19, 0x1A, 0x1B, 0x1C
INT_ENABLE, INT_STATUS = 0x38, 0x3A
ACCEL_XOUT_H, TEMP_OUT_H, GYRO_XOUT_H, SENSOR_END = 0x3B, 0x41, 0x43, 0x49
PWR_MGMT_1, WHO_AM_I = 0x6B, 0x75
SLEEP, DEVICE_RESET = 1 << 6, 1 << 7
RESET = {PWR_MGMT_1: 0x40, WHO_AM_I: 0x68}
#: Registers the host cannot write (data, status, identity).
READ_ONLY = frozenset([INT_STATUS, *range(ACCEL_XOUT_H, 0x61), WHO_AM_I])
ACCEL_LSB_PER_G = (16384, 8192, 4096, 2048)
GYRO_LSB_PER_DPS = (131.0, 65.5, 32.8, 16.4)
ACCEL_RANGE_G = (2, 4, 8, 16)
GYRO_RANGE_DPS = (250, 500, 1000, 2000)


def _int16(value):
    return max(-32768, min(32767, round(value))) & 0xFFFF


class Mpu6050(I2cDevice):
    """The sensor's registers and the physical quantities it measures."""

    def __init__(self, name="mpu6050", tracer=None):
        self.name, self.tracer = name, tracer
        self.accel = (0.0, 0.0, 1.0)        # g (lying flat: 1 g on Z)
        self.gyro = (0.0, 0.0, 0.0)         # degrees per second
        self.temp = 25.0                    # degrees Celsius
        self.regs = bytearray(128)
        self._reset()
        self._pointer, self._first = 0, False

    def _reset(self):
        self.regs[:] = bytes(128)
        for reg, value in RESET.items():
            self.regs[reg] = value

    # -- the board side ---------------------------------------------------------------------

    def set_accel(self, x, y, z):
        """Acceleration in g on each axis."""
        self.accel = (float(x), float(y), float(z))

    def set_gyro(self, x, y, z):
        """Angular rate in degrees/s on each axis."""
        self.gyro = (float(x), float(y), float(z))

    def set_temp(self, celsius):
        self.temp = float(celsius)

    @property
    def asleep(self):
        return bool(self.regs[PWR_MGMT_1] & SLEEP)

    @property
    def accel_range_g(self):
        return ACCEL_RANGE_G[self.regs[ACCEL_CONFIG] >> 3 & 3]

    @property
    def gyro_range_dps(self):
        return GYRO_RANGE_DPS[self.regs[GYRO_CONFIG] >> 3 & 3]

    def _sample(self):
        """Latch the measured values into ACCEL/TEMP/GYRO_OUT (big endian, two's complement)."""
        afs, fs = self.regs[ACCEL_CONFIG] >> 3 & 3, self.regs[GYRO_CONFIG] >> 3 & 3
        words = [_int16(g * ACCEL_LSB_PER_G[afs]) for g in self.accel]
        words.append(_int16((self.temp - 36.53) * 340))
        words += [_int16(d * GYRO_LSB_PER_DPS[fs]) for d in self.gyro]
        for i, word in enumerate(words):
            self.regs[ACCEL_XOUT_H + 2 * i] = word >> 8
            self.regs[ACCEL_XOUT_H + 2 * i + 1] = word & 0xFF
        if self.regs[INT_ENABLE] & 1:
            self.regs[INT_STATUS] |= 1               # DATA_RDY_INT

    # -- the bus side -----------------------------------------------------------------------

    def start(self, read):
        self._first = not read
        if read and not self.asleep:
            self._sample()
        return True

    def write(self, byte):
        if self._first:
            self._pointer, self._first = byte & 0x7F, False
            return True
        reg = self._pointer
        self._pointer = (self._pointer + 1) & 0x7F
        if reg in READ_ONLY:
            self._error(f"write of {byte:#04x} to read-only register {reg:#04x}: ignored")
        elif reg == PWR_MGMT_1 and byte & DEVICE_RESET:
            self._reset()                            # DEVICE_RESET self-clears
        else:
            self.regs[reg] = byte
        return True

    def read(self):
        reg = self._pointer
        self._pointer = (self._pointer + 1) & 0x7F
        value = self.regs[reg]
        if reg == INT_STATUS:
            self.regs[INT_STATUS] = 0                # cleared by reading
        return value

    def _error(self, message):
        if self.tracer is not None and self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=self.name, message=message)
