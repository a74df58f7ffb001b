"""gpiolib (drivers/gpio/gpiolib.c, devres.c, gpiolib-of.c; Linux 3.14).

Every gpio number 0..ARCH_NR_GPIOS-1 has a `struct gpio_desc` in guest memory (what
gpio_to_desc returns and desc_to_gpio maps back); the ones a pin bank covers belong to that
bank's chip. A module built on 3.14's headers calls gpio_request/gpio_free and, through the
inlines of linux/gpio.h, gpio_to_desc + gpiod_direction_*/gpiod_{get,set}_raw_value; each
reaches the bank's CON/DAT registers as pinctrl-samsung does. Requests conflict with -EBUSY;
a gpio beyond the banks has no chip (-EPROBE_DEFER from gpio_request, -EINVAL and
"invalid GPIO" from the direction calls, as 3.14).
"""

from dataclasses import dataclass

from .. import errno
from ..entry import signed
from ..hypercall import export

ARCH_NR_GPIOS = 512               # CONFIG_ARCH_NR_GPIO of the board
GPIO_DESC_SIZE = 12               # struct gpio_desc { chip, flags, label }
GPIOF_DIR_IN, GPIOF_INIT_HIGH, GPIOF_EXPORT = 1 << 0, 1 << 1, 1 << 2
OF_GPIO_ACTIVE_LOW = 0x1


@dataclass
class GpioState:
    """gpiolib's state of one GPIO: who requested it, active low or not."""
    label: str = ""
    requested: bool = False
    active_low: bool = False


def _neg(err):
    return -err & 0xFFFFFFFF


class Gpiolib:
    def __init__(self, vm, log, pinctrl, chips, early_alloc, tree, domains, core):
        """core: the device core (devres, and the ledger that tells rmmod of held gpios)."""
        self._vm, self._log, self._pinctrl = vm, log, pinctrl
        self.chips = chips
        self._tree, self._domains, self._core = tree, domains, core
        self._by_gpio = {}
        for chip in chips:
            for i in range(chip.ngpio):
                self._by_gpio[chip.base + i] = (chip, i)
        self.descs = early_alloc.alloc(ARCH_NR_GPIOS * GPIO_DESC_SIZE, zero=True)
        self.state = {}

    # -- numbers and descriptors -------------------------------------------------------------
    def _desc(self, gpio):
        return self.descs + gpio * GPIO_DESC_SIZE

    def _gpio(self, desc):
        """The gpio number of a descriptor pointer, None for NULL/foreign pointers."""
        off = desc - self.descs
        if not desc or off < 0 or off % GPIO_DESC_SIZE or off // GPIO_DESC_SIZE >= ARCH_NR_GPIOS:
            return None
        return off // GPIO_DESC_SIZE

    def chip_of(self, gpio):
        return self._by_gpio.get(gpio)

    def number(self, bank, pin):
        """gpio number of (bank label, pin), or None."""
        for chip in self.chips:
            if chip.label == bank and pin < chip.ngpio:
                return chip.base + pin
        return None

    def _warn(self, text):
        self._log.emit(4, False, text + "\n")

    @export()
    def gpio_to_desc(self, gpio):
        gpio = signed(gpio)
        if not 0 <= gpio < ARCH_NR_GPIOS:
            self._warn(f"WARNING: at drivers/gpio/gpiolib.c:159 gpio_to_desc(): "
                       f"invalid GPIO {gpio}")
            return 0
        return self._desc(gpio)

    @export()
    def desc_to_gpio(self, desc):
        return (desc - self.descs) // GPIO_DESC_SIZE & 0xFFFFFFFF

    # -- requests ----------------------------------------------------------------------------
    def request(self, gpio, label):
        """gpiod_request: 0, -EBUSY, -EPROBE_DEFER (no chip) or -EINVAL (no descriptor)."""
        if gpio is None:
            self._warn("gpiod_request: invalid GPIO")
            return -errno.EINVAL
        if self.chip_of(gpio) is None:
            return -errno.EPROBE_DEFER
        state = self.state.setdefault(gpio, GpioState())
        if state.requested:
            return -errno.EBUSY
        state.requested, state.label = True, label or "?"
        self._core.ledger.acquire("gpio", gpio, self._core.caller(), f'gpio {gpio} "{state.label}"')
        return 0

    def free(self, gpio):
        state = self.state.get(gpio)
        if state is not None and state.requested:
            state.requested, state.label, state.active_low = False, "", False
            self._core.ledger.release("gpio", gpio)

    def _label(self, va):
        return self._vm.read_cstr(va).decode("utf-8", "replace") if va else None

    @export()
    def gpio_request(self, gpio, label):
        return self.request(self._gpio(self.gpio_to_desc(gpio)), self._label(label)) & 0xFFFFFFFF

    @export()
    def gpio_free(self, gpio):
        desc = self.gpio_to_desc(gpio)
        if desc:
            self.free(self._gpio(desc))

    def request_one(self, gpio, flags, label):
        desc = self.gpio_to_desc(gpio)
        err = self.request(self._gpio(desc), label)
        if err:
            return err
        if flags & GPIOF_DIR_IN:
            err = signed(self.gpiod_direction_input(desc))
        else:
            err = signed(self.gpiod_direction_output(desc, 1 if flags & GPIOF_INIT_HIGH else 0))
        if not err and flags & GPIOF_EXPORT:
            err = -errno.ENOSYS                       # no CONFIG_GPIO_SYSFS on the board
        if err:
            self.free(self._gpio(desc))
        return err

    @export()
    def gpio_request_one(self, gpio, flags, label):
        return self.request_one(gpio, flags, self._label(label)) & 0xFFFFFFFF

    @export()
    def gpio_request_array(self, array, num):
        """struct gpio { unsigned gpio; unsigned long flags; const char *label; }[num]."""
        for i in range(num):
            gpio, flags, label = (self._vm.read_u32(array + 12 * i + k) for k in (0, 4, 8))
            err = self.request_one(gpio, flags, self._label(label))
            if err:
                for j in range(i):
                    self.gpio_free(self._vm.read_u32(array + 12 * j))
                return err & 0xFFFFFFFF
        return 0

    @export()
    def gpio_free_array(self, array, num):
        for i in range(num):
            self.gpio_free(self._vm.read_u32(array + 12 * i))

    # -- direction and value -----------------------------------------------------------------
    def _chip_for(self, desc, what):
        gpio = self._gpio(desc)
        found = self.chip_of(gpio) if gpio is not None else None
        if found is None:
            self._warn(f"{what}: invalid GPIO")
        return gpio, found

    def _ensure_requested(self, gpio):
        state = self.state.setdefault(gpio, GpioState())
        if not state.requested:
            self._warn(f"WARNING: at drivers/gpio/gpiolib.c gpio_ensure_requested(): "
                       f"autorequest GPIO-{gpio}")
            state.requested, state.label = True, "[auto]"

    @export()
    def gpiod_direction_input(self, desc):
        gpio, found = self._chip_for(desc, "gpiod_direction_input")
        if found is None:
            return _neg(errno.EINVAL)
        self._ensure_requested(gpio)
        self._pinctrl.set_direction(*found, output=False)
        return 0

    @export()
    def gpiod_direction_output(self, desc, value):
        gpio, found = self._chip_for(desc, "gpiod_direction_output")
        if found is None:
            return _neg(errno.EINVAL)
        if self.state.get(gpio, GpioState()).active_low:
            value = not value
        self._ensure_requested(gpio)
        self._pinctrl.set(*found, value)                 # samsung_gpio_direction_output
        self._pinctrl.set_direction(*found, output=True)
        return 0

    def _value_target(self, desc, what):
        gpio = self._gpio(desc)
        if gpio is None:
            return None
        found = self.chip_of(gpio)
        if found is None:
            # 3.14 dereferences desc->chip (NULL) here: an oops on the board.
            self._log.emit(1, False, f"Unable to handle kernel NULL pointer dereference: "
                                     f"{what}() on GPIO {gpio}, which no chip provides\n")
        return found

    @export()
    def gpiod_get_raw_value(self, desc):
        found = self._value_target(desc, "gpiod_get_raw_value")
        return self._pinctrl.get(*found) if found else 0

    @export()
    def gpiod_set_raw_value(self, desc, value):
        found = self._value_target(desc, "gpiod_set_raw_value")
        if found:
            self._pinctrl.set(*found, value)

    @export()
    def gpiod_get_raw_value_cansleep(self, desc):
        return self.gpiod_get_raw_value(desc)

    @export()
    def gpiod_set_raw_value_cansleep(self, desc, value):
        self.gpiod_set_raw_value(desc, value)

    def _active_low(self, desc):
        gpio = self._gpio(desc)
        return gpio is not None and self.state.get(gpio, GpioState()).active_low

    @export()
    def gpiod_get_value(self, desc):
        return self.gpiod_get_raw_value(desc) ^ int(self._active_low(desc))

    @export()
    def gpiod_set_value(self, desc, value):
        self.gpiod_set_raw_value(desc, int(bool(value)) ^ int(self._active_low(desc)))

    @export()
    def gpiod_get_value_cansleep(self, desc):
        return self.gpiod_get_value(desc)

    @export()
    def gpiod_set_value_cansleep(self, desc, value):
        self.gpiod_set_value(desc, value)

    @export()
    def gpiod_is_active_low(self, desc):
        return int(self._active_low(desc))

    @export()
    def gpiod_to_irq(self, desc):
        """samsung_gpio_to_irq: a mapping in the bank's EINT domain; -ENXIO without one."""
        gpio = self._gpio(desc)
        found = self.chip_of(gpio) if gpio is not None else None
        if found is None or not self._domains.has(found[0].label):
            return _neg(errno.ENXIO)
        virq = self._domains.create_mapping(found[0].label, found[1])
        return virq if virq else _neg(errno.ENXIO)

    # -- device tree -------------------------------------------------------------------------
    @export()
    def of_get_named_gpiod_flags(self, node, list_name, index, flags):
        """The descriptor of entry index of a gpio list (<&gpx2 7 1>), ERR_PTR otherwise."""
        n = self._tree.node(node)
        name = self._label(list_name)
        if flags:
            self._vm.write_u32(flags, 0)
        if n is None or name is None:
            return _neg(errno.EINVAL)
        found = self._tree.parse_phandle_with_args(n, name, "#gpio-cells", index)
        if isinstance(found, int):
            return _neg(-found)
        bank, args = found
        if "gpio-controller" not in bank.props or len(args) < 2:
            return _neg(errno.EINVAL)
        gpio = self.number(bank.name, args[0])
        if gpio is None:
            return _neg(errno.EPROBE_DEFER)
        if flags:
            self._vm.write_u32(flags, args[1] & OF_GPIO_ACTIVE_LOW)
        return self._desc(gpio)

    # -- pinctrl states ------------------------------------------------------------------------
    def apply_default_state(self, node, device_name):
        """pinctrl_bind_pins at probe: the "default" state's groups (samsung,pins with
        samsung,pin-function/-pud/-drv) written to the pins' registers. 0 or -errno."""
        names = node.strings("pinctrl-names") or []
        if "default" not in names or f"pinctrl-{names.index('default')}" not in node.props:
            return 0
        for phandle in node.cells(f"pinctrl-{names.index('default')}"):
            group = self._tree.by_phandle.get(phandle)
            if group is None:
                self._log.emit(3, False, f"{device_name}: invalid pinctrl-0 phandle {phandle}\n")
                return -errno.EINVAL
            values = {k: (group.cells(f"samsung,pin-{k}") or [None])[0]
                      for k in ("function", "pud", "drv")}
            for pin in group.strings("samsung,pins") or []:
                bank, _, index = pin.rpartition("-")
                number = self.number(bank, int(index)) if index.isdigit() else None
                if number is None:
                    self._log.emit(3, False, f"samsung-pinctrl: pin {pin} not found for "
                                             f"{device_name}\n")
                    return -errno.EINVAL
                self._pinctrl.configure(*self._by_gpio[number], **values)
        return 0

    # -- managed requests ----------------------------------------------------------------------
    def _devres(self, dev, gpio):
        d = self._core.devices.get(dev) or self._core.initialize(dev)
        d.devres.append((("gpio", gpio), lambda: self.gpio_free(gpio)))

    @export()
    def devm_gpio_request(self, dev, gpio, label):
        ret = self.gpio_request(gpio, label)
        if ret == 0:
            self._devres(dev, gpio)
        return ret

    @export()
    def devm_gpio_request_one(self, dev, gpio, flags, label):
        ret = self.gpio_request_one(gpio, flags, label)
        if ret == 0:
            self._devres(dev, gpio)
        return ret

    @export()
    def devm_gpio_free(self, dev, gpio):
        d = self._core.devices.get(dev)
        for i, (what, _) in enumerate(d.devres if d else []):
            if what == ("gpio", gpio):
                d.devres.pop(i)
                break
        self.gpio_free(gpio)

    # -- /sys/kernel/debug/gpio ----------------------------------------------------------------
    def debugfs(self):
        out = []
        for chip in self.chips:
            held = [i for i in range(chip.ngpio)
                    if self.state.get(chip.base + i, GpioState()).requested]
            out.append(f"{'' if not out else chr(10)}GPIOs {chip.base}-{chip.base + chip.ngpio - 1}"
                       f", platform/{chip.controller}, {chip.label}:\n")
            for i in held:
                gpio = chip.base + i
                state = self.state[gpio]
                out.append(f" gpio-{gpio:<3d} ({state.label[:20]:<20}) "
                           f"{'out' if self._pinctrl.is_output(chip, i) else 'in '} "
                           f"{'hi' if self._pinctrl.get(chip, i) else 'lo'}\n")
        return "".join(out)
