"""The built-in leds-gpio driver (drivers/leds/leds-gpio.c, 3.14) for `gpio-leds` nodes:
each child with `gpios` becomes an LED class device named by its `label` (or node name),
its gpio requested and set to output per `default-state` ("on", "keep", else off), active
low from the gpio flags; brightness drives the gpio through gpiolib."""

from ..gpio.gpiolib import OF_GPIO_ACTIVE_LOW
from .led_class import LED_FULL, LED_OFF, Led

COMPATIBLE = "gpio-leds"


class LedsGpio:
    def __init__(self, tree, gpio, leds, log):
        self._tree, self._gpio, self._leds, self._log = tree, gpio, leds, log

    def probe(self, node, device_name):
        for child in node.children:
            cells = child.cells("gpios")
            found = self._tree.parse_phandle_with_args(child, "gpios", "#gpio-cells", 0) \
                if cells else -2
            if isinstance(found, int):
                continue
            bank, args = found
            number = self._gpio.number(bank.name, args[0]) if len(args) >= 2 else None
            if number is None:
                self._log.emit(3, False, f"leds-gpio {device_name}: Failed to get gpio flags, "
                                         f"error: -517\n")
                continue
            label = (child.strings("label") or [child.short_name])[0]
            active_low = bool(args[1] & OF_GPIO_ACTIVE_LOW)
            state = (child.strings("default-state") or ["off"])[0]
            if self._gpio.request(number, label):
                self._log.emit(3, False, f"leds-gpio {device_name}: gpio {number} busy\n")
                continue
            desc = self._gpio.gpio_to_desc(number)
            on = self._gpio.gpiod_get_raw_value(desc) ^ active_low if state == "keep" \
                else state == "on"
            self._gpio.gpiod_direction_output(desc, int(on) ^ active_low)

            def set_brightness(value, host, desc=desc, active_low=active_low):
                self._gpio.gpiod_set_raw_value(desc, int(value != LED_OFF) ^ active_low)

            self._leds.add(Led(label, LED_FULL, LED_FULL if on else LED_OFF, set_brightness))
