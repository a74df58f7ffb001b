"""A port-I/O test peripheral (no real chip): something for inb/outb and the string forms.

The Exynos4412 has no I/O port space; boards that declare a port window (`[ioport]` in the
board file) can place this device in it. Registers, at port offsets from its base:

    0x0  DATA     a write of any width pushes its bytes (little-endian) into a FIFO;
                  a read of width N pops N bytes (0 when empty, a guest error)
    0x4  COUNT    bytes waiting in the FIFO (read-only)
    0x8  SCRATCH  8 bytes of plain storage, read and written at any width

Every access is recorded in `accesses` as (offset, size, value, "r" | "w"), so a test can
check that a 16-bit accessor reached the device as one 16-bit access.
"""

DATA, COUNT, SCRATCH, SCRATCH_SIZE = 0x0, 0x4, 0x8, 8
SIZE = 0x10
FIFO_DEPTH = 4096


class PortsTestDevice:
    def __init__(self, name, port, tracer):
        self.name, self.port, self.size = name, port, SIZE
        self._tracer = tracer
        self.fifo = bytearray()
        self.scratch = bytearray(SCRATCH_SIZE)
        self.accesses = []

    def _error(self, offset, message):
        self._tracer.publish("guest_error", source=f"{self.name}@{self.port + offset:#x}",
                             message=message)

    def read(self, offset, size):
        if offset == DATA:
            value = int.from_bytes(self.fifo[:size].ljust(size, b"\0"), "little")
            if len(self.fifo) < size:
                self._error(offset, f"read{size * 8} of DATA with {len(self.fifo)} bytes queued")
            del self.fifo[:size]
        elif offset == COUNT:
            value = len(self.fifo)
        elif SCRATCH <= offset and offset + size <= SCRATCH + SCRATCH_SIZE:
            value = int.from_bytes(self.scratch[offset - SCRATCH:offset - SCRATCH + size], "little")
        else:
            self._error(offset, f"read{size * 8} of an undefined register (reads as 0)")
            value = 0
        self.accesses.append((offset, size, value, "r"))
        return value

    def write(self, offset, size, value):
        data = (value & ((1 << 8 * size) - 1)).to_bytes(size, "little")
        self.accesses.append((offset, size, value, "w"))
        if offset == DATA:
            if len(self.fifo) + size > FIFO_DEPTH:
                self._error(offset, "DATA FIFO overflow (write dropped)")
                return
            self.fifo += data
        elif SCRATCH <= offset and offset + size <= SCRATCH + SCRATCH_SIZE:
            self.scratch[offset - SCRATCH:offset - SCRATCH + size] = data
        else:
            self._error(offset, f"write{size * 8} {value:#x} to a read-only or undefined "
                                f"register (ignored)")


#: Port devices a board file may declare, by `kind`.
PORT_DEVICE_KINDS = {"ports_test": PortsTestDevice}
