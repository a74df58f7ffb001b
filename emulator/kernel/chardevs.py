"""The character devices built into the board's kernel and the nodes devtmpfs gives them at
boot (drivers/char/mem.c devlist, drivers/tty/tty_io.c, the Samsung serial driver):

    /dev/null 1:3  /dev/zero 1:5  /dev/full 1:7  /dev/random 1:8  /dev/urandom 1:9
    /dev/kmsg 1:11  /dev/tty 5:0  /dev/console 5:1  /dev/ttySAC2 204:66 (the console UART)

Opening one goes to the kernel's own file, not a module. /dev/mem (1:1, devmem.py) gets no
node at boot here, unlike devtmpfs on the board: existing scripts make it with mknod.
"""

from .abi import MKDEV
from .base.sysfs_dev import publish_static
from .errno import EAGAIN, EINTR, ENOSPC
from .files import ConsoleFile, File
from .sched.waitlist import WaitList

S_IFCHR = 0o020000


class NullFile(File):
    def read(self, vm, buf, count):
        return 0

    def write(self, vm, buf, count):
        return count


class ZeroFile(NullFile):
    def read(self, vm, buf, count):
        vm.write(buf, bytes(count), user=True)
        return count


class FullFile(ZeroFile):
    def write(self, vm, buf, count):
        return -ENOSPC


class RandomFile(NullFile):
    """Deterministic bytes, as getrandom gives them: two runs of a script behave the same."""

    def __init__(self):
        self._n = 0

    def read(self, vm, buf, count):
        vm.write(buf, bytes((i * 131 + 17) & 0xFF for i in range(self._n, self._n + count)),
                 user=True)
        self._n += count
        return count


class KmsgFile(File):
    """/dev/kmsg: a write is one printk line ("<N>" sets its level); reads give records as
    "level,seq,usecs,-;text" from the oldest on (devkmsg_read); with no new record a read
    sleeps until one is logged (-EAGAIN with O_NONBLOCK, -EINTR on a signal)."""

    def __init__(self, log, printk, nonblock, queue=None):
        self._log, self._printk, self._nonblock, self._seq = log, printk, nonblock, 0
        self.poll_queue = queue          # the log's readers' wait queue (a WaitList)

    def write(self, vm, buf, count):
        text = vm.read(buf, count, user=True).decode("utf-8", "replace").rstrip("\n")
        level = 4                                             # default_message_loglevel
        if len(text) >= 3 and text[0] == "<" and text[2] == ">" and text[1].isdigit():
            level, text = int(text[1]) & 7, text[3:]
        self._printk(level, text)
        return count

    def read(self, vm, buf, count):
        if self._seq >= len(self._log.records) and not self._nonblock:
            return self._read_wait(vm, buf, count)
        return self._read_record(vm, buf, count)

    def _read_wait(self, vm, buf, count):
        task = self.poll_queue._sched.current
        while self._seq >= len(self._log.records):
            if task.pending_signal:
                return -EINTR
            yield from self.poll_queue.sleep(task, why="devkmsg_read")
        return self._read_record(vm, buf, count)

    def poll_mask(self):
        return 0x41 if self._seq < len(self._log.records) else 0      # POLLIN | POLLRDNORM

    def _read_record(self, vm, buf, count):
        records = self._log.records
        if self._seq >= len(records):
            return -EAGAIN
        r = records[self._seq]
        line = f"{r.level},{self._seq},{r.ts_ns // 1000},-;{r.text}\n".encode()
        if len(line) > count:
            return -22                                        # EINVAL: buffer too small
        vm.write(buf, line, user=True)
        self._seq += 1
        return len(line)


#: name -> (major, minor, mode) of the nodes devtmpfs makes for the built-in devices.
NODES = {"null": (1, 3, 0o666), "zero": (1, 5, 0o666), "full": (1, 7, 0o666),
         "random": (1, 8, 0o666), "urandom": (1, 9, 0o666), "kmsg": (1, 11, 0o644),
         "tty": (5, 0, 0o666), "console": (5, 1, 0o600),
         "ttySAC2": (204, 66, 0o600)}


def builtin_openers(console_sink, tty, log, printk, sched=None):
    """rdev -> open(flags) for the devices above (except /dev/mem); sched: where /dev/kmsg
    readers sleep."""
    console = lambda flags: ConsoleFile(console_sink, tty)  # noqa: E731
    kmsg_readers = WaitList(sched)
    log.readers.append(kmsg_readers.wake_all)
    return {MKDEV(1, 3): lambda flags: NullFile(), MKDEV(1, 5): lambda flags: ZeroFile(),
            MKDEV(1, 7): lambda flags: FullFile(), MKDEV(1, 8): lambda flags: RandomFile(),
            MKDEV(1, 9): lambda flags: RandomFile(),
            MKDEV(1, 11): lambda flags: KmsgFile(log, printk, bool(flags & 0o4000),
                                                           kmsg_readers),
            MKDEV(5, 0): console, MKDEV(5, 1): console, MKDEV(204, 66): console}


#: The class of each built-in device (drivers/char/mem.c's "mem", tty_io.c's "tty").
CLASSES = {1: "mem", 5: "tty", 204: "tty"}


def make_nodes(vfs):
    """What devtmpfs holds at boot for the built-in devices, and their sysfs entries
    (/sys/class/mem/null/dev, /sys/dev/char/1:3, ...)."""
    for name, (major, minor, mode) in NODES.items():
        vfs.mknod("/dev/" + name, S_IFCHR | mode, MKDEV(major, minor))
        publish_static(vfs, f"/sys/class/{CLASSES[major]}/{name}", MKDEV(major, minor), name,
                       mode)
