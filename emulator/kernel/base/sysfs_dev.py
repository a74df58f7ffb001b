"""A char device's sysfs entries (drivers/base/core.c, 3.14: device_add's dev attribute,
dev_uevent, device_create_sys_dev_entry).

Every device with a dev_t gets, in its sysfs directory, ``dev`` ("MAJ:MIN") and ``uevent``
(MAJOR, MINOR, DEVNAME and DEVMODE when devtmpfs gives the node another mode than 0600),
and /sys/dev/char/MAJ:MIN is a symlink to that directory: what `mdev -s` walks to make the
/dev nodes. The directory is the device's /sys/class/CLASS/NAME (this emulator keeps no
/sys/devices tree: the board's links point into /sys/devices/...).
"""

import posixpath

from ..abi import MAJOR, MINOR

SYS_DEV_CHAR = "/sys/dev/char"
DEVTMPFS_DEFAULT_MODE = 0o600


def uevent_text(devt, devname, mode=DEVTMPFS_DEFAULT_MODE):
    """dev_uevent's lines for a device node."""
    lines = [f"MAJOR={MAJOR(devt)}", f"MINOR={MINOR(devt)}"] if devt else []
    lines.append(f"DEVNAME={devname}")
    if devt and mode & 0o777 != DEVTMPFS_DEFAULT_MODE:
        lines.append(f"DEVMODE={mode & 0o777:04o}")
    return "\n".join(lines) + "\n"


def publish(add_file, add_link, directory, devt, devname, mode=DEVTMPFS_DEFAULT_MODE):
    """Add dev, uevent and the /sys/dev/char link for the device at directory (an absolute
    /sys path); add_file(path, render), add_link(path, target) record what they add."""
    add_file(directory + "/dev", lambda: f"{MAJOR(devt)}:{MINOR(devt)}\n")
    add_file(directory + "/uevent", lambda: uevent_text(devt, devname, mode))
    add_link(f"{SYS_DEV_CHAR}/{MAJOR(devt)}:{MINOR(devt)}",
             posixpath.relpath(directory, SYS_DEV_CHAR))


def publish_static(vfs, directory, devt, devname, mode=DEVTMPFS_DEFAULT_MODE):
    """The same for a device without a driver-model record (mem and tty class devices,
    evdev nodes): straight into the vfs; unpublish removes it."""
    publish(vfs.add_virtual, vfs.add_virtual_link, directory, devt, devname, mode)


def unpublish(vfs, directory, devt):
    """Remove what publish added."""
    vfs.remove_virtual(directory + "/dev")
    vfs.remove_virtual(directory + "/uevent")
    vfs.remove_virtual(f"{SYS_DEV_CHAR}/{MAJOR(devt)}:{MINOR(devt)}")
