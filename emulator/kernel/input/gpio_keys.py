"""The built-in gpio-keys driver (Linux drivers/input/keyboard/gpio_keys.c, 3.14) for
`gpio-keys` nodes of the user's device tree.

Each child with `gpios` is a button: `linux,code` (required: "Button without keycode"),
`label`, `linux,input-type` (EV_KEY by default), `debounce-interval` in ms (5 by default),
active low from the gpio flags; the node's `autorepeat` is accepted (repeats are not
modelled). The probe requests each gpio as an input and its interrupt on both edges under
the button's label (/proc/interrupts), and registers one input device named after the
platform device, phys "gpio-keys/input0", id 0019:0001:0001:0100. An edge re-arms the
button's debounce timer (mod_timer(jiffies + msecs_to_jiffies(debounce))); when it runs the
pin's level (xor active low) is reported with input_event + input_sync, so a bouncing
contact gives one press. 3.14 reports from a work item the timer schedules; here the
timer reports, at the same virtual time when the CPU is idle.
"""

from ..gpio.gpiolib import OF_GPIO_ACTIVE_LOW
from .core import BUS_HOST, EV_KEY, InputDev, PyBits, SYN_REPORT, EV_SYN

COMPATIBLE = "gpio-keys"
DEFAULT_DEBOUNCE_MS = 5
IRQF_TRIGGER_BOTH = 0x3
HZ = 200


def msecs_to_jiffies(ms):
    return (ms + 1000 // HZ - 1) // (1000 // HZ)


class Button:
    def __init__(self, gpio, desc, code, type_, active_low, debounce, label):
        self.gpio, self.desc, self.code, self.type = gpio, desc, code, type_
        self.active_low, self.debounce, self.label = active_low, debounce, label


class GpioKeys:
    def __init__(self, tree, gpio, irq_api, core, timers, log):
        """timers: the scheduler's TimerBases (a kernel timer per button)."""
        self._tree, self._gpio, self._irq, self._core = tree, gpio, irq_api, core
        self._timers, self._log = timers, log
        self.devices = []

    def _err(self, device_name, text):
        self._log.emit(3, False, f"gpio-keys {device_name}: {text}\n")

    def probe(self, node, device_name):
        buttons = []
        for child in node.children:
            if child.props.get("gpios") is None:
                self._log.emit(4, False, f"gpio-keys {device_name}: Found button without "
                                         f"gpios\n")
                continue
            found = self._tree.parse_phandle_with_args(child, "gpios", "#gpio-cells", 0)
            if isinstance(found, int) or len(found[1]) < 2:
                self._err(device_name, "Failed to get gpio flags, error: -22")
                return
            bank, args = found
            number = self._gpio.number(bank.name, args[0])
            code = child.cells("linux,code")
            if not code:
                self._err(device_name, f"Button without keycode: 0x{number:x}")
                return
            debounce = child.cells("debounce-interval")
            type_ = child.cells("linux,input-type")
            label = (child.strings("label") or ["gpio_keys"])[0]
            buttons.append(Button(number, None, code[0], type_[0] if type_ else EV_KEY,
                                  bool(args[1] & OF_GPIO_ACTIVE_LOW),
                                  debounce[0] if debounce else DEFAULT_DEBOUNCE_MS, label))
        if not buttons:
            return
        idev = InputDev(("gpio-keys", device_name), PyBits(), name=device_name,
                        phys="gpio-keys/input0", ids=(BUS_HOST, 0x0001, 0x0001, 0x0100))
        idev.sysfs_parent = f"/devices/{device_name}"
        for button in buttons:
            if not self._setup_key(device_name, idev, button):
                return
        self._core.register(idev)
        self.devices.append((idev, buttons))
        for button in buttons:                       # gpio_keys_report_state at open
            self._report(idev, button)

    def _setup_key(self, device_name, idev, button):
        if self._gpio.request(button.gpio, button.label):
            self._err(device_name, f"Failed to request GPIO {button.gpio}, error -16")
            return False
        button.desc = self._gpio.gpio_to_desc(button.gpio)
        self._gpio.gpiod_direction_input(button.desc)
        irq = self._gpio.gpiod_to_irq(button.desc)
        if irq & 0x80000000:
            self._err(device_name, f"Unable to get irq number for GPIO {button.gpio}, "
                                   f"error {irq - (1 << 32)}")
            return False
        idev.bits.assign("evbit", button.type, True)
        idev.bits.assign("keybit" if button.type == EV_KEY else "swbit", button.code, True)

        def isr(virq, button=button):
            key = ("gpio-keys", button.gpio)
            if button.debounce:
                self._timers.mod_kernel_timer(key, msecs_to_jiffies(button.debounce),
                                              lambda: self._report(idev, button))
            else:
                self._report(idev, button)
            return 1                                         # IRQ_HANDLED
        ret = self._irq.request_kernel_irq(irq, isr, IRQF_TRIGGER_BOTH, button.label,
                                           id(button))
        if ret:
            self._err(device_name, f"Unable to claim irq {irq}; error {ret}")
            return False
        return True

    def _report(self, idev, button):
        """gpio_keys_gpio_report_event: the level, xor active low; then a sync."""
        state = int(bool(self._gpio.gpiod_get_raw_value(button.desc))) ^ button.active_low
        self._core.event(idev, button.type, button.code, state)
        self._core.event(idev, EV_SYN, SYN_REPORT, 0)


__all__ = ["GpioKeys", "COMPATIBLE"]
