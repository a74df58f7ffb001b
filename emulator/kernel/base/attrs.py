"""sysfs attributes with module callbacks (fs/sysfs/file.c, fs/kernfs/file.c,
drivers/base/core.c device_create_file, drivers/base/driver.c driver_create_file; 3.14).

A module's struct device_attribute (or driver_attribute) becomes a file beside what the
device already shows (/sys/class/CLASS/NAME, /sys/bus/BUS/devices/NAME) or in its driver's
/sys/bus/BUS/drivers/NAME. As 3.14's sysfs (kernfs) does it:

- open: FMODE_WRITE without S_IWUGO in the attribute's mode, or FMODE_READ without
  S_IRUGO, fails with -EACCES (kernfs_fop_open; root's DAC override does not help);
- the first read of an open file calls show() with a zeroed PAGE_SIZE kernel buffer; its
  return is the length (negative: the read's error; no show: -EIO, as dev_attr_show);
  a return >= PAGE_SIZE is reported and cut to PAGE_SIZE - 1 (sysfs_kf_seq_show);
- each write copies at most PAGE_SIZE bytes into a kernel buffer, NUL-terminated, and
  calls store(); its return is the write's (no store: -EIO; an empty write: 0, no call).

Two contexts reach the callbacks: a guest process (open/read/write: the file's read and
write are syscall generators yielding GuestCall, run on the task's kernel stack), and the
board-script console (`cat`, `echo X > FILE`: the same generators driven from the host
with call_host). The file goes with device_remove_file / driver_remove_file or with its
directory (the device or driver going away); a module that leaves one on a device that
stays is named by rmmod's leak report (on 3.14 the file stays, its show a dangling pointer).
"""

import stat as st

from .. import errno
from ..abi import BUS_TYPE, DEVICE, DEVICE_DRIVER, Struct
from ..entry import GuestCall, signed
from ..files import File
from ..hypercall import export
from ..vfs import ProcFile

PAGE_SIZE = 4096
S_IRUGO, S_IWUGO = 0o444, 0o222
O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR = 3, 0, 1, 2

# include/linux/sysfs.h, device.h (3.14, no DEBUG_LOCK_ALLOC): measured from the DWARF of a
# module built against the board's tree.
ATTRIBUTE = Struct("attribute", 8, {"name": 0, "mode": 4}, "linux/sysfs.h")
DEVICE_ATTRIBUTE = Struct("device_attribute", 16, {"attr": 0, "show": 8, "store": 12},
                          "linux/device.h")
DRIVER_ATTRIBUTE = Struct("driver_attribute", 16, {"attr": 0, "show": 8, "store": 12},
                          "linux/device.h")
ATTRIBUTE_GROUP = Struct("attribute_group", 16, {"name": 0, "is_visible": 4, "attrs": 8,
                                                 "bin_attrs": 12}, "linux/sysfs.h")


class Attr:
    """One attribute file: its callbacks and the arguments they take besides the buffer."""

    def __init__(self, path, mode, show, store, obj, attr, kmalloc, vm, log, symbolize,
                 with_attr):
        self.path, self.mode = path, mode
        self.show_fn, self.store_fn, self.obj, self.attr = show, store, obj, attr
        self._kmalloc, self._vm, self._log, self._symbolize = kmalloc, vm, log, symbolize
        self._with_attr = with_attr        # device attributes get (dev, attr, ...)

    def _args(self, *rest):
        return (self.obj, self.attr, *rest) if self._with_attr else (self.obj, *rest)

    def show(self):
        """sysfs_kf_seq_show: a generator of GuestCalls returning the bytes or -errno."""
        if not self.show_fn:
            return -errno.EIO
        buf = self._kmalloc.alloc(PAGE_SIZE, zero=True)
        if not buf:
            return -errno.ENOMEM
        try:
            ret = signed((yield GuestCall(self.show_fn, self._args(buf))) or 0)
            if ret < 0:
                return ret
            if ret >= PAGE_SIZE:
                where = self._symbolize(self.show_fn)
                if self._with_attr:
                    self._log.emit(4, False, f"dev_attr_show: {where} returned bad count\n")
                self._log.emit(4, False, f"fill_read_buffer: {where} returned bad count\n")
                ret = PAGE_SIZE - 1
            return self._vm.read(buf, ret)
        finally:
            self._kmalloc.free(buf)

    def store(self, data):
        """kernfs_fop_write + sysfs_kf_write: a generator returning the store's result."""
        data = bytes(data[:PAGE_SIZE])
        if not data:
            return 0
        if not self.store_fn:
            return -errno.EIO
        buf = self._kmalloc.alloc(len(data) + 1)
        if not buf:
            return -errno.ENOMEM
        try:
            self._vm.write(buf, data + b"\0")
            return signed((yield GuestCall(self.store_fn, self._args(buf, len(data)))) or 0)
        finally:
            self._kmalloc.free(buf)

    def open_file(self, flags):
        """kernfs_fop_open's checks: an AttrFile or -EACCES."""
        acc = flags & O_ACCMODE
        if acc in (O_WRONLY, O_RDWR) and not self.mode & S_IWUGO:
            return -errno.EACCES
        if acc in (O_RDONLY, O_RDWR) and not self.mode & S_IRUGO:
            return -errno.EACCES
        return AttrFile(self, flags)


class AttrNode(ProcFile):
    """The namespace's node of an attribute: render() for the console's `cat`, open_file
    for a process's open (kernel/fs/namei.py)."""

    def __init__(self, attr, render):
        super().__init__(attr.path, render)
        self.mode = st.S_IFREG | (attr.mode & 0o777)
        self.open_file = attr.open_file


class AttrFile(File):
    """An open attribute file: show() runs at the first read, store() at each write."""

    def __init__(self, attr, flags):
        self.attr, self.f_flags, self.path = attr, flags, attr.path
        self.pos, self.data = 0, None

    def read(self, vm, buf, count):
        if self.f_flags & O_ACCMODE == O_WRONLY:
            return -errno.EBADF
        if self.data is None:
            data = yield from self.attr.show()
            if isinstance(data, int):
                return data
            self.data = data
        chunk = self.data[self.pos:self.pos + count]
        vm.write(buf, chunk, user=True)
        self.pos += len(chunk)
        return len(chunk)

    def write(self, vm, buf, count):
        if self.f_flags & O_ACCMODE == O_RDONLY:
            return -errno.EBADF
        data = vm.read(buf, min(count, PAGE_SIZE), user=True)
        ret = yield from self.attr.store(data)
        if ret > 0:
            self.pos += ret
        return ret


def run_host(gen, call_host):
    """Drive a show/store generator from the console: each GuestCall through call_host
    (a top-level guest call); -EIO when the guest code did not return."""
    if isinstance(gen, int):
        return gen
    value = None
    try:
        while True:
            request = gen.send(value)
            value = call_host(request.fn, request.args)
            if value is None:
                gen.close()
                return -errno.EIO
    except StopIteration as stop:
        return stop.value


class SysfsAttrs:
    """device_create_file & co.: the attribute files modules add."""

    def __init__(self, core, call_host):
        """call_host(fn, args): a guest call from the console (the board script's cat/echo).
        symbolize(addr) -> kallsyms' "name+0xoff/0xsize [mod]" (print_symbol), set by the
        machine; until then addresses print in hex."""
        self.core, self._call_host = core, call_host
        self.symbolize = None
        self.vm = core.vm
        self.files = {}                    # path -> Attr

    # -- where the files go ------------------------------------------------------------------
    def _bus_name(self, bus):
        return self.core.str_at(self.vm.read_u32(bus + BUS_TYPE["name"])) if bus else ""

    def device_dir(self, dev):
        """The device's sysfs directory as this emulator shows it (its class's, else its
        bus's, else /sys/devices/NAME: no /sys/devices tree is kept)."""
        name = self.core.name_of(dev)
        cls = self.vm.read_u32(dev + DEVICE["class"])
        if cls and cls in self.core.classes:
            return f"/sys/class/{self.core.classes[cls]}/{name}"
        bus = self.vm.read_u32(dev + DEVICE["bus"])
        if bus:
            return f"/sys/bus/{self._bus_name(bus)}/devices/{name}"
        return f"/sys/devices/{name}"

    def driver_dir(self, drv):
        bus = self.vm.read_u32(drv + DEVICE_DRIVER["bus"])
        name = self.core.str_at(self.vm.read_u32(drv + DEVICE_DRIVER["name"]))
        return f"/sys/bus/{self._bus_name(bus)}/drivers/{name}" if bus else ""

    # -- files -------------------------------------------------------------------------------
    def _add(self, directory, obj, attr_va, table, with_attr, device=None, extra_mode=0):
        vm = self.vm
        name = self.core.str_at(vm.read_u32(attr_va + ATTRIBUTE["name"]))
        mode = int.from_bytes(vm.read(attr_va + ATTRIBUTE["mode"], 2), "little") | extra_mode
        path = f"{directory}/{name}"
        vfs = self.core.vfs
        if path in self.files or vfs.lookup(path) is not None:
            self.core.log.emit(4, False, f"sysfs: cannot create duplicate filename "
                                         f"'{path[len('/sys'):]}'\n")
            return -errno.EEXIST
        attr = Attr(path, mode, vm.read_u32(attr_va + table["show"]),
                    vm.read_u32(attr_va + table["store"]), obj, attr_va, self.core.kmalloc,
                    vm, self.core.log, self._symbol, with_attr)
        store = (lambda data: min(run_host(attr.store(data), self._call_host), 0)) \
            if mode & S_IWUGO else None
        vfs.add_virtual(path, lambda: self._render(attr), store)
        vfs.proc[path] = AttrNode(attr, vfs.proc[path].render)
        vfs.watch(path, lambda: self._gone(path))
        self.files[path] = attr
        if device is not None:
            device.sysfs.append(path)          # goes with the device's other entries
        self.core.ledger.acquire("sysfs", path, self.core.caller(), f'attribute "{path}"')
        return 0

    def _symbol(self, addr):
        name = self.symbolize(addr) if self.symbolize is not None else None
        return name or f"0x{addr:x}"

    def _render(self, attr):
        """The console's `cat`: 3.14's open check, then show()."""
        if not attr.mode & S_IRUGO:
            return -errno.EACCES
        return run_host(attr.show(), self._call_host)

    def _gone(self, path):
        """The file left the namespace (removed, or its directory went)."""
        self.files.pop(path, None)
        self.core.ledger.release("sysfs", path)

    def _remove(self, directory, attr_va):
        name = self.core.str_at(self.vm.read_u32(attr_va + ATTRIBUTE["name"]))
        path = f"{directory}/{name}"
        if self.files.get(path) is not None and self.files[path].attr == attr_va:
            for d in self.core.devices.values():
                if path in d.sysfs:
                    d.sysfs.remove(path)
            self.core.vfs.remove_virtual(path)

    def _group_device(self, kobj, what):
        """The struct device whose kobject kobj is, or None (reported: only a device's
        kobject has sysfs_ops here, dev_sysfs_ops)."""
        dev = (kobj - DEVICE["kobj"]) & 0xFFFFFFFF if kobj else 0
        if dev in self.core.devices:
            return dev
        self.core.log.emit(3, False, f"emu4412: {what} on a kobject that is not a struct "
                                     f"device's (0x{kobj:08x}) is not implemented\n")
        return None

    def _group_attrs(self, grp):
        """The group's struct attribute pointers, in order (attrs[] up to its NULL)."""
        array, out = self.vm.read_u32(grp + ATTRIBUTE_GROUP["attrs"]), []
        while array:
            ptr = self.vm.read_u32(array + 4 * len(out))
            if not ptr:
                break
            out.append(ptr)
        return out

    def _group_dir(self, dev, grp):
        name = self.core.str_at(self.vm.read_u32(grp + ATTRIBUTE_GROUP["name"]))
        return self.device_dir(dev) + (f"/{name}" if name else ""), name

    # -- exports -----------------------------------------------------------------------------
    @export()
    def device_create_file(self, dev, attr):
        if not dev:
            return 0                           # (3.14: nothing to do without a device)
        d = self.core.devices.get(dev) or self.core.initialize(dev)
        ret = self._add(self.device_dir(dev), dev, attr, DEVICE_ATTRIBUTE, True, d)
        return ret & 0xFFFFFFFF

    @export()
    def device_remove_file(self, dev, attr):
        if dev:
            self._remove(self.device_dir(dev), attr)

    @export()
    def driver_create_file(self, drv, attr):
        directory = self.driver_dir(drv) if drv else ""
        if not directory:
            return -errno.EINVAL & 0xFFFFFFFF   # no driver, or one never registered on a bus
        return self._add(directory, drv, attr, DRIVER_ATTRIBUTE, False) & 0xFFFFFFFF

    @export()
    def driver_remove_file(self, drv, attr):
        directory = self.driver_dir(drv) if drv else ""
        if directory:
            self._remove(directory, attr)

    @export()
    def sysfs_create_group(self, kobj, grp):
        """internal_create_group for a device's kobject: the group's directory (when it has
        a name) and a device attribute file for each attrs[] entry is_visible keeps."""
        dev = self._group_device(kobj, "sysfs_create_group")
        if dev is None:
            return -errno.EINVAL & 0xFFFFFFFF
        directory, name = self._group_dir(dev, grp)
        attrs = self._group_attrs(grp)
        if self.vm.read_u32(grp + ATTRIBUTE_GROUP["bin_attrs"]):
            self.core.log.emit(3, False, "emu4412: sysfs_create_group: bin_attrs are not "
                                         "implemented\n")
            return -errno.EINVAL & 0xFFFFFFFF
        if not self.vm.read_u32(grp + ATTRIBUTE_GROUP["attrs"]):
            self.core.log.emit(4, False, "sysfs: (bin_)attrs not set by subsystem for group: "
                                         f"{self.core.name_of(dev)}/\n")
            return -errno.EINVAL & 0xFFFFFFFF
        vfs = self.core.vfs
        if name:
            if vfs.is_dir(directory):
                self.core.log.emit(4, False, f"sysfs: cannot create duplicate filename "
                                             f"'{directory[len('/sys'):]}'\n")
                return -errno.EEXIST & 0xFFFFFFFF
            vfs.add_virtual_dir(directory)
        d = self.core.devices[dev]
        if name:
            d.sysfs_dirs.append(directory)
        visible = self.vm.read_u32(grp + ATTRIBUTE_GROUP["is_visible"])
        for i, attr in enumerate(attrs):
            extra = 0
            if visible:
                extra = self.core.call_guest(visible, (kobj, attr, i)) & 0xFFFF
                if not extra:
                    continue
            ret = self._add(directory, dev, attr, DEVICE_ATTRIBUTE, True, d, extra)
            if ret:
                for done in attrs[:i]:
                    self._remove(directory, done)
                if name:
                    vfs.remove_virtual_dir(directory)
                    d.sysfs_dirs.remove(directory)
                return ret & 0xFFFFFFFF
        return 0

    @export()
    def sysfs_remove_group(self, kobj, grp):
        dev = self._group_device(kobj, "sysfs_remove_group")
        if dev is None:
            return
        directory, name = self._group_dir(dev, grp)
        if name and not self.core.vfs.is_dir(directory):
            self.core.log.emit(4, False, f"sysfs group {grp:08x} not found for kobject "
                                         f"'{self.core.name_of(dev)}'\n")
            return
        for attr in self._group_attrs(grp):
            self._remove(directory, attr)
        if name:
            self.core.vfs.remove_virtual_dir(directory)
            if directory in self.core.devices[dev].sysfs_dirs:
                self.core.devices[dev].sysfs_dirs.remove(directory)
