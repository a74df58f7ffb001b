"""The SoC's I2C adapters (Linux drivers/i2c/busses/i2c-s3c2410.c, 3.14, built into the board's
kernel as CONFIG_I2C_S3C2410): one adapter per enabled "samsung,s3c2440-i2c" node.

The algorithm runs in Python on the modelled controller (hw/i2c_s3c.py) through the MMIO bus,
with the register sequence of the board's driver, so --trace shows it: the probe's IICADD,
IICCON (IRQEN | ACKEN, then the clock divisor) and IICLC (SDA delay) writes; for each transfer
IRQEN set, the START sequence of s3c24xx_i2c_message_start (ACKEN, IICSTAT mode, the address
byte in IICDS, IICCON, IICSTAT | START), one interrupt per byte (IICSTAT read, the next byte,
IRQPEND cleared) and the STOP (IICSTAT without START, IRQEN cleared). The interrupt-driven
state machine (i2c_s3c_irq_nextbyte) is served synchronously: the model sets IRQPEND as soon
as a byte is on the bus (transfers take no virtual time), so each "interrupt" is handled at
once instead of through the GIC, and /proc/interrupts has no line for the controller.
Errors as on the board: no ACK to the address: -ENXIO; no ACK to a data byte: -ECONNREFUSED;
a busy bus: "cannot get bus", retried adap->retries times, then -EREMOTEIO.
"""

from dataclasses import dataclass, field

from ..errno import EAGAIN, ECONNREFUSED, EINVAL, ENXIO, EREMOTEIO

IICCON, IICSTAT, IICADD, IICDS, IICLC = 0x00, 0x04, 0x08, 0x0C, 0x10
ACKEN, TXDIV_512, IRQEN, IRQPEND = 1 << 7, 1 << 6, 1 << 5, 1 << 4
MASTER_RX, MASTER_TX, START, TXRXEN, ARBITR, LASTBIT = 2 << 6, 3 << 6, 1 << 5, 1 << 4, 1 << 3, 1
LC_FILTER_ON = 1 << 2
I2C_M_RD, I2C_M_NOSTART, I2C_M_REV_DIR_ADDR = 0x0001, 0x4000, 0x2000
I2C_M_IGNORE_NAK, I2C_M_RECV_LEN = 0x1000, 0x0400
#: s3c24xx_i2c_func: I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL | I2C_FUNC_NOSTART |
#: I2C_FUNC_PROTOCOL_MANGLING.
FUNCTIONALITY = 0x00000001 | 0x0EFF0008 | 0x00000010 | 0x00000004
COMPATIBLE = "samsung,s3c2440-i2c"
DRIVER_NAME = "s3c-i2c"
ADAPTER_NAME = "s3c2410-i2c"
RETRIES = 2
IDLE, START_STATE, READ, WRITE, STOP = "idle", "start", "read", "write", "stop"


@dataclass
class Msg:
    """struct i2c_msg with its data: buf holds what is written, or receives what is read."""
    addr: int
    flags: int
    buf: bytearray = field(default_factory=bytearray)

    @property
    def read(self):
        return bool(self.flags & I2C_M_RD)


class Registers:
    """The controller's registers as the driver's readl/writel reach them (bus statistics and
    mmio trace events included; the events' PC is ``pc``, the adapter's master_xfer service,
    so traces say "at s3c24xx_i2c_xfer")."""

    def __init__(self, bus, base, pc=None):
        self._bus, self.base, self._pc = bus, base, pc
        #: accesses made while the kernel boots: the registers' behaviour runs, but no trace
        #: event is published (a run's trace starts after the boot, on a fresh board as on a
        #: clone of the booted one)
        self.quiet = False

    def _access(self, offset, size, value=None):
        region = self._bus.region_at(self.base + offset)
        if self.quiet:
            at = self.base + offset - region.base
            if value is None:
                return region.peek(at)
            region.poke(at & ~3, value)
            return None
        pc_provider, region.pc_provider = region.pc_provider, lambda: self._pc
        try:
            if value is None:
                self._bus.reads += 1
                return region.read(self.base + offset - region.base, size)
            self._bus.writes += 1
            region.write(self.base + offset - region.base, size, value)
            return None
        finally:
            region.pc_provider = pc_provider

    def read(self, offset, size=4):
        return self._access(offset, size)

    def write(self, offset, value, size=4):
        self._access(offset, size, value)


def calc_divisor(clkin_khz, wanted_khz):
    """s3c24xx_i2c_calcdivisor: (frequency got in kHz, divs, div1)."""
    divs = clkin_khz // wanted_khz
    div1 = 512 if divs > 16 * 16 else 16
    divs = (divs + div1 - 1) // div1
    divs = min(max(divs, 1), 17)
    return clkin_khz // (divs * div1), divs, div1


class S3cI2c:
    """One controller's driver state (struct s3c24xx_i2c) and its master_xfer."""

    functionality = FUNCTIONALITY

    def __init__(self, regs, log):
        """log(level, text): dev_info/dev_err on the platform device ("s3c-i2c
        138b0000.i2c: ...")."""
        self.regs, self._log = regs, log
        self.state = IDLE
        self.msgs, self.msg_idx, self.msg_ptr, self.msg_num = [], 0, 0, 0

    # -- probe: s3c24xx_i2c_init -------------------------------------------------------------
    def init(self, pclk_hz, frequency=0, sda_delay=0, slave_addr=0):
        """Program the controller as the probe does; 0 or -EINVAL ("cannot meet bus
        frequency required")."""
        regs = self.regs
        regs.write(IICADD, slave_addr & 0xFF, size=1)
        self._log(6, f"slave address 0x{slave_addr & 0xFF:02x}")
        regs.write(IICCON, IRQEN | ACKEN)
        clkin = pclk_hz // 1000
        target = (frequency or 100000) // 1000
        if target <= 0:
            got = clkin + 1
        else:
            got, divs, div1 = calc_divisor(clkin, target)
        if got > target:
            self._log(3, f"Unable to achieve desired frequency {target}KHz. Lowest achievable "
                         f"{got}KHz")
            regs.write(IICCON, 0)
            self._log(3, "cannot meet bus frequency required")
            return -EINVAL
        con = regs.read(IICCON) & ~(0xF | TXDIV_512)
        con |= divs - 1
        if div1 == 512:
            con |= TXDIV_512
        regs.write(IICCON, con)
        lc = 0
        if sda_delay:
            lc = -(-clkin * sda_delay // 1000000)
            lc = min(-(-lc // 5), 3) | LC_FILTER_ON
        regs.write(IICLC, lc)
        self._log(6, f"bus frequency set to {got} KHz")
        return 0

    # -- master_xfer --------------------------------------------------------------------------
    def xfer(self, msgs, retries=RETRIES):
        """s3c24xx_i2c_xfer: the number of messages done, or a negative errno (-EINVAL for
        no message: the board's driver would start one from a zero-size buffer)."""
        if not msgs:
            return -EINVAL
        for _ in range(retries):
            ret = self._doxfer(msgs)
            if ret != -EAGAIN:
                return ret
        return -EREMOTEIO

    def _doxfer(self, msgs):
        regs = self.regs
        if regs.read(IICSTAT) & START:               # s3c24xx_i2c_set_master
            self._log(3, f"cannot get bus (error {-110})")
            return -EAGAIN
        self.msgs, self.msg_num, self.msg_ptr, self.msg_idx = msgs, len(msgs), 0, 0
        self.state = START_STATE
        regs.write(IICCON, regs.read(IICCON) | IRQEN)
        self._message_start(msgs[0])
        # the controller's interrupt, served as soon as it is pending (see the docstring)
        while self.msg_num and regs.read(IICCON) & IRQPEND:
            self._irq()
        ret = self.msg_idx
        if regs.read(IICSTAT) & START:                 # s3c24xx_i2c_wait_idle
            self._log(4, "timeout waiting for bus idle")
        self.state = IDLE
        return ret

    def _message_start(self, msg):
        regs = self.regs
        addr = (msg.addr & 0x7F) << 1
        stat = TXRXEN | (MASTER_RX if msg.read else MASTER_TX)
        if msg.read:
            addr |= 1
        if msg.flags & I2C_M_REV_DIR_ADDR:
            addr ^= 1
        regs.write(IICCON, regs.read(IICCON) | ACKEN)
        con = regs.read(IICCON)
        regs.write(IICSTAT, stat)
        regs.write(IICDS, addr, size=1)
        regs.write(IICCON, con)
        regs.write(IICSTAT, stat | START)

    def _stop(self, ret):
        regs = self.regs
        regs.write(IICSTAT, regs.read(IICSTAT) & ~START)
        self.state = STOP
        self.msg_ptr, self.msg_num = 0, 0               # s3c24xx_i2c_master_complete
        self.msg_idx = ret if ret else self.msg_idx + 1
        regs.write(IICCON, regs.read(IICCON) & ~IRQEN)

    def _irq(self):
        """s3c24xx_i2c_irq: IICSTAT, then i2c_s3c_irq_nextbyte."""
        stat = self.regs.read(IICSTAT)
        if stat & ARBITR:
            self._log(3, "deal with arbitration loss")
        self._nextbyte(stat)
        regs = self.regs                                # out_ack
        regs.write(IICCON, regs.read(IICCON) & ~IRQPEND)

    def _is_lastmsg(self):
        return self.msg_idx >= self.msg_num - 1

    def _nextbyte(self, stat):
        msg = self.msgs[self.msg_idx]
        if self.state == START_STATE:
            if stat & LASTBIT and not msg.flags & I2C_M_IGNORE_NAK:
                self._stop(-ENXIO)                      # no ACK to the address
                return
            self.state = READ if msg.read else WRITE
            if self._is_lastmsg() and not msg.buf:
                self._stop(0)
                return
            if self.state == READ:
                self._prepare_read(msg)
                return
        if self.state == WRITE:
            self._write(msg, stat)
        elif self.state == READ:
            byte = self.regs.read(IICDS, size=1)
            if self.msg_ptr < len(msg.buf):     # (the board's driver would overrun the buffer)
                msg.buf[self.msg_ptr] = byte
            self.msg_ptr += 1
            if msg.flags & I2C_M_RECV_LEN and len(msg.buf) == 1:
                msg.buf.extend(bytes(byte))
            self._prepare_read(msg)

    def _write(self, msg, stat):
        if not msg.flags & I2C_M_IGNORE_NAK and stat & LASTBIT:
            self._stop(-ECONNREFUSED)                   # no ACK to a data byte
            return
        while True:
            if self.msg_ptr < len(msg.buf):
                self.regs.write(IICDS, msg.buf[self.msg_ptr], size=1)
                self.msg_ptr += 1
            elif not self._is_lastmsg():
                self.msg_ptr = 0
                self.msg_idx += 1
                msg = self.msgs[self.msg_idx]
                if msg.flags & I2C_M_NOSTART:
                    if msg.read:
                        self._stop(-EINVAL)             # a direction change needs a START
                        return
                    continue
                self._message_start(msg)
                self.state = START_STATE
            else:
                self._stop(0)
            return

    def _prepare_read(self, msg):
        last_byte = self.msg_ptr == len(msg.buf) - 1 and not (
            msg.flags & I2C_M_RECV_LEN and len(msg.buf) == 1)
        if last_byte:
            if self._is_lastmsg():
                regs = self.regs                        # s3c24xx_i2c_disable_ack
                regs.write(IICCON, regs.read(IICCON) & ~ACKEN)
        elif self.msg_ptr >= len(msg.buf):
            if self._is_lastmsg():
                self._stop(0)
            else:
                self.msg_ptr = 0
                self.msg_idx += 1
