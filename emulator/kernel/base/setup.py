"""Boot of the driver model: the device tree in guest memory, irq domains, the platform bus
populated from the tree, /proc/device-tree; and the kernel services they export."""

from ...hw.clock import build_cmu
from ..clk import ClockFramework
from ..gpio.gpiolib import Gpiolib
from ..gpio.pinctrl import ExynosPinctrl
from ..i2c.setup import I2cSubsystem
from ..leds.led_class import LedClass
from ..leds.leds_gpio import COMPATIBLE as GPIO_LEDS, LedsGpio
from ..of import fdt
from ..of.address import reg_entries
from ..of.address import OfAddressApi
from ..of.base import OfApi, OfTree
from ..of.irq import OfIrq, OfIrqApi
from .attrs import SysfsAttrs
from .core import DeviceApi, DeviceCore
from .devres import Devres
from .misc import Misc
from .platform import PlatformBus

DT_VIEWS = ("/proc/device-tree", "/sys/firmware/devicetree/base")


class DeviceTreeView:
    """/proc/device-tree: a directory per node, a file per property (raw value)."""

    def __init__(self, root):
        self._root = root

    def _walk(self, rel):
        node, parts = self._root, [p for p in rel.split("/") if p]
        for i, part in enumerate(parts):
            child = next((c for c in node.children if c.name == part), None)
            if child is None:
                return node, parts[i:]
            node = child
        return node, []

    def file(self, rel):
        node, rest = self._walk(rel)
        return node.props.get(rest[0]) if len(rest) == 1 else None

    def listdir(self, rel):
        node, rest = self._walk(rel)
        if rest:
            return None
        return sorted(list(node.props) + [c.name for c in node.children])


class EarlyAlloc:
    """memblock for the boot-time objects (the unflattened tree, the platform devices made
    at populate): bump allocations from the kernel's reserved boot memory, so the slab caches
    start the session as empty as on a board whose boot objects are long settled. Memory from
    here is never given back (a boot device's release frees nothing)."""

    def __init__(self, boot_alloc, vm):
        self._boot_alloc, self._vm = boot_alloc, vm

    def alloc(self, size, zero=False, caller=None):
        va = self._boot_alloc(max(size, 1))
        if zero:
            self._vm.write(va, bytes(size))
        return va

    def free(self, va, caller=0):
        """Boot memory stays reserved."""


class DriverModel:
    def __init__(self, dt, vm, kmalloc, log, call_guest, ioremap, resources, caller, boot_alloc,
                 bus, gpio_hw, chrdev, call_host, tracer, ledger, domains=None, symbol=None):
        """dt: a .dtb/.dts path, or None for the board's own tree (InputError if invalid);
        boot_alloc(size) -> va: the kernel's boot memory (for the boot-time objects);
        bus, gpio_hw: where gpiolib's and the I2C adapters' register accesses go;
        symbol(name): a kernel service's address (the I2C adapters' algorithm)."""
        self.root, self._vm = fdt.load(dt), vm
        self.early = EarlyAlloc(boot_alloc, vm)
        self.tree = OfTree(self.root, vm, self.early)
        self.of_irq = OfIrq(self.tree, domains)       # domains: shared with kernel/irq
        self.of_irq.init_controllers()                  # init_IRQ, time_init
        self.core = DeviceCore(vm, kmalloc, log, None, call_guest, ledger, caller)
        pinctrl = ExynosPinctrl(bus, gpio_hw)
        controllers = [(reg_entries(n)[0][0], f"{reg_entries(n)[0][0]:x}.pinctrl")
                       for n in self.tree.root.children
                       if self.tree.compatible_score(n, "samsung,exynos4x12-pinctrl")
                       and self.tree.available(n) and reg_entries(n)]
        self.gpio = Gpiolib(vm, log, pinctrl, pinctrl.chips(controllers), self.early,
                            self.tree, self.of_irq.domains, self.core)
        self.platform = PlatformBus(self.core, self.tree, self.of_irq, resources, self.early,
                                    pin_states=self.gpio.apply_default_state)
        self.devres = Devres(self.core, kmalloc, ioremap, resources, caller)
        self.device_api = DeviceApi(self.core)
        self.misc = Misc(self.core, self.device_api, chrdev)
        self.leds = LedClass(self.core, self.device_api, call_host, call_guest)
        self.attrs = SysfsAttrs(self.core, call_host)      # device_create_file & co.
        self.cmu = build_cmu(tracer)                   # the CMU's gate registers (hw/clock.py)
        bus.attach(self.cmu)
        self.clk = ClockFramework(vm, log, self.tree, bus, self.cmu, self.early)
        self.i2c = I2cSubsystem(self.core, self.tree, self.of_irq, bus, self.early, symbol)
        self.providers = [OfApi(self.tree, vm), OfIrqApi(self.of_irq, self.tree, vm),
                          OfAddressApi(self.tree, vm, ioremap), self.device_api,
                          self.platform, self.devres, self.gpio, self.misc, self.leds,
                          self.clk, self.attrs, *self.i2c.providers]

    def data_symbols(self):
        """The driver model's data objects modules link against: name -> guest address
        (of_allnodes is a pointer variable holding the root node, the head of allnext)."""
        allnodes = self.early.alloc(4)
        self._vm.write_u32(allnodes, self.tree.va_of[self.tree.root])
        return {"platform_bus_type": self.platform.bus_va, "platform_bus": self.platform.bus_dev,
                "i2c_bus_type": self.i2c.core.bus_va, "of_allnodes": allnodes}

    def special_openers(self):
        """rdev -> open(flags) of the character devices the kernel itself serves
        (/dev/i2c-N), for the syscall layer."""
        return self.i2c.dev.openers()

    @property
    def domains(self):
        return self.of_irq.domains

    def attach(self, vfs, builtins=()):
        """Once the file namespace exists: populate the platform bus (arch_initcall) and show
        the tree under /proc/device-tree and /sys/firmware/devicetree/base. builtins: other
        subsystems' drivers of the kernel image, (name, compatible, probe(node, name))."""
        self.core.vfs = vfs
        runtime, self.core.kmalloc = self.core.kmalloc, self.early
        try:
            self.misc.class_init()                      # misc_init, leds_init: the kernel's
            self.leds.class_init()
            leds_gpio = LedsGpio(self.tree, self.gpio, self.leds, self.core.log)
            self.platform.register_builtin("leds-gpio", GPIO_LEDS, leds_gpio.probe)
            for name, compatible, probe in builtins:
                self.platform.register_builtin(name, compatible, probe)
            self.platform.populate()
            self.i2c.boot(self.platform, self.device_api)      # I2C adapters, i2c-dev
        finally:
            self.core.kmalloc = runtime
        vfs.add_virtual("/sys/kernel/debug/gpio", self.gpio.debugfs)
        vfs.add_proc("misc", self.misc.proc_misc)
        vfs.add_virtual("/sys/kernel/debug/clk/clk_summary", self.clk.summary)
        for prefix in DT_VIEWS:
            vfs.add_view(prefix, DeviceTreeView(self.root))
