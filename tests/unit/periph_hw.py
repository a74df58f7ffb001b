"""The FS4412 hardware alone, with a settable virtual clock, for the peripheral tests."""

from emulator.hw.board import build_hardware, load_board
from emulator.trace import CATALOGUE, Tracer


class HwBoard:
    """build_hardware("fs4412") with a recording tracer; ``now`` is the virtual time (ns)."""

    def __init__(self):
        self.now = 0
        self.tracer = Tracer()
        self.events = []
        for kind in CATALOGUE:
            self.tracer.subscribe(kind, lambda kind, fields: self.events.append((kind, fields)))
        self.hw = build_hardware(load_board("fs4412"), self.tracer, now_ns=lambda: self.now)
        self.periph = self.hw.periph

    def region(self, addr):
        for region in self.hw.mmio_regions:
            if region.base <= addr < region.base + region.size:
                return region, addr - region.base
        raise AssertionError(f"no region at {addr:#x}")

    def read(self, addr, size=4):
        region, offset = self.region(addr)
        return region.read(offset, size)

    def write(self, addr, value, size=4):
        region, offset = self.region(addr)
        region.write(offset, size, value)

    def of(self, kind):
        return [fields for k, fields in self.events if k == kind]

    def errors(self):
        return [f["message"] for f in self.of("guest_error")]

    def irq(self, device, index=0):
        return next(line for name, i, _src, line in self.periph.irq_lines
                    if name == device and i == index)

    def advance_to(self, ns):
        self.now = ns
        self.periph.advance()
