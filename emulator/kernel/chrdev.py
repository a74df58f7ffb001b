"""Character device numbers and cdevs (fs/char_dev.c, Linux 3.14).

The region registry starts with the majors a stock FS4412 kernel holds, so a static major
that is taken on the board is taken here too; dynamic majors are handed out from 254 down
(3.14's `for (i = ARRAY_SIZE(chrdevs)-1; i > 0; i--)`), and as the board's rtc-dev holds 254,
a module's first is 253. cdev_add maps a device-number range
to a guest `struct cdev`; opening a device node looks the number up here (kobj_lookup).
"""

from dataclasses import dataclass

from .abi import CDEV, FILE_OPERATIONS, KOBJECT, MAJOR, MINOR, MKDEV
from .errno import EBUSY
from .hypercall import export

CHRDEV_MAJOR_HASH_SIZE = 255

#: (major, baseminor, count, name) held at boot by the FS4412 kernel (3.14, the board's .config),
#: in /proc/devices order. What decides each: mem (drivers/char/mem.c); pty/ttyp (LEGACY_PTYS,
#: LEGACY_PTY_COUNT=256); /dev/vc/0, tty (VT); ttyS (SERIAL_8250, NR_UARTS=4); /dev/tty,
#: /dev/console (tty_io.c); /dev/ptmx, ptm, pts (UNIX98_PTYS); vcs (VT); misc (misc.c);
#: input (INPUT); sg (CHR_DEV_SG); fb (FB); usb, usb_device (USB); ttySAC (SERIAL_SAMSUNG,
#: UARTS=4); rtc (RTC_INTF_DEV: alloc_chrdev_region from rtc_init, a subsys_initcall, the only
#: dynamic major taken at boot, so 254 and a module's first dynamic major is 253).
#: 89 "i2c" is the emulator's addition: the board lacks I2C_CHARDEV, the emulator offers
#: /dev/i2c-N anyway (README, "Differences from the board").
BOOT_CHRDEV_REGIONS = (
    (1, 0, 256, "mem"), (2, 0, 256, "pty"), (3, 0, 256, "ttyp"),
    (4, 0, 1, "/dev/vc/0"), (4, 1, 63, "tty"), (4, 64, 4, "ttyS"),
    (5, 0, 1, "/dev/tty"), (5, 1, 1, "/dev/console"), (5, 2, 1, "/dev/ptmx"),
    (7, 0, 256, "vcs"), (10, 0, 256, "misc"), (13, 0, 1024, "input"), (21, 0, 32768, "sg"),
    (29, 0, 256, "fb"), (89, 0, 256, "i2c"),
    (128, 0, 1048576, "ptm"), (136, 0, 1048576, "pts"), (180, 0, 256, "usb"),
    (189, 0, 8192, "usb_device"), (204, 64, 4, "ttySAC"), (254, 0, 16, "rtc"),
)
#: The block majors, as /proc/devices prints them (3.14's blkdev_show walks the 255 hash
#: slots, so blkext's 259 shows in slot 4): ramdisk (BLK_DEV_RAM), blkext (genhd.c), loop
#: (BLK_DEV_LOOP), sd's sixteen majors (BLK_DEV_SD: 8, 65-71, 128-135), mmc (MMC_BLOCK) and
#: device-mapper (BLK_DEV_DM: register_blkdev(0, ...), the first dynamic block major, 254).
BOOT_BLOCK_DEVICES = ((1, "ramdisk"), (259, "blkext"), (7, "loop"), (8, "sd"),
                      *((m, "sd") for m in (*range(65, 72), *range(128, 136))),
                      (179, "mmc"), (254, "device-mapper"))


@dataclass
class Region:
    """A registered range of character device numbers (register_chrdev_region)."""
    major: int
    baseminor: int
    count: int
    name: str

    def overlaps(self, baseminor, count):
        return baseminor < self.baseminor + self.count and self.baseminor < baseminor + count


class Chrdev:
    def __init__(self, vm, kmalloc, ledger, caller):
        self._vm, self._kmalloc, self._ledger, self._caller = vm, kmalloc, ledger, caller
        self.regions = [Region(*r) for r in BOOT_CHRDEV_REGIONS]
        self._cdev_map = []          # (first dev, count, cdev va)
        self.open_private = {}       # cdev va -> file->private_data at open (misc_open, issue 11)
        self.open_paths = {}         # struct file va -> the node's path, for d_path (fs/d_path.py)

    # -- regions --------------------------------------------------------------------------
    def _register_region(self, major, baseminor, count, name):
        """__register_chrdev_region: the major, or a negative errno."""
        if major == 0:
            for candidate in range(CHRDEV_MAJOR_HASH_SIZE - 1, 0, -1):
                if not any(r.major == candidate for r in self.regions):
                    major = candidate
                    break
            else:
                return -EBUSY
        if any(r.major == major and r.overlaps(baseminor, count) for r in self.regions):
            return -EBUSY
        self.regions.append(Region(major, baseminor, count, name))
        self._ledger.acquire("chrdev_region", MKDEV(major, baseminor), self._caller(),
                             f"chrdev region {major}:{baseminor} (+{count}) \"{name}\"")
        return major

    def _unregister_region(self, major, baseminor, count):
        for r in self.regions:
            if (r.major, r.baseminor, r.count) == (major, baseminor, count):
                self.regions.remove(r)
                self._ledger.release("chrdev_region", MKDEV(major, baseminor))
                return

    @export()
    def register_chrdev_region(self, dev, count, name):
        name_s = self._vm.read_cstr(name).decode("utf-8", "replace")
        done, to = [], dev + count
        while dev < to:
            nxt = min(MKDEV(MAJOR(dev) + 1, 0), to)
            ret = self._register_region(MAJOR(dev), MINOR(dev), nxt - dev, name_s)
            if ret < 0:
                for d, n in done:
                    self._unregister_region(MAJOR(d), MINOR(d), n)
                return ret & 0xFFFFFFFF
            done.append((dev, nxt - dev))
            dev = nxt
        return 0

    @export()
    def alloc_chrdev_region(self, dev_ptr, baseminor, count, name):
        major = self._register_region(0, baseminor, count,
                                      self._vm.read_cstr(name).decode("utf-8", "replace"))
        if major < 0:
            return major & 0xFFFFFFFF
        self._vm.write_u32(dev_ptr, MKDEV(major, baseminor))
        return 0

    @export()
    def unregister_chrdev_region(self, dev, count):
        to = dev + count
        while dev < to:
            nxt = min(MKDEV(MAJOR(dev) + 1, 0), to)
            self._unregister_region(MAJOR(dev), MINOR(dev), nxt - dev)
            dev = nxt

    @export("__register_chrdev")
    def register_chrdev(self, major, baseminor, count, name, fops):
        ret = self._register_region(major, baseminor, count,
                                    self._vm.read_cstr(name).decode("utf-8", "replace"))
        if ret < 0:
            return ret & 0xFFFFFFFF
        cdev = self.cdev_alloc()
        self._vm.write_u32(cdev + CDEV["owner"], self._vm.read_u32(fops + FILE_OPERATIONS["owner"]))
        self._vm.write_u32(cdev + CDEV["ops"], fops)
        self.cdev_add(cdev, MKDEV(ret, baseminor), count)
        return 0 if major else ret

    @export("__unregister_chrdev")
    def unregister_chrdev(self, major, baseminor, count, name):
        dev = MKDEV(major, baseminor)
        for first, n, cdev in list(self._cdev_map):
            if first == dev and n == count:
                self.cdev_del(cdev)
        self._unregister_region(major, baseminor, count)

    # -- cdevs ----------------------------------------------------------------------------
    def _init_lists(self, cdev):
        for head in (cdev + CDEV["list"], cdev + CDEV["kobj"] + KOBJECT["entry"]):
            self._vm.write_u32(head, head)
            self._vm.write_u32(head + 4, head)
        self._vm.write_u32(cdev + CDEV["kobj"] + KOBJECT["kref"], 1)

    @export()
    def cdev_init(self, cdev, fops):
        self._vm.write(cdev, bytes(CDEV.size))
        self._init_lists(cdev)
        self._vm.write_u32(cdev + CDEV["ops"], fops)

    @export()
    def cdev_alloc(self):
        cdev = self._kmalloc.alloc(CDEV.size, zero=True)
        if cdev:
            self._init_lists(cdev)
        return cdev

    @export()
    def cdev_add(self, cdev, dev, count):
        self._vm.write_u32(cdev + CDEV["dev"], dev)
        self._vm.write_u32(cdev + CDEV["count"], count)
        self._cdev_map.append((dev, count, cdev))
        self._ledger.acquire("cdev", cdev, self._caller(),
                             f"cdev {MAJOR(dev)}:{MINOR(dev)} (+{count}) at {cdev:#010x}")
        return 0

    @export()
    def cdev_del(self, cdev):
        self._cdev_map = [m for m in self._cdev_map if m[2] != cdev]
        self._ledger.release("cdev", cdev)

    def lookup(self, dev):
        """The cdev whose range holds dev (the most recent, like kobj_map), or None."""
        for first, count, cdev in reversed(self._cdev_map):
            if first <= dev < first + count:
                return cdev
        return None

    # -- /proc/devices --------------------------------------------------------------------
    def proc_devices(self):
        lines = ["Character devices:"]
        seen = set()
        for r in sorted(self.regions, key=lambda r: (r.major % CHRDEV_MAJOR_HASH_SIZE, r.major, r.baseminor)):
            if (r.major, r.name) not in seen:
                seen.add((r.major, r.name))
                lines.append(f"{r.major:3d} {r.name}")
        lines += ["", "Block devices:"]
        lines += [f"{m:3d} {n}" for m, n in BOOT_BLOCK_DEVICES]
        return "\n".join(lines) + "\n"



