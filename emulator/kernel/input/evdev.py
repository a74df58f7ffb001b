"""/dev/input/eventN (Linux drivers/input/evdev.c, 3.14): the event interface.

Every registered input device gets an evdev (the first free of 32 minors from 64 on major
13, a devtmpfs node /dev/input/eventN). Each open file is a client with its own ring of
struct input_event (16 bytes on 32-bit ARM: timeval, type, code, value), of
max(hint * 8, 64) events rounded up to a power of two, stamped with CLOCK_REALTIME (board
time) when the packet arrives. A reader sees whole packets only: read() returns the events
up to the last SYN_REPORT, blocks (interruptibly) while there are none, -EAGAIN with
O_NONBLOCK, -EINVAL for a buffer smaller than one event, -ENODEV once the device is gone.
A full ring drops what was unread and leaves SYN_DROPPED before the newest event. poll()
gives POLLIN | POLLRDNORM with a packet queued, POLLOUT | POLLWRNORM while the device
exists, POLLHUP | POLLERR after. write() injects events as input_inject_event does. The
ioctls EVIOCGVERSION, EVIOCGID, EVIOCGNAME, EVIOCGPHYS, EVIOCGBIT, EVIOCGKEY are answered.
"""

import struct

from ...memory.mmu import UserFaultAccess
from ..abi import MKDEV
from ..base.sysfs_dev import publish_static, unpublish
from ..entry import Sleep
from ..errno import EAGAIN, EFAULT, EINVAL, ENODEV, ENOENT, ENOTTY
from ..files import File
from ..fs.file import O_NONBLOCK
from ..sched.task import TASK_INTERRUPTIBLE
from .core import CAPABILITY, STATE, SYN_DROPPED

INPUT_MAJOR, EVDEV_MINOR_BASE, EVDEV_MINORS = 13, 64, 32
EVENT_SIZE = 16
EVDEV_MIN_BUFFER_SIZE, EVDEV_BUF_PACKETS = 64, 8
EV_VERSION = 0x010001
ERESTARTSYS = 512
S_IFCHR = 0o020000
POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM = 0x1, 0x4, 0x8, 0x10, 0x40, 0x100
#: _IOC fields (asm-generic/ioctl.h) of the evdev ioctls ('E' = 0x45).
IOC_READ, EVDEV_TYPE = 2, 0x45
NR_VERSION, NR_ID, NR_NAME, NR_PHYS, NR_KEY, NR_BIT = 0x01, 0x02, 0x06, 0x07, 0x18, 0x20


class Client:
    def __init__(self, bufsize):
        self.buffer = [None] * bufsize
        self.head = self.tail = self.packet_head = 0
        self.mask = bufsize - 1
        self.waiters = set()

    def ready(self):
        return self.packet_head != self.tail

    def push(self, event, report):
        """__pass_event: append; on overflow keep SYN_DROPPED and the newest event only."""
        self.buffer[self.head] = event
        self.head = (self.head + 1) & self.mask
        if self.head == self.tail:
            self.tail = (self.head - 2) & self.mask
            self.buffer[self.tail] = event[:2] + (0, SYN_DROPPED, 0)
            self.packet_head = self.tail
        if report:
            self.packet_head = self.head


class EvdevNode:
    """One device's evdev: its minor, node, clients."""

    def __init__(self, idev, minor):
        self.idev, self.minor = idev, minor
        self.exist = True
        self.clients = []
        self.path = f"/dev/input/event{minor}"


class Evdev:
    def __init__(self, vm, sched, clock, vfs):
        """vfs() -> the root filesystem (devtmpfs nodes); sched wakes readers."""
        self._vm, self._sched, self._clock, self._vfs = vm, sched, clock, vfs
        self.minors = {}             # minor -> EvdevNode

    def openers(self):
        """rdev -> open(flags) for every evdev minor (-ENODEV until a device takes it)."""
        return {MKDEV(INPUT_MAJOR, EVDEV_MINOR_BASE + i): (lambda flags, i=i: self.open(i, flags))
                for i in range(EVDEV_MINORS)}

    # -- the handler's connect / disconnect ---------------------------------------------------------
    def has_room(self):
        return len(self.minors) < EVDEV_MINORS

    def connect(self, idev):
        minor = next(i for i in range(EVDEV_MINORS) if i not in self.minors)
        node = self.minors[minor] = EvdevNode(idev, minor)
        idev.handle = node
        vfs = self._vfs()
        if vfs.node_at("/dev/input") is None:
            vfs.mkdir("/dev/input", 0o755)
        devt = MKDEV(INPUT_MAJOR, EVDEV_MINOR_BASE + minor)
        vfs.mknod(node.path, S_IFCHR | 0o660, devt)
        publish_static(vfs, f"/sys/class/input/event{minor}", devt, f"input/event{minor}")

    def disconnect(self, idev):
        node = idev.handle
        idev.handle = None
        node.exist = False
        self.minors.pop(node.minor, None)
        self._vfs().unlink(node.path)
        unpublish(self._vfs(), f"/sys/class/input/event{node.minor}",
                  MKDEV(INPUT_MAJOR, EVDEV_MINOR_BASE + node.minor))
        for client in node.clients:
            self._wake(client)

    def events(self, idev, vals):
        """evdev_events: stamp the packet and queue it for every client; wake readers."""
        sec, ns = divmod(self._clock.now_ns(), 1_000_000_000)
        usec = ns // 1000
        for client in idev.handle.clients:
            for type_, code, value in vals:
                client.push((sec, usec, type_, code, value), type_ == 0 and code == 0)
            if client.ready():
                self._wake(client)

    def _wake(self, client):
        waiters, client.waiters = client.waiters, set()
        for task in waiters:
            self._sched.wake(task, TASK_INTERRUPTIBLE)

    # -- files ----------------------------------------------------------------------------------
    def open(self, minor, flags):
        node = self.minors.get(minor)
        if node is None or not node.exist:
            return -ENODEV
        size = max(node.idev.hint * EVDEV_BUF_PACKETS, EVDEV_MIN_BUFFER_SIZE)
        client = Client(1 << (size - 1).bit_length())
        node.clients.append(client)
        return EvdevFile(self, node, client)


class EvdevFile(File):
    def __init__(self, evdev, node, client):
        self._evdev, self._node, self._client = evdev, node, client

    def release(self):
        if self._client in self._node.clients:
            self._node.clients.remove(self._client)
        return 0

    def read(self, vm, buf, count):
        if count and count < EVENT_SIZE:
            return -EINVAL
        client, node = self._client, self._node
        if not node.exist:
            return -ENODEV
        if not client.ready():
            if self.f_flags & O_NONBLOCK:
                return -EAGAIN
            return self._read_blocking(vm, buf, count)
        return self._copy(vm, buf, count)

    def _read_blocking(self, vm, buf, count):
        client, node, sched = self._client, self._node, self._evdev._sched
        while not client.ready():
            task = sched.current
            if task.pending_signal:
                return -ERESTARTSYS
            if not node.exist:
                return -ENODEV
            client.waiters.add(task)
            yield Sleep(None)
        return self._copy(vm, buf, count)

    def _copy(self, vm, buf, count):
        client, done = self._client, 0
        while done + EVENT_SIZE <= count and client.packet_head != client.tail:
            sec, usec, type_, code, value = client.buffer[client.tail]
            client.tail = (client.tail + 1) & client.mask
            try:
                vm.write(buf + done, struct.pack("<llHHi", sec, usec, type_, code, value),
                         user=True)
            except UserFaultAccess:
                return done or -EFAULT
            done += EVENT_SIZE
        return done

    def write(self, vm, buf, count):
        if count and count < EVENT_SIZE:
            return -EINVAL
        node, done = self._node, 0
        if not node.exist:
            return -ENODEV
        while done + EVENT_SIZE <= count:
            _, _, type_, code, value = struct.unpack("<llHHi",
                                                     vm.read(buf + done, EVENT_SIZE, user=True))
            self._evdev._core.event(node.idev, type_, code, value)
            done += EVENT_SIZE
        return done

    def kernel_poll(self, task):
        """evdev_poll, for the poll loop (kernel/poll.py): the mask, and task queued to be
        woken by the next packet."""
        node, client = self._node, self._client
        mask = POLLOUT | POLLWRNORM if node.exist else POLLHUP | POLLERR
        if client.ready():
            mask |= POLLIN | POLLRDNORM
        elif task is not None:
            client.waiters.add(task)
        return mask

    def ioctl(self, vm, cmd, arg):
        kind, size, typ, nr = cmd >> 30, (cmd >> 16) & 0x3FFF, (cmd >> 8) & 0xFF, cmd & 0xFF
        if typ != EVDEV_TYPE:
            return -ENOTTY
        idev = self._node.idev
        if not self._node.exist:
            return -ENODEV
        fixed = {NR_VERSION: struct.pack("<i", EV_VERSION),
                 NR_ID: struct.pack("<4H", *idev.ids)}
        if nr in fixed and size == len(fixed[nr]) and kind == IOC_READ:
            vm.write(arg, fixed[nr], user=True)
            return 0
        if kind != IOC_READ:
            return -EINVAL
        if nr in (NR_NAME, NR_PHYS):
            text = (idev.name if nr == NR_NAME else idev.phys).encode()
            if not text:
                return -ENOENT
            data = (text + b"\0")[:size]
            vm.write(arg, data, user=True)
            return len(data)
        if nr == NR_KEY:
            return self._bits(vm, arg, size, STATE[1], 0x300)
        if NR_BIT <= nr < NR_BIT + 0x20:
            ev = nr - NR_BIT
            if ev == 0:
                return self._bits(vm, arg, size, "evbit", 0x20)
            cap = CAPABILITY.get(ev)
            if cap is None:
                return -EINVAL
            return self._bits(vm, arg, size, *cap)
        return -EINVAL

    def _bits(self, vm, arg, size, member, count):
        """bits_to_user: the bitmap as longs, at most size bytes; returns the bytes copied."""
        bits = self._node.idev.bits
        words = [sum(1 << b for b in range(32) if i * 32 + b < count
                     and bits.test(member, i * 32 + b)) for i in range((count + 31) // 32)]
        data = struct.pack(f"<{len(words)}I", *words)[:size]
        vm.write(arg, data, user=True)
        return len(data)


__all__ = ["Evdev", "EvdevFile"]
