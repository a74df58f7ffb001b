"""Misc character devices (drivers/char/misc.c, 3.14): major 10, a minor of the driver's
choice or MISC_DYNAMIC_MINOR (the first free of 63, 62, ... down), a device in class "misc"
(so devtmpfs makes /dev/NAME), /proc/misc; opening one gives file->private_data = the
struct miscdevice, as misc_open does."""

from .. import errno
from ..abi import CDEV, MISCDEVICE, MKDEV
from ..hypercall import export

MISC_MAJOR = 10
MISC_DYNAMIC_MINOR = 255
DYNAMIC_MINORS = 64
#: Misc devices the board's kernel registers at boot, in order (its .config: BLK_DEV_LOOP,
#: BLK_DEV_DM, then the three pm_qos classes with dynamic minors at late_initcall).
BOOT_MISC = ((237, "loop-control"), (236, "device-mapper"), (63, "cpu_dma_latency"),
             (62, "network_latency"), (61, "network_throughput"))


class Misc:
    def __init__(self, core, api, chrdev):
        self.core, self._api, self._chrdev = core, api, chrdev
        self.vm = core.vm
        self.devices = [(minor, name, 0, 0, 0) for minor, name in reversed(BOOT_MISC)]
        self.class_va = 0

    def class_init(self):
        """misc_init (subsys_initcall): the "misc" class, owned by the kernel."""
        self.class_va = self._api.class_create(0, self.core.cstr("misc"), 0)

    def _misc_class(self):
        return self.class_va

    @export()
    def misc_register(self, misc):
        vm = self.vm
        minor = vm.read_u32(misc + MISCDEVICE["minor"])
        taken = {m for m, *_ in self.devices}
        if minor == MISC_DYNAMIC_MINOR:
            free = [DYNAMIC_MINORS - 1 - i for i in range(DYNAMIC_MINORS)
                    if DYNAMIC_MINORS - 1 - i not in taken]
            if not free:
                return -errno.EBUSY & 0xFFFFFFFF
            minor = free[0]
            vm.write_u32(misc + MISCDEVICE["minor"], minor)
        elif minor in taken:
            return -errno.EBUSY & 0xFFFFFFFF
        name_va = vm.read_u32(misc + MISCDEVICE["name"])
        name = self.core.str_at(name_va)
        cdev = self._chrdev.cdev_alloc()
        vm.write_u32(cdev + CDEV["ops"], vm.read_u32(misc + MISCDEVICE["fops"]))
        self._chrdev.cdev_add(cdev, MKDEV(MISC_MAJOR, minor), 1)
        self._chrdev.open_private[cdev] = misc
        dev = self._api.create(self._misc_class(), vm.read_u32(misc + MISCDEVICE["parent"]),
                               MKDEV(MISC_MAJOR, minor), misc, name)
        vm.write_u32(misc + MISCDEVICE["this_device"], dev)
        self.devices.insert(0, (minor, name, misc, cdev, dev))
        self.core.ledger.release("device", dev)          # misc owns it: one entry below
        fops = vm.read_u32(misc + MISCDEVICE["fops"])
        self.core.ledger.acquire("misc_device", misc, self.core.site(vm.read_u32(fops) if fops
                                                                     else 0),
                                 f'misc device "{name}" (10:{minor})')          # list_add: newest first
        return 0

    @export()
    def misc_deregister(self, misc):
        for entry in self.devices:
            if entry[2] == misc:
                minor, _, _, cdev, _ = entry
                self.devices.remove(entry)
                self.core.ledger.release("misc_device", misc)
                self._api.device_destroy(self.class_va, MKDEV(MISC_MAJOR, minor))
                self._chrdev.open_private.pop(cdev, None)
                self._chrdev.cdev_del(cdev)
                self.core.kmalloc.free(cdev)
                return 0
        return -errno.EINVAL & 0xFFFFFFFF

    def proc_misc(self):
        return "".join(f"{minor:3d} {name}\n" for minor, name, *_ in self.devices)
