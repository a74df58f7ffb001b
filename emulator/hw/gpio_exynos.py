"""The Exynos4412 GPIO controller (pinctrl): four register blocks of pin banks.

Source: Exynos 4412 SCP User's Manual, chapter 6 "General Purpose Input/Output (GPIO) Control",
and Linux ``drivers/pinctrl/samsung/pinctrl-exynos-arm.c`` (exynos4x12_pin_banks0..3, bank
types "off"/"alive"). The SoC data (blocks, banks, reset values) comes from
``boards/exynos4412.toml`` through :class:`GpioSpec`.

Each bank has GPxnCON (4 bits/pin: 0x0 input, 0x1 output, 0xF interrupt, others alternate
functions), GPxnDAT (1 bit/pin), GPxnPUD (2 bits/pin: 0x0 none, 0x1 pull-down, 0x3 pull-up),
GPxnDRV (2 bits/pin) and, outside the alive part (gpx), GPxnCONPDN/GPxnPUDPDN. Modelled:

- only output pins are driven, to their DAT latch bit; other pins are undriven (level None);
- a DAT read returns the latch for output pins and the board's level for the others: whatever
  the board applies (a key), else the pad's pull (pull-up reads 1, otherwise 0);
- a DAT write setting a non-output pin's bit away from the level it reads is a guest error.

EXT_INT* and wake-up interrupt registers are modelled in :mod:`.eint` (trigger detection on
the pads' levels, mask, write-1-to-clear pending, the interrupt outputs).
"""

from dataclasses import dataclass, field

from .eint import EintGroup, EintLines
from .registers import Field, Reg, RegisterBlock

#: CON field value -> pin function (UM ch. 6: 0x2..0xE select the pin's alternate functions).
FUNCTIONS = {0x0: "input", 0x1: "output", 0xF: "eint", **{n: f"func{n}" for n in range(0x2, 0xF)}}
#: PUD field value -> pull resistor (UM ch. 6: 0x2 is reserved).
PULLS = {0x0: "none", 0x1: "down", 0x2: "reserved", 0x3: "up"}
CON_OUTPUT = 0x1
PUD_UP, PUD_RESERVED = 0x3, 0x2
#: Register suffix -> (the per-pin field's value names, labelled by pin) for the registers
#: whose changes traces describe (registers.describe_change): a CON field by its bits
#: (GPX2CON[31:28]: input->output), the others by pin (gpx2-7: 0->1, gpx2-7: none->pull-up).
PIN_FIELDS = {
    "CON": (FUNCTIONS, False),
    "DAT": (None, True),
    "PUD": ({v: f"pull-{n}" if n in ("up", "down") else n for v, n in PULLS.items()}, True),
    "DRV": (None, True),
}

#: A bank's registers (UM ch. 6; Linux bank_type_off / bank_type_alive):
#: (suffix, offset in the bank, bits per pin, present in alive banks, description).
BANK_REGISTERS = (
    ("CON", 0x00, 4, True, "port configuration"),
    ("DAT", 0x04, 1, True, "port data"),
    ("PUD", 0x08, 2, True, "pull-up/pull-down"),
    ("DRV", 0x0C, 2, True, "drive strength"),
    ("CONPDN", 0x10, 2, False, "power-down mode configuration"),
    ("PUDPDN", 0x14, 2, False, "power-down mode pull-up/pull-down"),
)

#: A bank's interrupt-group registers, EXT_INT<n>_<suffix> (UM ch. 6):
#: (suffix, base key in GpioSpec.eint/.wakeup, bytes per eint_offset unit, extra offset,
#:  bits per pin (0: a whole word), write 1 to clear).
EINT_REGISTERS = (
    ("CON", "con", 1, 0, 4, False),
    ("FLTCON0", "fltcon", 2, 0, 0, False),
    ("FLTCON1", "fltcon", 2, 4, 0, False),
    ("MASK", "mask", 1, 0, 1, False),
    ("PEND", "pend", 1, 0, 1, True),
)


def parse_pin_name(name):
    """("gpx2", 7) for a pin name "gpx2-7" (any case): the one parser of pin names (board
    files, the console, the debugger). ValueError if the name is not shaped like one."""
    bank_name, _, index = name.lower().rpartition("-")
    if not bank_name or not index.isdigit():
        raise ValueError(f"no GPIO pin {name!r} (expected a name like 'gpx2-7')")
    return bank_name, int(index)


@dataclass(frozen=True)
class BankSpec:
    """One pin bank: ``gpx2`` has 8 pins at offset 0xC40 of its block."""

    name: str
    pins: int
    offset: int
    has_pdn: bool = True          # GPxnCONPDN/PUDPDN exist (not in the alive part, gpx)
    eint: int | None = None       # interrupt group: EXT_INT<eint>_CON...; None: no interrupts
    eint_offset: int = 0          # the group's offset from the EXT_INT register bases
    wakeup: bool = False          # the group uses the wake-up register bases (gpx0-3)


@dataclass(frozen=True)
class GpioBlockSpec:
    """One pinctrl register block: an MMIO region."""

    name: str
    base: int
    size: int
    banks: tuple


@dataclass(frozen=True)
class GpioSpec:
    """The SoC's GPIO description: blocks, reset values, interrupt register bases."""

    blocks: tuple
    reset: dict = field(default_factory=dict)    # "con", "pud", "eint_mask"... -> reset value
    eint: dict = field(default_factory=dict)     # "con", "fltcon", "mask", "pend" -> offset
    wakeup: dict = field(default_factory=dict)   # same, for wake-up groups


def _bits(mask):
    """Indices of the set bits of ``mask``, lowest first."""
    bits = []
    while mask:
        low = mask & -mask
        bits.append(low.bit_length() - 1)
        mask ^= low
    return bits


class Pin:
    """One pad, named like Linux's gpiolib lines: ``gpx2-7``."""

    __slots__ = ("bank", "index", "name", "_listeners", "_function_listeners")

    def __init__(self, bank, index):
        self.bank, self.index = bank, index
        self.name = f"{bank.name}-{index}"
        self._listeners = []
        self._function_listeners = []

    @property
    def level(self):
        """The pin's current level, 0 or 1 (what GPxnDAT reads for it)."""
        return self.bank.level(self.index)

    @property
    def driven(self):
        """The level the SoC drives (1 or 0), or None when the pin is not an output."""
        return self.bank.driven(self.index)

    @property
    def function(self):
        """The CON selection: "input", "output", "eint" or "funcN"."""
        return self.bank.con_fields[self.index].name_of(self.bank.con_value())

    @property
    def pull(self):
        """The PUD selection: "none", "down", "up" (or "reserved")."""
        return PULLS[self.bank.pud_field(self.index)]

    def connect(self, listener):
        """Call ``listener(pin, driven)`` whenever the driven level changes (1, 0 or None)."""
        self._listeners.append(listener)

    def disconnect(self, listener):
        self._listeners.remove(listener)

    # periph (issue 13): alternate functions (TOUT0 on gpd0-0) need the CON selection.
    def on_function(self, listener):
        """Call ``listener(pin, function)`` whenever the pin's CON selection changes."""
        self._function_listeners.append(listener)
        self.bank._function_watch |= 1 << self.index

    def set_board_level(self, level):
        """The level the board applies to the pad (a key: 0 or 1); None: the board leaves it."""
        self.bank.set_board_level(self.index, level)

    def _driven_changed(self, level):
        tracer = self.bank.tracer
        if "pin" in tracer.active:              # (speed) no event built when nobody listens
            direct = tracer.direct.get("pin")   # (speed) a trace file's line writer
            if direct is not None:
                direct(self.name, level)
            else:
                tracer.publish("pin", pin=self.name, level=level)
        for listener in self._listeners:
            listener(self, level)

    def __repr__(self):
        return f"<Pin {self.name} {self.function} level={self.level}>"


class GpioBank:
    """One bank's registers and pins; state lives in the block's storage, plus derived masks."""

    def __init__(self, spec, block, tracer, reset):
        self.spec, self.block, self.tracer = spec, block, tracer
        self.name, self.label = spec.name, spec.name.upper()
        self.pin_mask = (1 << spec.pins) - 1
        self.pins = tuple(Pin(self, i) for i in range(spec.pins))
        self._values = block.values
        self._con, self._dat, self._pud = spec.offset, spec.offset + 4, spec.offset + 8
        self._out = 0          # bit i: pin i is an output (CON = 0x1)
        self._idle = 0         # bit i: pin i is not an output
        self._pull_up = 0      # bit i: pin i's pull-up is enabled (PUD = 0x3)
        self._board_mask = 0   # bit i: the board applies a level to pin i (a key)
        self._board_level = 0
        self._input = 0        # level of every pin as the board and pulls make it
        self._function_watch = 0   # bit i: pin i has function listeners (periph, issue 13)
        #: listener(levels) when the pad levels of non-output pins change (EINT edge detection).
        self.input_listeners = []
        behaviour = {"CON": (None, self._con_written), "DAT": (self._dat_read, self._dat_written),
                     "PUD": (None, self._pud_written)}
        self.regs = []
        for suffix, offset, bits, alive, doc in BANK_REGISTERS:
            if not (alive or spec.has_pdn):
                continue
            name = f"{self.label}{suffix}"
            width = (1 << bits * spec.pins) - 1
            values, by_pin = PIN_FIELDS.get(suffix, (None, False))
            fields = tuple(Field(f"{name}[{i}]", bits * i, bits, values,
                                 f"{spec.name}-{i}" if by_pin else "")
                           for i in range(spec.pins))
            reg = Reg(name, spec.offset + offset, reset.get(suffix.lower(), 0) & width, width,
                      fields=fields, doc=f"port group {self.label} {doc}")
            block.add(reg, *behaviour.get(suffix, (None, None)))
            self.regs.append(reg)
        self.con_fields = self.regs[0].fields
        self._con_written(0, self._values[self._con], 0)
        self._pud_written(0, self._values[self._pud], 0)

    # -- per-pin state ----------------------------------------------------------------------

    def con_value(self):
        return self._values[self._con]

    def con_field(self, index):
        """Pin ``index``'s CON selection (0x0 input, 0x1 output, 0xF EINT, ...)."""
        return self.con_fields[index].get(self.con_value())

    def pud_field(self, index):
        return (self._values[self._pud] >> 2 * index) & 0x3

    def level(self, index):
        return (self._dat_read(self._values[self._dat]) >> index) & 1

    def driven(self, index):
        return (self._values[self._dat] >> index) & 1 if (self._out >> index) & 1 else None

    def set_board_level(self, index, level):
        bit = 1 << index
        if level is None:
            self._board_mask &= ~bit
        else:
            self._board_mask |= bit
            self._board_level = (self._board_level & ~bit) | (bit if level else 0)
        self._update_input()

    def registers(self):
        """Register name -> value as the guest would read it, in the manual's order."""
        return {reg.name: self.block.peek(reg.offset) for reg in self.regs}

    # -- register behaviour -----------------------------------------------------------------

    def _outputs(self, con):
        out = 0
        for i in range(len(self.pins)):
            if (con >> 4 * i) & 0xF == CON_OUTPUT:
                out |= 1 << i
        return out

    def _update_input(self):
        """Level of every pin not driven by the SoC: the board's, else the pad's pull."""
        board = self._board_mask
        old = self._input
        self._input = ((self._board_level & board) | (self._pull_up & ~board)) & self.pin_mask
        if self._input != old:
            for listener in self.input_listeners:
                listener(self._input)

    def input_levels(self):
        """The pad level of every pin as the board and the pulls make it (bit per pin)."""
        return self._input

    def _dat_read(self, latch):
        return (latch & self._out) | (self._input & self._idle)

    def _con_written(self, old, new, lanes):
        old_out = self._out
        self._out = self._outputs(new)
        self._idle = self.pin_mask & ~self._out
        self._settle(old_out, self._values[self._dat])
        if self._function_watch:                         # periph (issue 13)
            for i in _bits(self._function_watch):
                if (old ^ new) >> 4 * i & 0xF:
                    pin = self.pins[i]
                    for listener in pin._function_listeners:
                        listener(pin, pin.function)

    def _dat_written(self, old, new, lanes):
        out = self._out
        wrong = (new ^ self._input) & lanes & ~out      # non-output pins written away
        if wrong and "guest_error" in self.tracer.active:
            self._report_idle_writes(new, wrong)
        if (old ^ new) & out:
            self._settle(out, old)

    def _report_idle_writes(self, new, wrong):
        for i in _bits(wrong):
            con = self.con_fields[i]
            self.tracer.publish(
                "guest_error", source=f"{self.label}DAT",
                message=f"write {(new >> i) & 1} to {self.pins[i].name} which is not an output "
                        f"({self.label}CON{con.bits}={self.pins[i].function}): pin not driven")

    def _pud_written(self, old, new, lanes):
        up = 0
        for i in range(len(self.pins)):
            pud = (new >> 2 * i) & 0x3
            if pud == PUD_UP:
                up |= 1 << i
            elif pud == PUD_RESERVED and (lanes >> 2 * i) & 0x3 and self.tracer.wants("guest_error"):
                self.tracer.publish("guest_error", source=f"{self.label}PUD",
                                    message=f"{self.label}PUD[{2 * i + 1}:{2 * i}]=0x2 is reserved "
                                            f"({self.pins[i].name}): treated as no pull")
        self._pull_up = up
        self._update_input()

    def _settle(self, old_out, old_latch):
        """Tell listeners of every pin whose driven level changed."""
        out, latch = self._out, self._values[self._dat]
        changed = (old_out ^ out) | ((old_latch ^ latch) & out)
        # (speed) one pin, as an LED driver's write changes: no list of bits
        for i in _bits(changed) if changed & (changed - 1) or not changed else (
                changed.bit_length() - 1,):
            self.pins[i]._driven_changed((latch >> i) & 1 if (out >> i) & 1 else None)


def _add_eint_group(block, bank, bank_spec, spec):
    """EXT_INT<n>_CON/FLTCON0/FLTCON1/MASK/PEND of ``bank``'s group, modelled in hw/eint.py."""
    bases = spec.wakeup if bank_spec.wakeup else spec.eint
    offsets = {key: bases[key] + stride * bank_spec.eint_offset + extra
               for _, key, stride, extra, _, _ in EINT_REGISTERS if key in bases and key != "fltcon"}
    if "fltcon" in bases:
        offsets["fltcon"] = tuple(bases["fltcon"] + 2 * bank_spec.eint_offset + extra
                                  for extra in (0, 4))
    return EintGroup(bank, block, f"EXT_INT{bank_spec.eint}", offsets, spec.reset, bank.tracer)


class GpioController:
    """All GPIO blocks of the SoC: ``regions`` for the bus, ``bank()``/``pin()`` for the board."""

    def __init__(self, spec, tracer, pc_provider=None):
        self.tracer = tracer
        self.regions = []
        self.banks = {}
        self.eint_groups = {}
        block_of = {}
        for block_spec in spec.blocks:
            block = RegisterBlock(block_spec.name, block_spec.base, block_spec.size, tracer,
                                  pc_provider)
            for bank_spec in block_spec.banks:
                if bank_spec.name in self.banks:
                    raise ValueError(f"bank {bank_spec.name} declared twice")
                bank = self.banks[bank_spec.name] = GpioBank(bank_spec, block, tracer, spec.reset)
                if bank_spec.eint is not None:
                    self.eint_groups[bank_spec.name] = _add_eint_group(block, bank, bank_spec, spec)
                    block_of[bank_spec.name] = block_spec.base
            self.regions.append(block)
        #: Interrupt outputs of the EINT groups (hw/eint.py), for the board's interrupt wiring.
        self.eint = EintLines(self.eint_groups, block_of)

    def bank(self, name):
        """The bank called ``name`` ("gpx2", any case); LookupError if there is none."""
        bank = self.banks.get(name.lower())
        if bank is None:
            raise LookupError(f"no GPIO bank {name!r} (banks: {', '.join(self.banks)})")
        return bank

    def pin(self, name):
        """The pin called ``name`` ("gpx2-7", any case); LookupError if there is none."""
        try:
            bank_name, index = parse_pin_name(name)
        except ValueError as e:
            raise LookupError(str(e)) from None
        bank = self.bank(bank_name)
        if index >= len(bank.pins):
            raise LookupError(f"no GPIO pin {name!r}: {bank.name} has pins 0-{len(bank.pins) - 1}")
        return bank.pins[index]
