"""The Exynos4412 I2C controllers I2C0-7 (s3c2440-style, 0x13860000 + n * 0x10000), master mode.

Source: Exynos 4412 SCP User's Manual, chapter "Inter-Integrated Circuit" (I2CCON, I2CSTAT,
I2CADD, I2CDS, I2CLC; the master transmit/receive flow charts); Linux
``drivers/i2c/busses/i2c-s3c2410.c`` for the register sequences a driver uses.

The bus state machine, as the flow charts run it:

- I2CSTAT written with START (bit 5) and serial output enabled (bit 4) on an idle bus: START,
  then the address byte in I2CDS; the addressed device ACKs or not (I2CSTAT[0] LRB = 1: no ACK);
  the interrupt pending bit I2CCON[4] sets (and the IRQ line rises with I2CCON[5]).
- Writing I2CCON with the pending bit 0 resumes the bus. What happens then depends on the last
  I2CSTAT write: START again: a repeated START with the address in I2CDS; START cleared: STOP
  (bus free, no interrupt); otherwise the next byte: master transmit sends I2CDS and takes the
  device's ACK, master receive reads a byte into I2CDS, ACKing it when I2CCON[7] is set.
- A STOP or START written while the bus is already resumed (pending clear) acts at once.

Transfers take no virtual time (the pending bit is set when the write that started the byte
returns). Each transaction is published as one decoded "i2c" line when it ends with STOP:
``S 0x68 W 0x75 Sr 0x68 R 0x68 P`` (NACK after a byte the device did not acknowledge).
Slave mode (I2CSTAT[7:6] = 00/01, I2CADD), arbitration and I2CLC's filter/delay are stored
but not modelled.
"""

from dataclasses import replace

from .registers import Field, Reg, RegisterBlock

I2CCON, I2CSTAT, I2CADD, I2CDS, I2CLC = 0x00, 0x04, 0x08, 0x0C, 0x10
ACKEN, INTEN, IRQPEND = 1 << 7, 1 << 5, 1 << 4
MODE_SHIFT, BUSY, TXRXEN, LRB = 6, 1 << 5, 1 << 4, 1 << 0
MASTER_RX, MASTER_TX = 2, 3
MODES = {0: "slave receive", 1: "slave transmit", 2: "master receive", 3: "master transmit"}

REGISTERS = (
    Reg("I2CCON", I2CCON, 0, 0xFF,
        fields=(Field("ACKEN", 7, 1), Field("TXCLK_SEL", 6, 1), Field("INTEN", 5, 1),
                Field("IRQPEND", 4, 1), Field("TXCLK_PRESCALER", 0, 4)),
        doc="I2C control"),
    Reg("I2CSTAT", I2CSTAT, 0, 0xFF,
        fields=(Field("MODE", 6, 2), Field("BUSY_START", 5, 1), Field("TXRXEN", 4, 1),
                Field("ARB", 3, 1), Field("AAS", 2, 1), Field("AZ", 1, 1), Field("LRB", 0, 1)),
        doc="I2C control/status"),
    Reg("I2CADD", I2CADD, 0, 0xFF, unimp=True, doc="slave address: slave mode is not modelled"),
    Reg("I2CDS", I2CDS, 0, 0xFF, doc="transmit/receive data shift"),
    Reg("I2CLC", I2CLC, 0, 0x7, unimp=True, doc="line control (filter, SDA delay): stored only"),
)


class I2cDevice:
    """What a device on the bus answers (a slave): override what the device does."""

    def start(self, read):
        """Addressed after a (repeated) START; return True to ACK."""
        return True

    def write(self, byte):
        """A byte from the master; return True to ACK."""
        return True

    def read(self):
        """The next byte to send to the master."""
        return 0xFF

    def stop(self):
        """STOP on the bus."""


class I2cController:
    """One controller: ``region`` for the bus, ``attach()`` for the devices on its lines."""

    def __init__(self, name, base, tracer, irqs, pc_provider=None, clock_enabled=lambda: True):
        self.name, self.tracer, self.irq = name, tracer, list(irqs)[0]
        self.clock_enabled = clock_enabled
        self.region = block = RegisterBlock(name, base, 0x1000, tracer, pc_provider)
        self._v = block.values
        self.devices = {}                # 7-bit address -> I2cDevice
        self._busy = False
        self._current = None             # the addressed device (None: nobody answered)
        self._receiving = False
        self._action = None              # "start"/"stop" asked by the last I2CSTAT write
        self._line = []                  # tokens of the transaction on the bus
        behaviour = {I2CCON: (None, self._con_written), I2CSTAT: (None, self._stat_written)}
        suffix = name[3:] if name.startswith("i2c") else ""       # the manual's I2CCON5
        for reg in REGISTERS:
            block.add(replace(reg, name=f"{reg.name}{suffix}"),
                      *behaviour.get(reg.offset, (None, None)))

    def attach(self, address, device):
        if address in self.devices:
            raise ValueError(f"{self.name}: two devices at address {address:#04x}")
        self.devices[address] = device

    # -- register behaviour -----------------------------------------------------------------

    def _stat_written(self, old, new, lanes):
        keep = (old & (BUSY | LRB)) | (new & ~(BUSY | LRB) & 0xFF)
        self._v[I2CSTAT] = keep                     # BUSY and LRB are status bits
        mode = new >> MODE_SHIFT & 3
        if not self._busy:
            if not new & BUSY:
                return
            if not new & TXRXEN:
                self._guest_error("I2CSTAT", "START with serial output disabled "
                                             "(I2CSTAT[4]=0): nothing happens on the bus")
                return
            if mode not in (MASTER_RX, MASTER_TX):
                self._unimp("I2CSTAT", f"{MODES[mode]} mode is not modelled")
                return
            if not self.clock_enabled():
                self._guest_error("I2CSTAT", "START with the I2C clock gated")
                return
            self._start(repeated=False)
            return
        self._action = "start" if new & BUSY else "stop"
        if not self._v[I2CCON] & IRQPEND:
            self._resume()

    def _con_written(self, old, new, lanes):
        if new & IRQPEND and not old & IRQPEND:
            self._v[I2CCON] = new & ~IRQPEND         # the pending bit cannot be set by software
        if old & IRQPEND and not new & IRQPEND and self._busy:
            self._resume()
        self._update_irq()

    # -- the bus ----------------------------------------------------------------------------

    def _resume(self):
        action, self._action = self._action, None
        if action == "stop":
            self._stop()
        elif action == "start":
            self._start(repeated=True)
        elif self._receiving:
            self._receive()
        else:
            self._transmit()

    def _start(self, repeated):
        byte = self._v[I2CDS]
        mode = self._v[I2CSTAT] >> MODE_SHIFT & 3
        read = bool(byte & 1)
        if read != (mode == MASTER_RX):
            self._guest_error("I2CSTAT", f"address byte {byte:#04x} says {'read' if read else 'write'}"
                                         f" but I2CSTAT[7:6] selects {MODES[mode]}")
        self._busy, self._receiving = True, mode == MASTER_RX
        address = byte >> 1
        device = self.devices.get(address)
        if repeated and self._current is not None and self._current is not device:
            self._current.stop()
        ack = device is not None and device.start(read)
        self._current = device if ack else None
        self._line += ["Sr" if repeated else "S", f"{address:#04x}", "R" if read else "W"]
        if not ack:
            self._line.append("NACK")
        self._byte_done(ack)

    def _transmit(self):
        byte = self._v[I2CDS]
        ack = self._current is not None and self._current.write(byte)
        self._line.append(f"{byte:#04x}")
        if not ack:
            self._line.append("NACK")
        self._byte_done(ack)

    def _receive(self):
        byte = self._current.read() & 0xFF if self._current is not None else 0xFF
        self._v[I2CDS] = byte
        self._line.append(f"{byte:#04x}")
        self._byte_done(bool(self._v[I2CCON] & ACKEN))

    def _byte_done(self, ack):
        stat = self._v[I2CSTAT] | BUSY
        self._v[I2CSTAT] = (stat & ~LRB) if ack else (stat | LRB)
        self._v[I2CCON] |= IRQPEND
        self._update_irq()

    def _stop(self):
        if self._current is not None:
            self._current.stop()
        self._busy, self._current, self._receiving = False, None, False
        self._v[I2CSTAT] &= ~BUSY
        self._line.append("P")
        line, self._line = " ".join(self._line), []
        self.tracer.publish("i2c", bus=self.name, line=line)

    def _update_irq(self):
        con = self._v[I2CCON]
        if con & IRQPEND and con & INTEN:
            self.irq.raise_()
        else:
            self.irq.lower()

    @property
    def busy(self):
        return self._busy

    def _guest_error(self, source, message):
        if self.tracer.wants("guest_error"):
            self.tracer.publish("guest_error", source=f"{self.name}.{source}", message=message)

    def _unimp(self, source, message):
        if self.tracer.wants("unimp"):
            self.tracer.publish("unimp", source=f"{self.name}.{source}", message=message)
