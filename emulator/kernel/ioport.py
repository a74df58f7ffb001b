"""Port I/O on ARM (3.14): port space mapped at PCI_IO_VIRT_BASE, inb() a load there.

inb/outb and the string forms are inline loads/stores in the SDK's asm/io.h on
`PCI_IO_VIRT_BASE + (port & IO_SPACE_LIMIT)`. When the board declares a port window, its
pages are mapped there (as pci_ioremap_io() maps a host bridge's I/O aperture) and its
devices are inserted in the ioport resource tree; without one nothing is mapped and a port
access faults like any access to an unmapped kernel address (an oops).
"""

from ..memory.layout import PAGE_SIZE
from ..memory.mmu import KERNEL_DEVICE
from .hypercall import export
from .resource import IO_SPACE_LIMIT

PCI_IO_VIRT_BASE = 0xFEE00000
PCI_IO_SIZE = 0x00200000          # 2 MiB of virtual space, reserved like pci_reserve_io()


class IoPorts:
    def __init__(self, tables, window, resources, vmalloc):
        """window: the board's IoPortWindow bus region, or None; vmalloc: ioremap's VmArea."""
        self.window = window
        vmalloc.reserve(PCI_IO_VIRT_BASE, PCI_IO_SIZE)
        if window is None:
            return
        for off in range(0, window.size, PAGE_SIZE):
            tables.map_page(PCI_IO_VIRT_BASE + off, window.base + off, KERNEL_DEVICE)
        for device in window.devices:
            resources.insert(resources.ioport, device.name, device.port,
                             device.port + device.size - 1)

    @export("ioport_map")
    def ioport_map(self, port, nr):
        """arch/arm/mm/iomap.c: the cookie ioread8() & co. take for a port."""
        return PCI_IO_VIRT_BASE + (port & IO_SPACE_LIMIT)

    @export("ioport_unmap")
    def ioport_unmap(self, addr):
        return None
