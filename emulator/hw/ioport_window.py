"""The port-I/O window: a physical region that decodes port numbers to port devices.

ARM Linux maps PCI I/O space at PCI_IO_VIRT_BASE and turns inb(port) into a load there
(arch/arm/include/asm/io.h); on a real ARM board the window is a PCI host bridge's I/O
aperture. Here the board file declares the window's physical base and size and the devices
in it; a port no device claims is a guest error (reads as 0, writes ignored).
"""

_SUFFIX = {1: "b", 2: "w", 4: "l"}


class IoPortWindow:
    """A bus region (name, base, size, read, write) dispatching by port number."""

    def __init__(self, base, size, devices, tracer):
        self.name, self.base, self.size = "ioport-window", base, size
        self.devices = list(devices)
        self._tracer = tracer
        self.pc_provider = None

    def device_at(self, port):
        for device in self.devices:
            if device.port <= port < device.port + device.size:
                return device
        return None

    def read(self, port, size):
        device = self.device_at(port)
        if device is None:
            self._tracer.publish("guest_error", source=f"port {port:#06x}",
                                 message=f"in{_SUFFIX[size]} from a port "
                                         f"no device decodes (reads as 0)")
            return 0
        value = device.read(port - device.port, size)
        if "mmio_read" in self._tracer.active:
            self._tracer.publish("mmio_read", pc=None, addr=self.base + port,
                                 reg=f"{device.name}+{port - device.port:#x}", size=size,
                                 value=value)
        return value

    def write(self, port, size, value):
        device = self.device_at(port)
        if device is None:
            self._tracer.publish("guest_error", source=f"port {port:#06x}",
                                 message=f"out{_SUFFIX[size]} {value:#x} "
                                         f"to a port no device decodes (ignored)")
            return
        device.write(port - device.port, size, value)
        if "mmio_write" in self._tracer.active:
            self._tracer.publish("mmio_write", pc=None, addr=self.base + port,
                                 reg=f"{device.name}+{port - device.port:#x}", size=size,
                                 value=value, old=None)
