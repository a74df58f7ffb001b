"""The input subsystem of the emulated 3.14 kernel (Linux drivers/input).

core.py       input_dev: allocate, register, input_event filtering and packets (input.c)
evdev.py      /dev/input/eventN: per-open event buffers, blocking read, poll, ioctls (evdev.c)
gpio_keys.py  the built-in gpio-keys driver for `gpio-keys` device tree nodes (gpio_keys.c)
"""
