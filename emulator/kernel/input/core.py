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
a Python InputDev without guest memory. Multi-touch slots as
input-mt.c and input_handle_abs_event have them (input_mt_init_slots; ABS_MT_SLOT staged, each
slot's values filtered apart, the slot event passed before the first value of another slot).
Not modelled: autorepeat (EV_REP timers), in-kernel contact tracking (INPUT_MT_TRACK and
input_mt_report_* helpers), force feedback, input handlers other than evdev, dev->open/close.
"""

import struct

from ...errors import Unimplemented
from ..abi import INPUT_ABSINFO, INPUT_DEV, INPUT_MT, INPUT_MT_SLOT, spinlock_bytes
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
#: input_is_mt_value: ABS_MT_TOUCH_MAJOR .. ABS_MT_TOOL_Y (ABS_MT_SLOT is an MT axis too).
ABS_MT_SLOT, ABS_MT_FIRST, ABS_MT_LAST = 0x2F, 0x30, 0x3D
ABS_X, ABS_Y, ABS_PRESSURE = 0x00, 0x01, 0x18
ABS_MT_POSITION_X, ABS_MT_POSITION_Y, ABS_MT_TRACKING_ID, ABS_MT_PRESSURE = 0x35, 0x36, 0x39, 0x3A
TRKID_MAX = 0xFFFF
INPUT_MT_POINTER, INPUT_MT_DIRECT, INPUT_MT_SEMI_MT, INPUT_MT_TRACK = 0x1, 0x2, 0x10, 0x8
INPUT_PROP_POINTER, INPUT_PROP_DIRECT, INPUT_PROP_SEMI_MT = 0x0, 0x1, 0x3
BTN_TOOL_FINGER, BTN_TOUCH = 0x145, 0x14A
#: input_mt_init_slots' BTN_TOOL_* bits of a pointer, by the slots it needs.
BTN_TOOL_TAPS = ((2, 0x14D), (3, 0x14E), (4, 0x14F), (5, 0x148))


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
        self.input_mt_destroy_slots(va)                  # input_dev_release
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
        events = self._estimate_events(idev)
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

    def _estimate_events(self, idev):
        """input_estimate_events_per_packet: each MT axis once per slot, one more for each
        SYN_MT_REPORT and the SYN_REPORT, and room for key and MSC events."""
        bits = idev.bits
        mt = self._mt(idev)
        if mt:
            slots = self._vm.read_u32(mt + INPUT_MT["num_slots"])
        elif bits.test("absbit", ABS_MT_TRACKING_ID):
            lo, hi = self._absinfo(idev, ABS_MT_TRACKING_ID)[1:3]
            slots = min(max(hi - lo + 1, 2), 32)
        elif bits.test("absbit", ABS_MT_POSITION_X):
            slots = 2
        else:
            slots = 0
        axes = [code for code in range(ABS_CNT) if bits.test("absbit", code)]
        mt_axes = sum(1 for code in axes if ABS_MT_SLOT <= code <= ABS_MT_LAST)
        return (slots + 1 + mt_axes * slots + len(axes) - mt_axes
                + bits.count("relbit", REL_CNT) + PACKET_SLACK)

    def _absinfo(self, idev, code):
        """(value, minimum, maximum, fuzz) of an axis."""
        info = self._vm.read_u32(idev.va + INPUT_DEV["absinfo"]) \
            if isinstance(idev.bits, GuestBits) else 0
        if not info:
            return tuple(idev.absinfo.get(code, [0, 0, 0, 0])[:4])
        return struct.unpack("<iiii", self._vm.read(info + code * INPUT_ABSINFO.size, 16))

    def _mt(self, idev):
        """dev->mt (0: none; the kernel's own devices have none)."""
        return self._vm.read_u32(idev.va + INPUT_DEV["mt"]) \
            if isinstance(idev.bits, GuestBits) else 0

    # -- multi-touch slots (drivers/input/input-mt.c) -------------------------------------------
    @export()
    def input_mt_init_slots(self, va, num_slots, flags):
        """Give the device num_slots contacts (each slot's tracking id -1: unused); the MT
        slot and tracking-id axes, and for a pointer or direct device BTN_TOUCH and the
        single-touch axes copied from the MT ones. 0, -EINVAL (other count), -ENOMEM."""
        vm = self._vm
        if not num_slots:
            return 0
        mt = vm.read_u32(va + INPUT_DEV["mt"])
        if mt:
            return 0 if vm.read_u32(mt + INPUT_MT["num_slots"]) == num_slots \
                else -EINVAL & 0xFFFFFFFF
        mt = self._kmalloc.alloc(INPUT_MT.size + num_slots * INPUT_MT_SLOT.size, zero=True,
                                 caller=self._caller())
        if not mt:
            return -ENOMEM & 0xFFFFFFFF
        vm.write_u32(mt + INPUT_MT["num_slots"], num_slots)
        vm.write_u32(mt + INPUT_MT["flags"], flags)
        self.input_set_abs_params(va, ABS_MT_SLOT, 0, num_slots - 1, 0, 0)
        self.input_set_abs_params(va, ABS_MT_TRACKING_ID, 0, TRKID_MAX, 0, 0)
        bits = self.devices[va].bits if va in self.devices else GuestBits(vm, va)
        if flags & (INPUT_MT_POINTER | INPUT_MT_DIRECT):
            bits.assign("evbit", EV_KEY, True)
            bits.assign("keybit", BTN_TOUCH, True)
            for single, multi in ((ABS_X, ABS_MT_POSITION_X), (ABS_Y, ABS_MT_POSITION_Y),
                                  (ABS_PRESSURE, ABS_MT_PRESSURE)):
                self._copy_abs(va, bits, single, multi)
        if flags & INPUT_MT_POINTER:
            bits.assign("keybit", BTN_TOOL_FINGER, True)
            for needed, key in BTN_TOOL_TAPS:
                if num_slots >= needed:
                    bits.assign("keybit", key, True)
            bits.assign("propbit", INPUT_PROP_POINTER, True)
        if flags & INPUT_MT_DIRECT:
            bits.assign("propbit", INPUT_PROP_DIRECT, True)
        if flags & INPUT_MT_SEMI_MT:
            bits.assign("propbit", INPUT_PROP_SEMI_MT, True)
        if flags & INPUT_MT_TRACK:
            self._kmalloc.free(mt)
            raise Unimplemented("input_mt_init_slots: INPUT_MT_TRACK (in-kernel contact "
                                "tracking) is not modelled")
        for i in range(num_slots):
            vm.write(mt + INPUT_MT.size + i * INPUT_MT_SLOT.size
                     + 4 * (ABS_MT_TRACKING_ID - ABS_MT_FIRST), struct.pack("<i", -1))
        vm.write_u32(va + INPUT_DEV["mt"], mt)
        return 0

    def _copy_abs(self, va, bits, dst, src):
        """input-mt.c's copy_abs: the single-touch axis takes the MT axis' range."""
        info = self._vm.read_u32(va + INPUT_DEV["absinfo"])
        if info and bits.test("absbit", src):
            entry = self._vm.read(info + src * INPUT_ABSINFO.size, INPUT_ABSINFO.size)
            self._vm.write(info + dst * INPUT_ABSINFO.size, entry)
            bits.assign("absbit", dst, True)

    @export()
    def input_mt_destroy_slots(self, va):
        mt = self._vm.read_u32(va + INPUT_DEV["mt"])
        if mt:
            red = self._vm.read_u32(mt + INPUT_MT["red"])
            if red:
                self._kmalloc.free(red)
            self._kmalloc.free(mt)
            self._vm.write_u32(va + INPUT_DEV["mt"], 0)

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
        if passes == SLOT:                     # INPUT_SLOT: the staged slot goes first
            idev.vals.append((EV_ABS, ABS_MT_SLOT,
                              self._vm.read_u32(self._mt(idev) + INPUT_MT["slot"])))
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
        """input_handle_abs_event: False (ignore), True (pass) or SLOT (pass after the
        staged ABS_MT_SLOT event)."""
        vm, mt = self._vm, self._mt(idev)
        if code == ABS_MT_SLOT:                # staged until a value of that slot changes
            if mt and 0 <= value < vm.read_u32(mt + INPUT_MT["num_slots"]):
                vm.write_u32(mt + INPUT_MT["slot"], value)
            return False
        is_mt = ABS_MT_FIRST <= code <= ABS_MT_LAST
        info = vm.read_u32(idev.va + INPUT_DEV["absinfo"]) \
            if isinstance(idev.bits, GuestBits) else 0
        fuzz = struct.unpack("<i", vm.read(info + code * INPUT_ABSINFO.size + 12, 4))[0] \
            if info else 0
        if not is_mt:
            addr = info + code * INPUT_ABSINFO.size if info else None
        elif mt:
            slot = signed32(vm.read_u32(mt + INPUT_MT["slot"]))
            addr = mt + INPUT_MT.size + slot * INPUT_MT_SLOT.size + 4 * (code - ABS_MT_FIRST)
        else:
            addr = 0                           # MT without slots: not filtered
        if addr is None:                       # a kernel device's axis
            old = idev.absinfo.get(code, [0, 0, 0, 0])[0]
            value = defuzz(value, old, 0)
            if value == old:
                return False
            idev.absinfo.setdefault(code, [0, 0, 0, 0])[0] = value
        elif addr:
            old = struct.unpack("<i", vm.read(addr, 4))[0]
            value = defuzz(value, old, fuzz)
            if value == old:
                return False
            vm.write(addr, struct.pack("<i", value))
        if is_mt and mt and info:
            slot_value = info + ABS_MT_SLOT * INPUT_ABSINFO.size
            staged = vm.read_u32(mt + INPUT_MT["slot"])
            if staged != vm.read_u32(slot_value):
                vm.write_u32(slot_value, staged)
                return SLOT
        return True

    def _pass(self, idev, vals):
        if idev.handle is not None:
            self.evdev.events(idev, vals)

    def _str(self, va):
        return self._vm.read_cstr(va).decode("latin-1") if va else ""


#: input_handle_abs_event's INPUT_PASS_TO_HANDLERS | INPUT_SLOT (truthy: the event passes).
SLOT = 2


def signed32(value):
    return value - (1 << 32) if value & 0x80000000 else value


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
