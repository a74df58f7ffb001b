"""Registers declared as data, and the MMIO region that serves them.

Renode style: a peripheral lists its registers (name from the SoC manual, offset, reset value,
implemented bits) and attaches behaviour only where the hardware has some (a read provider, a
write callback). Registers known but not modelled are tagged ``unimp``: they keep their value as
plain storage and their first access publishes one "unimp" event (QEMU's LOG_UNIMP), apart from
guest errors (LOG_GUEST_ERROR) such as an access where no register exists.

Exynos4412 SFRs are 32 bits wide on an APB bus: 8/16-bit accesses read, or read-modify-write,
the selected byte lanes of the 32-bit register. The region does that merge, so behaviour
callbacks always see whole registers plus the mask of the lanes the guest wrote.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

PAGE = 0x1000
WORD = 0xFFFFFFFF
#: Access size in bytes -> mask of the value, for the sizes the core passes (1, 2, 4).
SIZE_MASKS = {1: 0xFF, 2: 0xFFFF, 4: WORD}


@dataclass(frozen=True, slots=True)
class Field:
    """A bit field of a register, e.g. ``GPX2CON[7]`` at bits [31:28].

    ``values`` names the field's values as the manual does (GPxCON: 0 ``input``, 1
    ``output``, 0xF ``eint``); ``label`` is what traces call a change of the field (a pin,
    ``gpx2-7``; empty: the register's bits, ``GPX2CON[31:28]``). A field with either is
    described in traces (:func:`describe_change`); one with neither is plain bits.
    """

    name: str
    lsb: int
    width: int
    values: Mapping | None = field(default=None, compare=False)
    label: str = ""

    @property
    def bits(self) -> str:
        """The manual's notation for the field's bits: ``[31:28]`` (``[7]`` for one bit)."""
        msb = self.lsb + self.width - 1
        return f"[{msb}]" if msb == self.lsb else f"[{msb}:{self.lsb}]"

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb

    def get(self, register_value: int) -> int:
        """The field's value within a whole register's value."""
        return (register_value >> self.lsb) & ((1 << self.width) - 1)

    def name_of(self, register_value: int):
        """The field's value by its name (the number when the values have no names)."""
        value = self.get(register_value)
        return self.values[value] if self.values else value

    @property
    def described(self) -> bool:
        return bool(self.values or self.label)


@dataclass(frozen=True, slots=True)
class Reg:
    """One 32-bit register: bits outside ``mask`` are not implemented (read 0, ignore writes)."""

    name: str
    offset: int
    reset: int = 0
    mask: int = WORD
    unimp: bool = False
    w1c: bool = False            # write 1 to clear (pending registers): written 1s clear bits
    fields: tuple = ()
    doc: str = ""


def describe_change(reg: Reg, old: int, new: int) -> list[str]:
    """What a write changed in ``reg``, field by field in the manual's terms (traces):
    ``["GPX2CON[31:28]: input->output"]``, ``["gpx2-7: 0->1"]``. Only described fields."""
    changes = []
    for f in reg.fields:
        if f.described and (old ^ new) & f.mask:
            changes.append(f"{f.label or reg.name + f.bits}: {f.name_of(old)}->{f.name_of(new)}")
    return changes


class _Slot:
    """A register placed in a block, with its optional behaviour."""

    __slots__ = ("reg", "mask", "read", "write", "unimp", "peek")

    def __init__(self, reg, read, write, peek=None):
        self.reg, self.mask, self.read, self.write = reg, reg.mask, read, write
        self.unimp = reg.unimp          # True until the first access has been reported
        self.peek = peek or read        # what inspection sees (a read without side effects)


class RegisterBlock:
    """One MMIO region (``base`` and ``size`` 4 KiB aligned) serving a table of registers.

    ``read(offset, size)`` / ``write(offset, size, value)`` take the offset from ``base`` and a
    size of 1, 2 or 4 bytes. Behaviour, attached with :meth:`add`:

    - ``read(stored) -> value``: what the guest reads, given the stored contents;
    - ``write(old, new, lanes)``: called after ``new`` is stored; ``lanes`` masks the bits the
      guest actually wrote (an 8-bit write to byte 1 gives ``0xFF00``).
    """

    def __init__(self, name: str, base: int, size: int, tracer,
                 pc_provider: Callable[[], int] | None = None):
        if base % PAGE or size % PAGE or size <= 0:
            raise ValueError(f"{name}: MMIO region must be 4 KiB aligned (base {base:#x}, size {size:#x})")
        self.name, self.base, self.size = name, base, size
        self.tracer = tracer
        #: Callable returning the guest PC for trace events (None: events carry pc=None).
        self.pc_provider = pc_provider
        #: Stored contents, offset -> value. Behaviour callbacks keep their state here.
        self.values = {}
        self._slots = {}
        self._active, self._publish, self._direct = tracer.active, tracer.publish, tracer.direct

    # -- building ---------------------------------------------------------------------------

    def add(self, reg: Reg, read: Callable[[int], int] | None = None,
            write: Callable[[int, int, int], None] | None = None,
            peek: Callable[[int], int] | None = None) -> None:
        """Place ``reg`` at its offset; ``read``/``write`` attach behaviour (see class doc);
        ``peek(stored)`` replaces ``read`` for inspection when a guest read has side effects
        (a read that starts an ADC conversion)."""
        if reg.offset % 4 or not 0 <= reg.offset < self.size:
            raise ValueError(f"{self.name}: {reg.name} at bad offset {reg.offset:#x}")
        if reg.offset in self._slots:
            other = self._slots[reg.offset].reg.name
            raise ValueError(f"{self.name}: {reg.name} and {other} both at offset {reg.offset:#x}")
        if reg.w1c and write is None:
            write = self._clear_on_write(reg.offset)
        self._slots[reg.offset] = _Slot(reg, read, write, peek)
        self.values[reg.offset] = reg.reset & reg.mask

    def _clear_on_write(self, offset):
        values = self.values

        def write(old, new, lanes):
            values[offset] = old & ~(new & lanes)
        return write

    def registers(self) -> list[Reg]:
        """The block's registers, by offset."""
        return [self._slots[off].reg for off in sorted(self._slots)]

    # -- inspection (no side effects, no events) ---------------------------------------------

    def reg_name(self, offset: int) -> str:
        """The manual's name of the register at ``offset``, or ``block+0xOFF`` if there is none."""
        slot = self._slots.get(offset & ~3)
        return slot.reg.name if slot else f"{self.name}+0x{offset:03x}"

    def peek(self, offset: int) -> int:
        """The 32-bit value a guest read of the register at ``offset`` would return."""
        slot = self._slots[offset & ~3]
        stored = self.values[offset & ~3]
        return slot.peek(stored) if slot.peek else stored

    def poke(self, offset, value):
        """A 32-bit write by the emulated kernel's own (Python) code: the register's behaviour
        runs as for a guest write, but no trace event is published (there is no guest PC)."""
        slot = self._slots[offset]
        old = self.values[offset]
        new = self.values[offset] = value & slot.mask
        if slot.write is not None:
            slot.write(old, new, slot.mask)

    # -- the guest's hot path ----------------------------------------------------------------

    def read(self, offset: int, size: int) -> int:
        slot = self._slots.get(offset)
        if slot is None or size != 4:           # sub-word, unaligned or no register
            return self._read_lanes(offset, size)
        value = self.values[offset]
        if slot.read is not None:
            value = slot.read(value)
        if "mmio_read" in self._active:
            pc = self.pc_provider                 # (speed: no _pc() frame on the hot path)
            pc = pc() if pc is not None else None
            direct = self._direct.get("mmio_read")    # (speed) a trace file's line writer
            if direct is not None:
                direct(pc, self.base + offset, slot.reg.name, 4, value)
            else:
                self._publish("mmio_read", pc=pc, addr=self.base + offset, reg=slot.reg.name,
                              size=4, value=value)
        if slot.unimp:
            self._report_unimp(slot, "read")
        return value

    def write(self, offset: int, size: int, value: int) -> None:
        slot = self._slots.get(offset)
        if slot is None or size != 4:
            self._write_lanes(offset, size, value)
            return
        old = self.values[offset]
        new = self.values[offset] = value & slot.mask
        if "mmio_write" in self._active:
            pc = self.pc_provider
            pc = pc() if pc is not None else None
            direct = self._direct.get("mmio_write")
            if direct is not None:
                direct(pc, self.base + offset, slot.reg.name, 4, value & WORD, old)
            else:
                self._publish("mmio_write", pc=pc, addr=self.base + offset, reg=slot.reg.name,
                              size=4, value=value & WORD, old=old)
        if slot.unimp:
            self._report_unimp(slot, "write")
        if slot.write is not None:
            slot.write(old, new, slot.mask)

    def _read_lanes(self, offset, size):
        aligned = offset & ~3
        slot = self._slots.get(aligned)
        if slot is None or size not in SIZE_MASKS or (offset & 3) + size > 4:
            return self._bad_read(offset, size)
        value = self.values[aligned]
        if slot.read is not None:
            value = slot.read(value)
        value = (value >> ((offset & 3) << 3)) & SIZE_MASKS[size]
        if "mmio_read" in self._active:
            self._publish("mmio_read", pc=self._pc(), addr=self.base + offset, reg=slot.reg.name,
                          size=size, value=value)
        if slot.unimp:
            self._report_unimp(slot, "read")
        return value

    def _write_lanes(self, offset, size, value):
        aligned = offset & ~3
        slot = self._slots.get(aligned)
        if slot is None or size not in SIZE_MASKS or (offset & 3) + size > 4:
            self._bad_write(offset, size, value)
            return
        shift = (offset & 3) << 3
        lanes = SIZE_MASKS[size] << shift
        old = self.values[aligned]
        new = self.values[aligned] = ((old & ~lanes) | ((value << shift) & lanes)) & slot.mask
        if "mmio_write" in self._active:
            self._publish("mmio_write", pc=self._pc(), addr=self.base + offset, reg=slot.reg.name,
                          size=size, value=value & SIZE_MASKS[size], old=(old & lanes) >> shift)
        if slot.unimp:
            self._report_unimp(slot, "write")
        if slot.write is not None:
            slot.write(old, new, lanes & slot.mask)

    # -- slow paths ---------------------------------------------------------------------------

    def _pc(self):
        return self.pc_provider() if self.pc_provider is not None else None

    def _bad_read(self, offset, size):
        if size == 8 and offset % 8 == 0:      # LDRD: two word accesses
            return self.read(offset, 4) | self.read(offset + 4, 4) << 32
        self._guest_error(offset, f"{size}-byte read at {self.base + offset:#010x}"
                          f"{self._why(offset, size)}: reads 0")
        return 0

    def _bad_write(self, offset, size, value):
        if size == 8 and offset % 8 == 0:      # STRD: two word accesses
            self.write(offset, 4, value & WORD)
            self.write(offset + 4, 4, value >> 32)
            return
        self._guest_error(offset, f"{size}-byte write of {value:#x} at {self.base + offset:#010x}"
                          f"{self._why(offset, size)}: ignored")

    def _why(self, offset, size):
        if offset & ~3 not in self._slots:
            return f" ({self.name}+0x{offset:03x}): no register there"
        return f" ({self.reg_name(offset)}): not within one 32-bit register"

    def _guest_error(self, offset, message):
        if "guest_error" in self._active:
            self._publish("guest_error", source=self.reg_name(offset), message=message)

    def _report_unimp(self, slot, kind):
        if "unimp" not in self._active:
            return                              # keep it pending until someone listens
        slot.unimp = False
        reg = slot.reg
        self._publish("unimp", source=reg.name,
                      message=f"{kind} of {reg.name} ({self.base + reg.offset:#010x}): "
                              f"{reg.doc or 'not modelled'}")
