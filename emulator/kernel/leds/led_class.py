"""The LED class (drivers/leds/led-class.c, led-core.c, Linux 3.14): led_classdev_register
makes /sys/class/leds/NAME with brightness, max_brightness and trigger; writing brightness
clamps to max_brightness and calls the driver's brightness_set, as __led_set_brightness
does. LEDs of the built-in leds-gpio driver are Python-side classdevs of the same class.

Note: the FS4412 kernel's .config has no CONFIG_NEW_LEDS; the class is offered because
course LED-class drivers target kernels that have it.
"""

from dataclasses import dataclass

from .. import errno
from ..abi import LED_CLASSDEV
from ..hypercall import export

LED_OFF, LED_FULL = 0, 255
LED_SUSPENDED = 1 << 0
TRIGGERS = ("none",)            # no LED triggers are built (no CONFIG_LEDS_TRIGGERS)


@dataclass
class Led:
    """An LED class device (struct led_classdev): its brightness and trigger."""
    name: str
    max_brightness: int
    brightness: int
    set_brightness: object        # callable(value): the driver's brightness_set
    va: int = 0                   # guest struct led_classdev (0: a built-in LED)
    dev: int = 0                  # its struct device
    trigger: str = "none"


class LedClass:
    def __init__(self, core, device_api, call_host, call_guest):
        """call_host(fn, args): a guest call from the console (sysfs writes);
        call_guest(fn, args): one from inside a kernel service (register/unregister)."""
        self.core, self._api = core, device_api
        self._call_host, self._call_guest = call_host, call_guest
        self.vm = core.vm
        self.leds = {}                # name -> Led
        self._class = 0

    def class_init(self):
        """leds_init (subsys_initcall): the "leds" class, owned by the kernel."""
        self._class = self._api.class_create(0, self.core.cstr("leds"), 0)

    def _leds_class(self):
        return self._class

    # -- the class ---------------------------------------------------------------------------
    def add(self, led, parent=0):
        """led_classdev_register's work for a Led: device, sysfs attributes."""
        if led.name in self.leds:
            return -errno.EEXIST
        led.dev = self._api.create(self._leds_class(), parent, 0, led.va, led.name)
        self.core.ledger.release("device", led.dev)      # one entry: the classdev below
        if led.va:
            self.core.ledger.acquire("led_classdev", led.va, self.core.caller(),
                                     f'LED class device "{led.name}"')
        d = self.core.devices[led.dev]
        base = f"/sys/class/leds/{led.name}"
        vfs = self.core.vfs
        vfs.add_virtual(base + "/brightness", lambda: f"{led.brightness}\n",
                        lambda data: self._store_brightness(led, data))
        # a process's write (inside its syscall: brightness_set is a nested guest call)
        vfs.proc[base + "/brightness"].store = \
            lambda data: self._store_brightness(led, data, host=False)
        d.sysfs.append(base + "/brightness")
        self.core.add_sysfs(d, base + "/max_brightness", lambda: f"{led.max_brightness}\n")
        vfs.add_virtual(base + "/trigger", lambda: self._show_trigger(led),
                        lambda data: self._store_trigger(led, data))
        vfs.proc[base + "/trigger"].store = lambda data: self._store_trigger(led, data)
        d.sysfs.append(base + "/trigger")
        self.leds[led.name] = led
        return 0

    def remove(self, led):
        """led_classdev_unregister: brightness off, then the device goes."""
        self.set(led, LED_OFF, host=False)
        self._api.device_unregister(led.dev)
        self.core.ledger.release("led_classdev", led.va)
        self.leds.pop(led.name, None)

    def set(self, led, value, host=True):
        """__led_set_brightness: clamp, record, call brightness_set."""
        value = min(value, led.max_brightness)
        led.brightness = value
        if led.va:
            self.vm.write_u32(led.va + LED_CLASSDEV["brightness"], value)
        led.set_brightness(value, host)

    def _store_brightness(self, led, data, host=True):
        """host: from the console (a top-level guest call), else from a process's write."""
        text = data.decode("ascii", "replace").strip()
        if not text.isdigit():
            return -errno.EINVAL
        self.set(led, int(text), host)
        return 0

    def _show_trigger(self, led):
        return " ".join(f"[{t}]" if t == led.trigger else t for t in TRIGGERS) + "\n"

    def _store_trigger(self, led, data):
        name = data.decode("ascii", "replace").strip()
        if name not in TRIGGERS:
            return -errno.EINVAL
        led.trigger = name
        return 0

    # -- exports for modules -------------------------------------------------------------------
    @export()
    def led_classdev_register(self, parent, cdev):
        vm = self.vm
        name = self.core.str_at(vm.read_u32(cdev + LED_CLASSDEV["name"]))
        if not vm.read_u32(cdev + LED_CLASSDEV["max_brightness"]):
            vm.write_u32(cdev + LED_CLASSDEV["max_brightness"], LED_FULL)
        set_fn = vm.read_u32(cdev + LED_CLASSDEV["brightness_set"])

        def brightness_set(value, host, cdev=cdev):
            if set_fn:
                (self._call_host if host else self._call_guest)(set_fn, (cdev, value))

        led = Led(name, vm.read_u32(cdev + LED_CLASSDEV["max_brightness"]),
                  vm.read_u32(cdev + LED_CLASSDEV["brightness"]), brightness_set, cdev)
        ret = self.add(led, parent)
        if ret:
            return ret & 0xFFFFFFFF
        vm.write_u32(cdev + LED_CLASSDEV["dev"], led.dev)
        return 0

    @export()
    def led_classdev_unregister(self, cdev):
        for led in list(self.leds.values()):
            if led.va == cdev:
                self.remove(led)
                self.vm.write_u32(cdev + LED_CLASSDEV["dev"], 0)
                return

    @export()
    def led_set_brightness(self, cdev, value):
        for led in self.leds.values():
            if led.va == cdev:
                self.set(led, value, host=False)
                return
