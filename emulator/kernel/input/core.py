"""The input core (Linux drivers/input/input.c, 3.14).

A driver's struct input_dev (abi.INPUT_DEV, 768 bytes on the board) lives in guest memory:
input_allocate_device() zeroes and initialises one, the driver sets its name, id and
capability bits (set_bit(EV_KEY, dev->evbit) is inline), input_register_device() gives it
the name inputN and an evdev handler (/dev/input/eventM, evdev.py). input_event() filters as
input_handle_event does: types and codes the device does not declare are dropped, a key
event only passes when it changes dev->key (value 2, autorepeat, always passes), a relative
event only when non-zero, an absolute one only when its (defuzzed) value changes. Passed
events collect in the device's packet until SYN_REPORT, which hands the packet to the
handlers (an empty packet is not passed); a packet reaching max_vals - 2 events is closed
with an injected SYN_REPORT. The kernel's own drivers (gpio-keys) use the same core through
a Python InputDev without guest memory. Not modelled: autorepeat (EV_REP timers),
multi-touch slots, force feedback, input handlers other than evdev, dev->open/close.
"""

import struct

from ...errors import Unimplemented
from ..abi import INPUT_ABSINFO, INPUT_DEV, spinlock_bytes
from ..errno import EINVAL, ENOMEM
from ..hypercall import export

EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_SW, EV_LED, EV_SND, EV_REP, EV_FF = \
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x11, 0x12, 0x14, 0x15
SYN_REPORT, SYN_CONFIG, SYN_MT_REPORT, SYN_DROPPED = 0, 1, 2, 3
EV_CNT, KEY_CNT, REL_CNT, ABS_CNT, MSC_CNT, LED_CNT, SND_CNT, SW_CNT = \
    0x20, 0x300, 0x10, 0x40, 0x08, 0x10, 0x08, 0x10
BUS_HOST = 0x19
#: The capability bitmap of each event type (type -> (input_dev member, bit count)).
CAPABILITY = {EV_KEY: ("keybit", KEY_CNT), EV_REL: ("relbit", REL_CNT),
              EV_ABS: ("absbit", ABS_CNT), EV_MSC: ("mscbit", MSC_CNT),
              EV_SW: ("swbit", SW_CNT), EV_LED: ("ledbit", LED_CNT),
              EV_SND: ("sndbit", SND_CNT)}
#: The state bitmap a type's events toggle (input_handle_event's is_event_supported + test).
STATE = {EV_KEY: "key", EV_SW: "sw", EV_LED: "led", EV_SND: "snd"}
#: input_estimate_events_per_packet: room for KEY and MSC events.
PACKET_SLACK = 7
ABS_MT_FIRST, ABS_MT_LAST = 0x2F, 0x3D


class GuestBits:
    """The bitmaps of a module's struct input_dev, read and written in guest memory."""

    def __init__(self, vm, va):
        self._vm, self._va = vm, va

    def test(self, member, bit):
        word = self._vm.read_u32(self._va + INPUT_DEV[member] + 4 * (bit // 32))
        return bool(word >> (bit % 32) & 1)

    def assign(self, member, bit, on):
        addr = self._va + INPUT_DEV[member] + 4 * (bit // 32)
        word = self._vm.read_u32(addr)
        word = word | (1 << bit % 32) if on else word & ~(1 << bit % 32)
        self._vm.write_u32(addr, word & 0xFFFFFFFF)

    def count(self, member, bits):
        return sum(bin(self._vm.read_u32(self._va + INPUT_DEV[member] + 4 * i)).count("1")
                   for i in range((bits + 31) // 32))


class PyBits:
    """The same for the kernel's own input devices (gpio-keys): Python integers."""

    def __init__(self):
        self._words = {}

    def test(self, member, bit):
        return bool(self._words.get(member, 0) >> bit & 1)

    def assign(self, member, bit, on):
        word = self._words.get(member, 0)
        self._words[member] = word | (1 << bit) if on else word & ~(1 << bit)

    def count(self, member, bits):
        return bin(self._words.get(member, 0)).count("1")


class InputDev:
    """A registered (or allocated) input device as the core tracks it."""

    def __init__(self, va, bits, name="", phys="", ids=(0, 0, 0, 0)):
        self.va, self.bits = va, bits
        self.name, self.phys, self.ids = name, phys, ids
        self.number = None           # inputN
        self.sysfs_parent = ""       # the parent device's path (/devices/...)
        self.vals = []               # the packet being built: [(type, code, value)]
        self.max_vals = 0
        self.hint = 0                # hint_events_per_packet
        self.absinfo = {}            # kernel devices: code -> [value, min, max, fuzz, flat, res]
        self.handle = None           # the evdev attached (evdev.py)
        self.registered = False


class InputCore:
    def __init__(self, vm, kmalloc, init_mutex, printk, caller, ledger, devres, name_of,
                 evdev=None):
        """init_mutex(va): __mutex_init of dev->mutex; name_of(dev va): a device's name
        (the parent in the sysfs path); devres: the driver model's (devm_ allocation);
        evdev: the event handler every device connects to (evdev.Evdev), or None."""
        self._vm, self._kmalloc, self._init_mutex = vm, kmalloc, init_mutex
        self._printk, self._caller, self._ledger = printk, caller, ledger
        self._devres, self._name_of = devres, name_of
        self.devices = {}            # input_dev va (or a Python key) -> InputDev
        self._next_number = 0        # input_no: never reused
        self.evdev = evdev

    # -- allocation -------------------------------------------------------------------------------
    @export()
    def input_allocate_device(self):
        va = self._kmalloc.alloc(INPUT_DEV.size, zero=True, caller=self._caller())
        if not va:
            return 0
        vm = self._vm
        vm.write(va + INPUT_DEV["event_lock"], spinlock_bytes())
        self._init_mutex(va + INPUT_DEV["mutex"])
        for member in ("h_list", "node"):
            head = va + INPUT_DEV[member]
            vm.write(head, struct.pack("<II", head, head))
        self.devices[va] = InputDev(va, GuestBits(vm, va))
        return va

    @export()
    def devm_input_allocate_device(self, dev):
        """Freed (or unregistered) when the device is unbound, as devres does in 3.14."""
        va = self.input_allocate_device()
        if va:
            self._vm.write_u32(va + INPUT_DEV["dev"], dev)              # dev.parent
            self._vm.write(va + INPUT_DEV["devres_managed"], b"\x01")
            self._devres.add(dev, ("input_dev", va), lambda: self._devm_release(va))
        return va

    def _devm_release(self, va):
        idev = self.devices.get(va)
        if idev is not None and idev.registered:
            self._unregister(idev)
        self._free(va)

    @export()
    def input_free_device(self, va):
        idev = self.devices.get(va)
        if idev is None:
            return None
        if idev.registered:
            self._printk(4, "WARNING: CPU: 0 at drivers/input/input.c:1844 "
                            "input_free_device(): freeing a registered input device")
            return None
        if self._vm.read(va + INPUT_DEV["devres_managed"], 1)[0]:
            return None                                  # devres frees it at unbind
        self._free(va)
        return None

    def _free(self, va):
        idev = self.devices.pop(va, None)
        absinfo = self._vm.read_u32(va + INPUT_DEV["absinfo"])
        if absinfo:
            self._kmalloc.free(absinfo)
        if idev is not None:
            self._kmalloc.free(va)

    # -- capabilities -------------------------------------------------------------------------------
    @export()
    def input_set_capability(self, va, type_, code):
        idev = self.devices.get(va)
        if idev is None:
            return None
        cap = CAPABILITY.get(type_)
        if cap is not None:
            if code >= cap[1]:
                return None
            idev.bits.assign(cap[0], code, True)
        elif type_ not in (EV_SYN, EV_REP, EV_FF, 0x16):
            self._printk(3, f"input_set_capability: unknown type {type_} (code {code})")
            return None
        idev.bits.assign("evbit", type_, True)
        return None

    @export()
    def input_alloc_absinfo(self, va):
        if not self._vm.read_u32(va + INPUT_DEV["absinfo"]):
            info = self._kmalloc.alloc(ABS_CNT * INPUT_ABSINFO.size, zero=True,
                                       caller=self._caller())
            self._vm.write_u32(va + INPUT_DEV["absinfo"], info)
            if not info:
                self._printk(3, "input_alloc_absinfo(): unable to allocate memory")

    @export()
    def input_set_abs_params(self, va, axis, minimum, maximum, fuzz, flat):
        self.input_alloc_absinfo(va)
        info = self._vm.read_u32(va + INPUT_DEV["absinfo"])
        if not info or axis >= ABS_CNT:
            return None
        self._vm.write(info + axis * INPUT_ABSINFO.size + INPUT_ABSINFO["minimum"],
                       struct.pack("<IIII", minimum, maximum, fuzz, flat))
        idev = self.devices.get(va)
        if idev is not None:
            idev.bits.assign("evbit", EV_ABS, True)
            idev.bits.assign("absbit", axis, True)
        return None

    # -- registration -------------------------------------------------------------------------------
    @export()
    def input_register_device(self, va):
        idev = self.devices.get(va)
        if idev is None:
            return -EINVAL & 0xFFFFFFFF
        vm = self._vm
        if vm.read_u32(va + INPUT_DEV["open"]) or vm.read_u32(va + INPUT_DEV["close"]):
            raise Unimplemented("input_register_device: input_dev->open/close callbacks are "
                                "not modelled")
        idev.name = self._str(vm.read_u32(va + INPUT_DEV["name"]))
        idev.phys = self._str(vm.read_u32(va + INPUT_DEV["phys"]))
        idev.ids = struct.unpack("<4H", vm.read(va + INPUT_DEV["id"], 8))
        parent = vm.read_u32(va + INPUT_DEV["dev"])
        idev.sysfs_parent = f"/devices/{self._name_of(parent)}" if parent else \
            "/devices/virtual"
        ret = self.register(idev)
        if ret == 0:
            self._ledger.acquire("input_dev", va, self._caller(),
                                 f"input device {idev.name or 'Unspecified device'} "
                                 f"(input{idev.number})")
        return ret & 0xFFFFFFFF

    def register(self, idev):
        """input_register_device for either kind of device: 0 or -errno."""
        bits = idev.bits
        bits.assign("evbit", EV_SYN, True)               # every device sends EV_SYN
        bits.assign("keybit", 0, False)                  # KEY_RESERVED is never reported
        events = bits.count("absbit", ABS_CNT) + bits.count("relbit", REL_CNT) + PACKET_SLACK
        hint = self._vm.read_u32(idev.va + INPUT_DEV["hint_events_per_packet"]) \
            if isinstance(bits, GuestBits) else 0
        idev.hint = hint
        idev.max_vals = max(hint, events) + 2
        if self.evdev is not None and not self.evdev.has_room():
            return -ENOMEM
        idev.number = self._next_number
        self._next_number += 1
        idev.registered = True
        self.devices[idev.va] = idev
        self._printk(6, f"input: {idev.name or 'Unspecified device'} as "
                        f"{idev.sysfs_parent}/input/input{idev.number}")
        if self.evdev is not None:
            self.evdev.connect(idev)
        return 0

    @export()
    def input_unregister_device(self, va):
        idev = self.devices.get(va)
        if idev is None or not idev.registered:
            return None
        self._ledger.release("input_dev", va)
        self._unregister(idev)
        if not self._vm.read(va + INPUT_DEV["devres_managed"], 1)[0]:
            self._free(va)                    # the last reference: input_dev_release
        return None

    def _unregister(self, idev):
        idev.registered = False
        if idev.handle is not None:
            self.evdev.disconnect(idev)

    # -- events -------------------------------------------------------------------------------------
    @export()
    def input_event(self, va, type_, code, value):
        idev = self.devices.get(va)
        if idev is not None:
            self.event(idev, type_, code, value - (1 << 32) if value & 0x80000000 else value)

    def event(self, idev, type_, code, value):
        """input_event: filter, collect into the packet, pass it at SYN_REPORT."""
        bits = idev.bits
        if type_ >= EV_CNT or not bits.test("evbit", type_):
            return
        passes, flush = self._disposition(idev, type_, code, value)
        if passes:
            idev.vals.append((type_, code, value))
        if flush:
            if len(idev.vals) >= 2:
                self._pass(idev, idev.vals)
            idev.vals = []
        elif len(idev.vals) >= idev.max_vals - 2:
            idev.vals.append((EV_SYN, SYN_REPORT, 0))
            self._pass(idev, idev.vals)
            idev.vals = []

    def _disposition(self, idev, type_, code, value):
        """(pass to handlers, flush the packet) for one event (input_get_disposition)."""
        bits = idev.bits
        if type_ == EV_SYN:
            return (code in (SYN_REPORT, SYN_MT_REPORT), code == SYN_REPORT)
        cap = CAPABILITY.get(type_)
        if cap is None or code >= cap[1] or not bits.test(cap[0], code):
            return False, False
        state = STATE.get(type_)
        if state is not None:
            if type_ == EV_KEY and value == 2:
                return bits.test(state, code), False      # autorepeat of a held key
            if bits.test(state, code) == bool(value):
                return False, False
            bits.assign(state, code, bool(value))
            return True, False
        if type_ == EV_REL:
            return value != 0, False
        if type_ == EV_ABS:
            return self._abs(idev, code, value), False
        return True, False                                 # EV_MSC

    def _abs(self, idev, code, value):
        if ABS_MT_FIRST <= code <= ABS_MT_LAST:
            raise Unimplemented("input_event: multi-touch axes are not modelled")
        info = self._vm.read_u32(idev.va + INPUT_DEV["absinfo"]) \
            if isinstance(idev.bits, GuestBits) else 0
        if info:
            addr = info + code * INPUT_ABSINFO.size
            old, _, _, fuzz = struct.unpack("<iiii", self._vm.read(addr, 16))
        else:
            old, fuzz = idev.absinfo.get(code, [0, 0, 0, 0])[0], 0
        value = defuzz(value, old, fuzz)
        if value == old:
            return False
        if info:
            self._vm.write(addr, struct.pack("<i", value))
        else:
            idev.absinfo.setdefault(code, [0, 0, 0, 0])[0] = value
        return True

    def _pass(self, idev, vals):
        if idev.handle is not None:
            self.evdev.events(idev, vals)

    def _str(self, va):
        return self._vm.read_cstr(va).decode("latin-1") if va else ""


def defuzz(value, old, fuzz):
    """input_defuzz_abs_event: small changes are pulled towards the old value."""
    if fuzz:
        if old - fuzz // 2 < value < old + fuzz // 2:
            return old
        if old - fuzz < value < old + fuzz:
            return (old * 3 + value) // 4
        if old - fuzz * 2 < value < old + fuzz * 2:
            return (old + value) // 2
    return value


__all__ = ["InputCore", "InputDev", "PyBits", "EV_KEY", "EV_SYN", "SYN_REPORT", "BUS_HOST"]
