"""The Exynos4x12 pin controllers as gpio chips (drivers/pinctrl/pinctrl-samsung.c and
pinctrl-exynos.c, 3.14): the banks in the driver's order, gpio numbers, and the register
accesses samsung_gpio_set/get/direction make, through the SoC's GPIO model on the bus.

Numbering (3.14): each controller probes in device-tree order and takes the next
`pin_base`; a bank's gpio base is its controller's base plus the pins of the banks before it
in the driver's table, so gpx2-7 is 235 and gpf3-4 is 68 on the FS4412.
"""

from dataclasses import dataclass

#: exynos4x12_pin_banks0..3 of pinctrl-exynos.c: (bank, pins), by controller address.
EXYNOS4X12_PIN_BANKS = {
    0x11400000: (("gpa0", 8), ("gpa1", 6), ("gpb", 8), ("gpc0", 5), ("gpc1", 5), ("gpd0", 4),
                 ("gpd1", 4), ("gpf0", 8), ("gpf1", 8), ("gpf2", 8), ("gpf3", 6), ("gpj0", 8),
                 ("gpj1", 5)),
    0x11000000: (("gpk0", 7), ("gpk1", 7), ("gpk2", 7), ("gpk3", 7), ("gpl0", 7), ("gpl1", 2),
                 ("gpl2", 8), ("gpm0", 8), ("gpm1", 7), ("gpm2", 5), ("gpm3", 8), ("gpm4", 8),
                 ("gpy0", 6), ("gpy1", 4), ("gpy2", 6), ("gpy3", 8), ("gpy4", 8), ("gpy5", 8),
                 ("gpy6", 8), ("gpx0", 8), ("gpx1", 8), ("gpx2", 8), ("gpx3", 8)),
    0x03860000: (("gpz", 7),),
    0x106E0000: (("gpv0", 8), ("gpv1", 8), ("gpv2", 8), ("gpv3", 8), ("gpv4", 2)),
}
CON, DAT, PUD, DRV = 0x0, 0x4, 0x8, 0xC
CON_INPUT, CON_OUTPUT = 0x0, 0x1


@dataclass
class GpioChip:
    """One bank as gpiolib sees it."""
    label: str
    base: int
    ngpio: int
    reg_base: int             # physical address of the bank's CON register
    controller: str           # the pinctrl device's name ("11000000.pinctrl")


class ExynosPinctrl:
    """Register-level pin operations (what samsung_gpio_* do) on the bus's GPIO model."""

    def __init__(self, bus, gpio_hw):
        self._bus, self._hw = bus, gpio_hw

    def chips(self, controllers):
        """GpioChips for the pinctrl devices [(reg address, device name)] in probe order."""
        chips, pin_base = [], 0
        for address, device in controllers:
            banks = EXYNOS4X12_PIN_BANKS.get(address)
            if banks is None:
                continue
            offset = 0
            for name, pins in banks:
                bank = self._hw.bank(name)
                chips.append(GpioChip(name, pin_base + offset, pins,
                                      bank.block.base + bank.spec.offset, device))
                offset += pins
            pin_base += offset
        return chips

    def _access(self, pa, value=None):
        self._bus.cover(pa)
        region = self._bus.region_at(pa)
        if value is None:
            self._bus.reads += 1
            return region.read(pa - region.base, 4)
        self._bus.writes += 1
        region.write(pa - region.base, 4, value)
        return None

    def set_direction(self, chip, offset, output):
        """samsung_pinmux_gpio_set_direction: the pin's 4-bit CON field, read-modify-write."""
        con = self._access(chip.reg_base + CON)
        shift = offset * 4
        con = (con & ~(0xF << shift)) | ((CON_OUTPUT if output else CON_INPUT) << shift)
        self._access(chip.reg_base + CON, con)

    def set(self, chip, offset, value):
        """samsung_gpio_set: DAT read-modify-write."""
        dat = self._access(chip.reg_base + DAT)
        dat = dat | (1 << offset) if value else dat & ~(1 << offset)
        self._access(chip.reg_base + DAT, dat)

    def get(self, chip, offset):
        """samsung_gpio_get: DAT >> offset & 1."""
        return (self._access(chip.reg_base + DAT) >> offset) & 1

    def _field(self, pa, offset, bits, value):
        reg = self._access(pa)
        shift, mask = offset * bits, (1 << bits) - 1
        self._access(pa, (reg & ~(mask << shift)) | ((value & mask) << shift))

    def configure(self, chip, offset, function=None, pud=None, drv=None):
        """samsung_pinmux_setup / samsung_pinconf_rw: a pin's CON, PUD and DRV fields."""
        if function is not None:
            self._field(chip.reg_base + CON, offset, 4, function)
        if pud is not None:
            self._field(chip.reg_base + PUD, offset, 2, pud)
        if drv is not None:
            self._field(chip.reg_base + DRV, offset, 2, drv)

    def is_output(self, chip, offset):
        bank = self._hw.bank(chip.label)
        return bank.con_fields[offset].get(bank.con_value()) == CON_OUTPUT
