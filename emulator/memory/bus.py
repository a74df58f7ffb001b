"""The physical MMIO bus: modelled peripherals, and a catch-all for registers nobody models.

Each peripheral region is mapped with Unicorn's mmio_map; accesses are counted (for the run
statistics) and the device's read/write is called with the offset in its region. A page with
no model that a driver maps anyway is covered by an "unmodelled" region: reads return zero,
writes are dropped, and each access is a guest error naming the address (ARCHITECTURE.md, Facts).
"""

from .layout import PAGE_SIZE


class UnmodelledPage:
    """One 4 KiB page of physical address space without a peripheral model."""

    def __init__(self, base, tracer):
        self.name, self.base, self.size = f"unmodelled@{base:#010x}", base, PAGE_SIZE
        self._tracer = tracer

    def reg_name(self, offset):
        return f"{self.base + offset:#010x}"

    def read(self, offset, size):
        self._tracer.publish("guest_error", source=self.reg_name(offset),
                             message=f"read{size * 8} of unmodelled MMIO (reads as 0)")
        if "mmio_read" in self._tracer.active:
            self._tracer.publish("mmio_read", pc=None, addr=self.base + offset,
                                 reg=self.reg_name(offset), size=size, value=0)
        return 0

    def write(self, offset, size, value):
        self._tracer.publish("guest_error", source=self.reg_name(offset),
                             message=f"write{size * 8} {value:#x} to unmodelled MMIO (ignored)")
        if "mmio_write" in self._tracer.active:
            self._tracer.publish("mmio_write", pc=None, addr=self.base + offset,
                                 reg=self.reg_name(offset), size=size, value=value, old=0)


class MmioBus:
    def __init__(self, cpu, tracer, ram_base, ram_size):
        self._cpu, self._tracer = cpu, tracer
        self._ram = (ram_base, ram_base + ram_size)
        self.regions = []
        self._counts = [0, 0]        # reads, writes (counted by the CPU's MMIO callbacks)

    @property
    def reads(self):
        return self._counts[0]

    @reads.setter
    def reads(self, value):
        self._counts[0] = value

    @property
    def writes(self):
        return self._counts[1]

    @writes.setter
    def writes(self, value):
        self._counts[1] = value

    def attach(self, region):
        """Map a device region (.base, .size, .read(offset, size), .write(offset, size, v));
        devices publish mmio events themselves."""
        self._cpu.map_mmio(region.base, region.size, region.read, region.write, self._counts)
        self.regions.append(region)

    def region_at(self, pa):
        for region in self.regions:
            if region.base <= pa < region.base + region.size:
                return region
        return None

    def is_ram(self, pa):
        return self._ram[0] <= pa < self._ram[1]

    def cover(self, pa):
        """Make sure physical page pa decodes to something (RAM, a model, or unmodelled)."""
        if self.is_ram(pa) or self.region_at(pa) is not None:
            return
        self.attach(UnmodelledPage(pa & ~(PAGE_SIZE - 1), self._tracer))
