"""The interrupt API modules import (Linux kernel/irq/manage.c, 3.14).

request_irq() is an inline wrapper of request_threaded_irq() in 3.14's <linux/interrupt.h>
(a thread_fn runs in its own kernel thread: thread.py), devm_request_irq() of
devm_request_threaded_irq(),
as gpio_to_irq() is of gpiod_to_irq() (kernel/gpio/gpiolib.py). A descriptor is enabled
(its chip unmasked) by its first action and disabled again when the last one is freed; disable_irq() nests. Sharing
follows __setup_irq: every action on a line must pass IRQF_SHARED and agree on the trigger
type, and a shared action needs a dev_id. Each requested line is recorded in the resource
ledger, so rmmod reports a module that did not free_irq().
"""

from ..errno import EBUSY, EINVAL
from ..hypercall import export
from .desc import IRQ_TYPE_NONE, IRQ_TYPE_SENSE_MASK, IRQ_WAKE_THREAD, IrqAction

IRQF_TRIGGER_MASK = 0x0F
IRQF_SHARED = 0x80
IRQF_PROBE_SHARED = 0x100
IRQF_NO_THREAD = 0x10000
IRQF_ONESHOT = 0x2000
#: The handler address shown for an action requested with handler NULL (a Python one).
IRQ_DEFAULT_PRIMARY = 0


class IrqApi:
    def __init__(self, chips, descs, domains, gpio_banks, vm, ledger, printk, caller, handler,
                 threads=None, devres=None):
        """gpio_banks: [(bank name, pins)] in the board's 3.14 gpio numbering order;
        handler: the IrqHandler (synchronize_irq waits for nothing: one CPU); threads() -> the
        irq threads (thread.py); devres() -> the driver model's Devres (devm_request_irq)."""
        self.chips, self.descs, self.domains = chips, descs, domains
        self._vm, self._ledger, self._printk, self._caller = vm, ledger, printk, caller
        self._handler = handler
        self._devres, self._threads = devres, threads
        self._gpio = []
        base = 0
        for name, pins in gpio_banks:
            self._gpio.append((base, name, pins))
            base += pins

    def _desc(self, virq):
        """The descriptor of a virq: made on first use for a mapping the device tree created
        at boot (irq_of_parse_and_map, platform_get_irq), as irq_create_mapping had."""
        desc = self.descs.get(virq)
        if desc is None:
            found = self.domains.find(virq)
            if found is not None:
                desc = self.chips.desc(*found)
        return desc

    # -- request / free ------------------------------------------------------------------------
    @export()
    def request_threaded_irq(self, irq, handler, thread_fn, irqflags, devname, dev_id):
        desc = self._desc(irq)
        if desc is None:
            return -EINVAL
        if irqflags & IRQF_SHARED and not dev_id:
            return -EINVAL
        if not handler:
            if not thread_fn:
                return -EINVAL
            if not irqflags & IRQF_ONESHOT:    # no irq_chip here is IRQCHIP_ONESHOT_SAFE
                self._printk(3, f"genirq: Threaded irq requested with handler=NULL and "
                                f"!ONESHOT for irq {irq}")
                return -EINVAL
        name = self._vm.read_cstr(devname).decode("latin-1") if devname else ""
        action = IrqAction(handler or IRQ_DEFAULT_PRIMARY, irqflags, name, dev_id,
                           thread_fn=thread_fn, name_va=devname)
        if not handler:
            action.py = lambda virq: IRQ_WAKE_THREAD       # irq_default_primary_handler
        ret = self._setup(irq, desc, action)
        if ret == 0:
            self._ledger.acquire("irq", (irq, dev_id), self._caller(), f"irq {irq} ({name})")
        return ret

    def request_kernel_irq(self, irq, handler, irqflags, name, dev_id):
        """request_irq for a driver of the kernel image (gpio-keys): handler(virq) is Python,
        the line is the kernel's (no ledger entry)."""
        desc = self._desc(irq)
        if desc is None:
            return -EINVAL
        return self._setup(irq, desc, IrqAction(0, irqflags, name, dev_id, py=handler,
                                                module_owned=False))

    def _setup(self, irq, desc, action):
        """__setup_irq: sharing and trigger checks, the thread, enabling the line."""
        irqflags, name = action.flags, action.name
        trigger = irqflags & IRQF_TRIGGER_MASK
        if desc.actions:
            old = desc.actions[0]
            if not (old.flags & irqflags & IRQF_SHARED) or (
                    (old.flags ^ irqflags) & IRQF_TRIGGER_MASK and trigger) or (
                    (old.flags ^ irqflags) & IRQF_ONESHOT):
                if not (irqflags & IRQF_PROBE_SHARED):
                    self._printk(3, f"genirq: Flags mismatch irq {irq}. {irqflags:08x} ({name}) "
                                    f"vs. {old.flags:08x} ({old.name})")
                return -EBUSY
        elif trigger != IRQ_TYPE_NONE:
            ret = self._set_type(desc, trigger)
            if ret:
                return ret
        if action.thread_fn:
            self._threads().start(desc, action)
        desc.actions.append(action)
        desc.oneshot = bool(irqflags & IRQF_ONESHOT)
        if len(desc.actions) == 1:
            desc.depth = 0
            desc.unhandled = desc.window = 0
            desc.spurious_disabled = False
            desc.chip.unmask(desc.hwirq)
        return 0

    def _set_type(self, desc, trigger):
        ret = desc.chip.set_type(desc.hwirq, trigger & IRQ_TYPE_SENSE_MASK)
        if ret:
            self._printk(3, f"genirq: Setting trigger mode {trigger} for irq {desc.virq} "
                            f"failed ({self._handler.symbolize(self._caller())})")
            return ret
        desc.trigger = trigger
        if desc.domain != "gic":
            desc.flow = "edge" if trigger & 0x3 else "level"   # exynos_*_irq_set_type
        return 0

    @export()
    def free_irq(self, irq, dev_id):
        desc = self._desc(irq)
        action = next((a for a in desc.actions if a.dev_id == dev_id), None) if desc else None
        if action is None:
            self._printk(4, "WARNING: CPU: 0 at kernel/irq/manage.c:1249 __free_irq()")
            self._printk(4, f"Trying to free already-free IRQ {irq}")
            return None
        desc.actions.remove(action)
        if action.module_owned:
            self._ledger.release("irq", (irq, dev_id))
        if action.thread is not None:
            self._threads().stop(desc, action)
        if not desc.actions:
            desc.chip.mask(desc.hwirq)
            desc.depth = 1
            desc.oneshot = desc.oneshot_masked = False
        return None

    # -- enable / disable ----------------------------------------------------------------------
    @export()
    def disable_irq_nosync(self, irq):
        desc = self._desc(irq)
        if desc is None:
            return
        if desc.depth == 0:
            desc.chip.mask(desc.hwirq)
        desc.depth += 1

    @export()
    def disable_irq(self, irq):
        self.disable_irq_nosync(irq)        # one CPU and no threads: no handler to wait for

    @export()
    def enable_irq(self, irq):
        desc = self._desc(irq)
        if desc is None:
            return
        if desc.depth == 0:
            self._printk(4, "WARNING: CPU: 0 at kernel/irq/manage.c:437 __enable_irq()")
            self._printk(4, f"Unbalanced enable for IRQ {irq}")
            return
        desc.depth -= 1
        if desc.depth == 0:
            desc.chip.unmask(desc.hwirq)

    @export()
    def synchronize_irq(self, irq):
        return None

    # -- managed (kernel/irq/devres.c): freed when the device's devres is released ---------------
    @export()
    def devm_request_threaded_irq(self, dev, irq, handler, thread_fn, irqflags, devname, dev_id):
        ret = self.request_threaded_irq(irq, handler, thread_fn, irqflags, devname, dev_id)
        if ret == 0:
            self._devres().add(dev, ("irq", irq, dev_id), lambda: self.free_irq(irq, dev_id))
        return ret

    @export()
    def devm_free_irq(self, dev, irq, dev_id):
        if self._devres().remove(dev, ("irq", irq, dev_id)) is None:
            self._printk(4, "WARNING: CPU: 0 at kernel/irq/devres.c:103 devm_free_irq()")
        self.free_irq(irq, dev_id)

    @export()
    def irq_set_irq_type(self, irq, trigger):
        desc = self._desc(irq)
        return -EINVAL if desc is None else self._set_type(desc, trigger)
