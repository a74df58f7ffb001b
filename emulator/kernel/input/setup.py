"""The input subsystem as the machine builds it: the core (exported to modules), evdev and
the built-in gpio-keys driver, from what they need."""

from .core import InputCore
from .evdev import Evdev
from .gpio_keys import COMPATIBLE as GPIO_KEYS, GpioKeys


class InputSubsystem:
    def __init__(self, vm, kmalloc, sched, clock, vfs, printk, log, caller, ledger, dm, irq_api):
        """vfs() -> the root filesystem (made later; evdev's /dev/input nodes); dm: the
        driver model (devres, device names, device tree, gpiolib); irq_api: kernel/irq's."""
        self.evdev = Evdev(vm, sched, clock, vfs)
        self.core = InputCore(vm, kmalloc, lambda va: sched.mutexes.mutex_init(va, 0, 0),
                              printk, caller, ledger, dm.devres, dm.core.name_of, self.evdev)
        self.gpio_keys = GpioKeys(dm.tree, dm.gpio, irq_api, self.core, sched.timers, log)

    @property
    def providers(self):
        return [self.core]

    def builtin_drivers(self):
        """(name, compatible, probe) of the kernel image's input drivers."""
        return [("gpio-keys", GPIO_KEYS, self.gpio_keys.probe)]

    def openers(self):
        return self.evdev.openers()
