"""Managed device resources (drivers/base/devres.c, lib/devres.c, 3.14): each devm_* call
records its release on the device; the records are released newest first after remove()
and after a failed probe (DeviceCore.release_devres)."""

from .. import errno
from ..abi import RESOURCE
from ..hypercall import export
from ..mm.gfp import __GFP_ZERO as GFP_ZERO
from .core import err_ptr

IORESOURCE_MEM = 0x200
IORESOURCE_BUSY = 0x80000000


class Devres:
    def __init__(self, core, kmalloc, ioremap, resources, caller):
        self.core, self._kmalloc, self._ioremap = core, kmalloc, ioremap
        self._res, self._caller = resources, caller

    def _record(self, dev, what, release):
        d = self.core.devices.get(dev) or self.core.initialize(dev)
        d.devres.append((what, release))

    def add(self, dev, what, release):
        """Record a managed resource of another subsystem (devm_request_irq)."""
        self._record(dev, what, release)

    def remove(self, dev, what):
        """devres_destroy: forget it without releasing; the entry, or None."""
        return self._forget(dev, what)

    def _forget(self, dev, what):
        d = self.core.devices.get(dev)
        for i, (w, _) in enumerate(d.devres if d else []):
            if w == what:
                return d.devres.pop(i)
        return None

    @export()
    def devm_kmalloc(self, dev, size, gfp):
        """3.14's devm_kzalloc is an inline: devm_kmalloc(dev, size, gfp | __GFP_ZERO)."""
        return self._devm_alloc(dev, size, bool(gfp & GFP_ZERO), "devm_kmalloc")

    def _devm_alloc(self, dev, size, zero, what):
        caller = self._caller()
        va = self._kmalloc.alloc(size, zero=zero, caller=caller)
        if va:
            ledger = self.core.ledger
            ledger.release("kmalloc", va)              # held by the device, not the module
            ledger.acquire("devres", va, caller, f"{what}({size}) = {va:#010x} "
                                                 f"for {self.core.name_of(dev)}")

            def release():
                ledger.release("devres", va)
                self._kmalloc.free(va)
            self._record(dev, ("kmalloc", va), release)
        return va

    @export()
    def devm_kfree(self, dev, va):
        entry = self._forget(dev, ("kmalloc", va))
        if entry is None:
            self.core.log.emit(4, False, f"WARNING: at drivers/base/devres.c: devm_kfree: "
                                         f"{va:#010x} is not a managed allocation\n")
            return
        entry[1]()

    @export()
    def devm_ioremap(self, dev, offset, size):
        va = self._ioremap.arm_ioremap(offset, size, 0)
        if va:
            self._record(dev, ("ioremap", va), lambda: self._ioremap.arm_iounmap(va))
        return va

    @export("devm_ioremap_nocache")
    def devm_ioremap_nocache(self, dev, offset, size):
        return self.devm_ioremap(dev, offset, size)

    @export()
    def devm_iounmap(self, dev, va):
        entry = self._forget(dev, ("ioremap", va))
        if entry is not None:
            entry[1]()

    def _request(self, dev, start, n, name_va):
        root = self._res.iomem.root.va
        region = self._res.request_region(root, start, n, name_va, 0)
        if region:
            self._record(dev, ("region", region),
                         lambda: self._res.release_region(root, start, n))
        return region

    @export("__devm_request_region")
    def devm_request_region(self, dev, parent, start, n, name):
        return self._request(dev, start, n, name)

    @export()
    def devm_ioremap_resource(self, dev, res):
        """Check the resource, request it under the device's name, map it; ERR_PTR on error."""
        vm = self.core.vm
        if not res or not vm.read_u32(res + RESOURCE["flags"]) & IORESOURCE_MEM:
            self.core.log.emit(3, False, f"{self.core.driver_string(dev)} "
                                         f"{self.core.name_of(dev)}: invalid resource\n")
            return err_ptr(errno.EINVAL)
        start, end = vm.read_u32(res + RESOURCE["start"]), vm.read_u32(res + RESOURCE["end"])
        size = end - start + 1
        name = self.core.cstr(self.core.name_of(dev))
        if not self._request(dev, start, size, name):
            self.core.log.emit(3, False, f"{self.core.driver_string(dev)} "
                                         f"{self.core.name_of(dev)}: can't request region for "
                                         f"resource [mem {start:#010x}-{end:#010x}]\n")
            return err_ptr(errno.EBUSY)
        va = self.devm_ioremap(dev, start, size)
        if not va:
            return err_ptr(errno.ENOMEM)
        return va
