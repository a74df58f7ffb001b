"""The input core's filtering and evdev's client buffer (issue 12, part 2), on a kernel
input device (Python bitmaps) with a fake filesystem and scheduler."""

from emulator.kernel.input.core import (EV_KEY, EV_REL, EV_SYN, SYN_REPORT, InputCore,
                                        InputDev, PyBits)
from emulator.kernel.input.evdev import Client, Evdev

EV_ABS, EV_MSC = 3, 4


class FakeVfs:
    def __init__(self):
        self.nodes = {}

    def node_at(self, path):
        return self.nodes.get(path)

    def mkdir(self, path, mode):
        self.nodes[path] = "dir"

    def mknod(self, path, mode, rdev):
        self.nodes[path] = rdev

    def unlink(self, path):
        del self.nodes[path]

    def add_virtual(self, path, render):          # sysfs files and links (base/sysfs_dev.py)
        self.nodes[path] = render

    def add_virtual_link(self, path, target):
        self.nodes[path] = target

    def remove_virtual(self, path):
        self.nodes.pop(path, None)


class FakeSched:
    current = None

    def __init__(self):
        self.woken = []

    def wake(self, task, mode):
        self.woken.append(task)


class FakeClock:
    ns = 1_500_000_000

    def now_ns(self):
        return self.ns


def make(*caps):
    lines = []
    vfs = FakeVfs()
    evdev = Evdev(None, FakeSched(), FakeClock(), lambda: vfs)
    core = InputCore(None, None, None, lambda level, text: lines.append(text), None, None,
                     None, None, evdev)
    idev = InputDev(("test", 0), PyBits(), name="test-keys")
    for type_, code in caps:
        idev.bits.assign("evbit", type_, True)
        idev.bits.assign({EV_KEY: "keybit", EV_REL: "relbit", EV_ABS: "absbit",
                          EV_MSC: "mscbit"}[type_], code, True)
    assert core.register(idev) == 0
    client = evdev.open(0, 0)._client
    return core, evdev, idev, client, vfs, lines


def queued(client):
    out, i = [], client.tail
    while i != client.packet_head:
        out.append(client.buffer[i][2:])
        i = (i + 1) & client.mask
    return out


def test_register_makes_the_node_and_prints_the_path():
    _, _, idev, _, vfs, lines = make((EV_KEY, 30))
    assert vfs.nodes["/dev/input/event0"] == (13 << 20) | 64
    assert vfs.nodes["/sys/dev/char/13:64"] == "../../class/input/event0"
    assert vfs.nodes["/sys/class/input/event0/uevent"]() == \
        "MAJOR=13\nMINOR=64\nDEVNAME=input/event0\n"
    assert lines == ["input: test-keys as /input/input0"]
    assert idev.max_vals == 10                       # no axes: SYN_REPORT + 7, + 2


def test_key_events_pass_only_on_change_and_packets_end_at_sync():
    core, _, idev, client, _, _ = make((EV_KEY, 30))
    core.event(idev, EV_KEY, 30, 1)
    assert queued(client) == []                      # no SYN_REPORT yet: not visible
    core.event(idev, EV_SYN, SYN_REPORT, 0)
    core.event(idev, EV_KEY, 30, 1)                  # no change: dropped
    core.event(idev, EV_SYN, SYN_REPORT, 0)          # an empty packet is not passed
    core.event(idev, EV_KEY, 31, 1)                  # not a capability: dropped
    core.event(idev, EV_KEY, 30, 2)                  # autorepeat of a held key passes
    core.event(idev, EV_KEY, 30, 0)
    core.event(idev, EV_SYN, SYN_REPORT, 0)
    assert queued(client) == [(EV_KEY, 30, 1), (EV_SYN, 0, 0), (EV_KEY, 30, 2),
                              (EV_KEY, 30, 0), (EV_SYN, 0, 0)]
    assert client.buffer[client.tail][:2] == (1, 500000)       # timeval of board time


def test_relative_zero_dropped_absolute_only_on_change():
    core, _, idev, client, _, _ = make((EV_REL, 0), (EV_ABS, 1))
    core.event(idev, EV_REL, 0, 0)
    core.event(idev, EV_REL, 0, -3)
    core.event(idev, EV_ABS, 1, 7)
    core.event(idev, EV_ABS, 1, 7)
    core.event(idev, EV_SYN, SYN_REPORT, 0)
    assert queued(client) == [(EV_REL, 0, -3), (EV_ABS, 1, 7), (EV_SYN, 0, 0)]


def test_full_packet_gets_an_injected_sync():
    core, _, idev, client, _, _ = make((EV_REL, 0))
    for v in range(1, 12):                           # max_vals 11: 9 events, then a sync
        core.event(idev, EV_REL, 0, v)
    assert queued(client)[-1] == (EV_SYN, 0, 0) and len(queued(client)) == 10


def test_client_overflow_keeps_syn_dropped_and_the_newest():
    client = Client(8)
    for i in range(8):
        client.push((0, 0, EV_KEY, i, 1), False)
    assert client.buffer[client.tail][2:] == (EV_SYN, 3, 0)    # SYN_DROPPED
    assert client.packet_head == client.tail                    # nothing whole to read
    client.push((0, 0, EV_SYN, 0, 0), True)
    assert queued(client) == [(EV_SYN, 3, 0), (EV_KEY, 7, 1), (EV_SYN, 0, 0)]


def test_unregister_removes_the_node_and_wakes_readers():
    core, evdev, idev, client, vfs, _ = make((EV_KEY, 30))
    client.waiters.add("reader")
    core._unregister(idev)
    assert "/dev/input/event0" not in vfs.nodes
    assert evdev._sched.woken == ["reader"]
    assert evdev.open(0, 0) == -19                              # ENODEV
