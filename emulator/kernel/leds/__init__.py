"""The LED class and the built-in leds-gpio driver (drivers/leds in Linux 3.14)."""
