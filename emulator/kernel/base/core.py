"""Devices, classes, devtmpfs and dev_printk (drivers/base/core.c, class.c, devtmpfs.c, 3.14).

A `struct device` lives in guest memory with the board's layout; its name is kobj.name (what
dev_name() reads). Driver data, devres and sysfs entries are kept here by the device's
address. device_create makes /dev/NAME at once (DEVTMPFS_MOUNT, mode 0600) and
/sys/class/CLASS/NAME/{dev,uevent} with /sys/dev/char/MAJ:MIN (base/sysfs_dev.py);
device_destroy removes them.
"""

from dataclasses import dataclass, field

from .. import errno
from ..abi import BUS_TYPE, CLASS, DEVICE, DEVICE_DRIVER, KOBJECT, MAJOR, MINOR
from ..hypercall import export
from ..printf import format_printk
from . import sysfs_dev
from .sysfs_dev import uevent_text
from ...memory.layout import MODULES_STUBS_SIZE, MODULES_VADDR

S_IFCHR = 0o020000
DEVTMPFS_MODE = 0o600
#: dev_printk levels of the exported helpers (KERN_ERR ... KERN_INFO).
DEV_PRINTK_LEVELS = {"dev_emerg": 0, "dev_alert": 1, "dev_crit": 2, "dev_err": 3,
                     "dev_warn": 4, "dev_notice": 5, "_dev_info": 6}


def err_ptr(err):
    """ERR_PTR(-err) as the guest sees it."""
    return -err & 0xFFFFFFFF


@dataclass
class Device:
    """A struct device the driver core knows: its drvdata, devres, sysfs entries and node."""
    va: int
    name: str = ""
    drvdata: int = 0
    devres: list = field(default_factory=list)     # (what, release callable), newest last
    sysfs: list = field(default_factory=list)      # paths this device added
    sysfs_dirs: list = field(default_factory=list)  # its attribute groups' directories
    devnode: str = ""
    cls: int = 0


class DeviceCore:
    """The device registry shared by the class, platform and misc code."""

    def __init__(self, vm, kmalloc, log, vfs, call_guest, ledger, caller):
        """ledger, caller: rmmod's leak report learns what a module registered and left."""
        self.vm, self.kmalloc, self.log, self.vfs = vm, kmalloc, log, vfs
        self.call_guest = call_guest
        self.ledger, self.caller = ledger, caller
        self.devices = {}           # va -> Device
        self.classes = {}           # va -> name
        self.buses = {}             # struct bus_type va -> devices(): its klist, in order

    def site(self, owner=0):
        """The call site to charge a registration to: the service's caller, or, when the
        module tail-called the service from its init (the return address is then the
        kernel's, in the stub page), its struct module (THIS_MODULE) passed as owner."""
        caller = self.caller()
        in_kernel = MODULES_VADDR <= caller < MODULES_VADDR + MODULES_STUBS_SIZE
        return owner if in_kernel and owner else caller

    # -- struct device -----------------------------------------------------------------------
    def cstr(self, text):
        raw = text.encode() + b"\0"
        va = self.kmalloc.alloc(len(raw))
        self.vm.write(va, raw)
        return va

    def static_object(self, alloc, size, name_at=None, name=""):
        """A kernel object of .data (platform_bus_type, platform_bus) in boot memory from
        alloc (EarlyAlloc), zeroed, its name string beside it written at offset name_at."""
        raw = name.encode() + b"\0"
        va = alloc.alloc(size + len(raw), zero=True)
        if name_at is not None:
            self.vm.write(va + size, raw)
            self.vm.write_u32(va + name_at, va + size)
        return va

    def bus_type(self, name, alloc):
        """A struct bus_type named name (what dev_driver_string reads of a driverless
        device's bus)."""
        return self.static_object(alloc, BUS_TYPE.size, BUS_TYPE["name"], name)

    def str_at(self, va):
        return self.vm.read_cstr(va).decode("utf-8", "replace") if va else ""

    def initialize(self, va):
        """device_initialize: the kobject's kref, the devres list head."""
        vm = self.vm
        vm.write_u32(va + DEVICE["kobj"] + KOBJECT["kref"], 1)
        head = va + DEVICE["devres_head"]
        vm.write_u32(head, head)
        vm.write_u32(head + 4, head)
        return self.devices.setdefault(va, Device(va))

    def set_name(self, va, name):
        dev = self.devices.get(va) or self.initialize(va)
        dev.name = name
        self.vm.write_u32(va + DEVICE["kobj"] + KOBJECT["name"], self.cstr(name))

    def name_of(self, va):
        dev = self.devices.get(va)
        if dev is not None and dev.name:
            return dev.name
        kname = self.vm.read_u32(va + DEVICE["kobj"] + KOBJECT["name"])
        return self.str_at(kname or self.vm.read_u32(va + DEVICE["init_name"]))

    def driver_string(self, va):
        """dev_driver_string: the bound driver's name, else the bus's, else the class's."""
        drv = self.vm.read_u32(va + DEVICE["driver"])
        if drv:
            return self.str_at(self.vm.read_u32(drv + DEVICE_DRIVER["name"]))
        bus = self.vm.read_u32(va + DEVICE["bus"])
        if bus:
            return self.str_at(self.vm.read_u32(bus))
        cls = self.vm.read_u32(va + DEVICE["class"])
        return self.str_at(self.vm.read_u32(cls + CLASS["name"])) if cls else ""

    def release_devres(self, va):
        """devres_release_all: newest first."""
        dev = self.devices.get(va)
        while dev is not None and dev.devres:
            _, release = dev.devres.pop()
            release()

    def add_sysfs(self, dev, path, render):
        self.vfs.add_virtual(path, render)
        dev.sysfs.append(path)

    def add_sysfs_link(self, dev, path, target):
        self.vfs.add_virtual_link(path, target)
        dev.sysfs.append(path)

    def drop_sysfs(self, dev):
        for path in dev.sysfs:
            self.vfs.remove_virtual(path)
        dev.sysfs.clear()
        for path in dev.sysfs_dirs:
            self.vfs.remove_virtual_dir(path)
        dev.sysfs_dirs.clear()

    def put(self, dev):
        """put_device: the last reference releases devres, then dev->release (or our own
        free for devices the kernel allocated); a static device without release is reported
        as 3.14's device_release does."""
        if not dev:
            return
        kref = dev + DEVICE["kobj"] + KOBJECT["kref"]
        count = self.vm.read_u32(kref) - 1
        self.vm.write_u32(kref, count)
        if count:
            return
        self.release_devres(dev)
        release = self.vm.read_u32(dev + DEVICE["release"])
        owned = self.devices.pop(dev, None)
        if release:
            self.call_guest(release, (dev,))
        elif owned is not None and getattr(owned, "free", None):
            owned.free()
        else:
            self.log.emit(3, False, f"Device '{self.name_of(dev)}' does not have a release() "
                                    "function, it is broken and must be fixed.\n")

    # -- dev_printk --------------------------------------------------------------------------
    def dev_printk(self, level, dev, fmt, args):
        _, _, text = format_printk(self.vm.read_cstr(fmt), args, self.vm.read_cstr)
        prefix = f"{self.driver_string(dev)} {self.name_of(dev)}: " if dev else "(NULL device *): "
        self.log.emit(level, False, prefix + text)
        return len(text)


class DeviceApi:
    """device_register & co., drvdata, dev_printk, classes and device_create."""

    def __init__(self, core):
        self.core = core
        self._vm = core.vm

    # -- printing ----------------------------------------------------------------------------
    def _printer(level):
        def emit(self, dev, fmt, args):
            return self.core.dev_printk(level, dev, fmt, args)
        return emit

    dev_emerg = export("dev_emerg", varargs=True)(_printer(0))
    dev_alert = export("dev_alert", varargs=True)(_printer(1))
    dev_crit = export("dev_crit", varargs=True)(_printer(2))
    dev_err = export("dev_err", varargs=True)(_printer(3))
    dev_warn = export("dev_warn", varargs=True)(_printer(4))
    dev_notice = export("dev_notice", varargs=True)(_printer(5))
    dev_info = export("_dev_info", varargs=True)(_printer(6))
    del _printer

    @export("dev_printk", varargs=True)
    def dev_printk(self, level_str, dev, fmt, args):
        raw = self._vm.read(level_str, 2)
        level = raw[1] - 0x30 if raw[:1] == b"\x01" and 0x30 <= raw[1] <= 0x37 else 4
        return self.core.dev_printk(level, dev, fmt, args)

    # -- struct device -----------------------------------------------------------------------
    @export("dev_set_name", varargs=True)
    def dev_set_name(self, dev, fmt, args):
        _, _, text = format_printk(self._vm.read_cstr(fmt), args, self._vm.read_cstr)
        self.core.set_name(dev, text.rstrip("\n"))
        return 0

    @export()
    def dev_set_drvdata(self, dev, data):
        (self.core.devices.get(dev) or self.core.initialize(dev)).drvdata = data
        return 0

    @export()
    def dev_get_drvdata(self, dev):
        d = self.core.devices.get(dev)
        return d.drvdata if d else 0

    # -- iterators (drivers/base/bus.c, driver.c) ---------------------------------------------
    def _for_each(self, devices, start, data, fn):
        """Call fn(dev, data) in guest code for each device after start (all when start is
        0) until one returns nonzero; that value, else 0."""
        if start:
            devices = devices[devices.index(start) + 1:] if start in devices else []
        for dev in devices:
            ret = self.core.call_guest(fn, (dev, data))
            if ret:
                return ret
        return 0

    @export()
    def bus_for_each_dev(self, bus, start, data, fn):
        devices = self.core.buses.get(bus)
        if devices is None:
            return err_ptr(errno.EINVAL)      # (3.14: a bus never registered has no ->p)
        return self._for_each(devices(), start, data, fn)

    @export()
    def driver_for_each_device(self, drv, start, data, fn):
        if not drv:
            return err_ptr(errno.EINVAL)
        bound = [dev for devices in self.core.buses.values() for dev in devices()
                 if self._vm.read_u32(dev + DEVICE["driver"]) == drv]
        return self._for_each(bound, start, data, fn)

    @export()
    def device_initialize(self, dev):
        self.core.initialize(dev)

    @export()
    def device_add(self, dev):
        d = self.core.devices.get(dev) or self.core.initialize(dev)
        if not d.name:
            init = self._vm.read_u32(dev + DEVICE["init_name"])
            if not init:
                return err_ptr(errno.EINVAL)
            self.core.set_name(dev, self.core.str_at(init))
        self._add_node(d)
        return 0

    @export()
    def device_register(self, dev):
        self.core.initialize(dev)
        return self.device_add(dev)

    @export()
    def device_del(self, dev):
        d = self.core.devices.get(dev)
        if d is not None:
            self._del_node(d)

    @export()
    def device_unregister(self, dev):
        self.device_del(dev)
        self.put_device(dev)

    @export()
    def get_device(self, dev):
        if dev:
            kref = dev + DEVICE["kobj"] + KOBJECT["kref"]
            self._vm.write_u32(kref, self._vm.read_u32(kref) + 1)
        return dev

    @export()
    def put_device(self, dev):
        self.core.put(dev)

    # -- devtmpfs and /sys/class -------------------------------------------------------------
    def _add_node(self, d):
        devt = self._vm.read_u32(d.va + DEVICE["devt"])
        cls = self._vm.read_u32(d.va + DEVICE["class"])
        if cls:
            base = f"/sys/class/{self.core.classes.get(cls, '?')}/{d.name}"
            if devt:                     # dev, uevent, /sys/dev/char/MAJ:MIN (mdev -s)
                sysfs_dev.publish(lambda path, render: self.core.add_sysfs(d, path, render),
                                  lambda path, target: self.core.add_sysfs_link(d, path, target),
                                  base, devt, d.name)
            else:
                self.core.add_sysfs(d, base + "/uevent", lambda: uevent_text(devt, d.name))
        if devt and "/" not in d.name and self.core.vfs.mknod(
                "/dev/" + d.name, S_IFCHR | DEVTMPFS_MODE, devt) == 0:
            d.devnode = "/dev/" + d.name

    def _del_node(self, d):
        self.core.drop_sysfs(d)
        if d.devnode:
            self.core.vfs.devices.pop(d.devnode, None)
            d.devnode = ""

    @export("__class_create")
    def class_create(self, owner, name, key):
        text = self.core.str_at(name)
        if text in self.core.classes.values():
            self.core.log.emit(3, False, f"kobject_add_internal failed for {text} with -EEXIST, "
                                         "don't try to register things with the same name in "
                                         "the same directory.\n")
            return err_ptr(errno.EEXIST)
        va = self.core.kmalloc.alloc(CLASS.size, zero=True)
        if not va:
            return err_ptr(errno.ENOMEM)
        self._vm.write_u32(va + CLASS["name"], name)
        self._vm.write_u32(va + CLASS["owner"], owner)
        self.core.classes[va] = self.core.str_at(name)
        self.core.ledger.acquire("class", va, self.core.site(owner),
                                 f'class "{self.core.classes[va]}"')
        self.core.vfs.add_virtual_dir(f"/sys/class/{self.core.classes[va]}")
        return va

    @export()
    def class_destroy(self, cls):
        if cls and cls < 0xFFFFF000 and cls in self.core.classes:
            self.core.vfs.remove_virtual_dir(f"/sys/class/{self.core.classes.pop(cls)}")
            self.core.ledger.release("class", cls)
            self.core.kmalloc.free(cls)

    @export("device_create", varargs=True)
    def device_create(self, cls, parent, devt, drvdata, fmt, args):
        _, _, name = format_printk(self._vm.read_cstr(fmt), args, self._vm.read_cstr)
        return self.create(cls, parent, devt, drvdata, name)

    def create(self, cls, parent, devt, drvdata, name):
        """device_create with the name formatted: a device in cls, /dev/NAME, /sys/class."""
        va = self.core.kmalloc.alloc(DEVICE.size, zero=True)
        if not va:
            return err_ptr(errno.ENOMEM)
        vm = self._vm
        d = self.core.initialize(va)
        d.free = lambda: self.core.kmalloc.free(va)
        vm.write_u32(va + DEVICE["devt"], devt)
        vm.write_u32(va + DEVICE["class"], cls)
        vm.write_u32(va + DEVICE["parent"], parent)
        d.drvdata, d.cls = drvdata, cls
        self.core.set_name(va, name.rstrip("\n"))
        self._add_node(d)
        self.core.ledger.acquire("device", va, self.core.caller(),
                                 f'device "{d.name}" ({MAJOR(devt)}:{MINOR(devt)})')
        return va

    @export()
    def device_destroy(self, cls, devt):
        for d in list(self.core.devices.values()):
            if d.cls == cls and self._vm.read_u32(d.va + DEVICE["devt"]) == devt:
                self.core.ledger.release("device", d.va)
                self.device_unregister(d.va)
                return
