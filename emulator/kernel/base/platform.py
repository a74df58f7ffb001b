"""The platform bus and managed resources (drivers/base/platform.c, dd.c, devres.c, 3.14).

Devices come from the device tree at boot (of_platform_populate: root nodes with a
compatible, children of simple-bus nodes, status okay) or from modules
(platform_device_register & co.). Drivers match in 3.14's order: of_match_table, then
id_table, then the driver's name; a probe runs as guest code on the registering module's
stack. A failing probe releases the device's devres and is reported as really_probe does,
and the driver stays registered.
"""

import struct

from .. import errno
from ..abi import (DEVICE, DEVICE_DRIVER, KOBJECT, PLATFORM_DEVICE, PLATFORM_DEVICE_ID,
                   PLATFORM_DEVICE_INFO, PLATFORM_DRIVER, RESOURCE)
from ..entry import signed
from ..hypercall import export
from ..of.address import reg_entries
from .core import err_ptr

IORESOURCE_IO, IORESOURCE_MEM, IORESOURCE_IRQ = 0x100, 0x200, 0x400
IORESOURCE_TYPE_BITS = 0x1F00
SIMPLE_BUS = ("simple-bus",)


class PlatformBus:
    def __init__(self, core, tree, of_irq, resources, static, pin_states=None):
        """static: boot memory (EarlyAlloc) for platform_bus_type and platform_bus;
        pin_states(node, device name) -> 0 | -errno: the pinctrl "default" state applied
        before probe (gpiolib)."""
        self.core, self.tree, self.of_irq, self._res = core, tree, of_irq, resources
        self.vm = core.vm
        self.devices = []           # platform_device vas, in registration order
        self.drivers = []           # platform_driver vas
        self._node_of = {}          # platform_device va -> DtNode
        self._no_reg_magic = 0
        self._builtin = []          # (compatible, guest device_driver, probe(node, name))
        self.pin_states = pin_states
        self._claimed = {}          # platform_device va -> [Resource] inserted by device_add
        self.bus_va = core.bus_type("platform", static)              # platform_bus_type
        self.bus_dev = core.static_object(static, DEVICE.size,          # platform_bus
                                          DEVICE["kobj"] + KOBJECT["name"], "platform")
        core.initialize(self.bus_dev).name = "platform"
        core.buses[self.bus_va] = lambda: [p + PLATFORM_DEVICE["dev"] for p in self.devices]

    # -- built-in drivers -----------------------------------------------------------------------
    def register_builtin(self, name, compatible, probe):
        """A driver of the kernel image (leds-gpio): probe(node, device name) in Python."""
        self._builtin.append((compatible, self._builtin_driver(name), probe))

    def _builtin_driver(self, name):
        drv = self.core.kmalloc.alloc(DEVICE_DRIVER.size, zero=True)
        self.vm.write_u32(drv + DEVICE_DRIVER["name"], self.core.cstr(name))
        self.vm.write_u32(drv + DEVICE_DRIVER["bus"], self.bus_va)
        self.core.vfs.add_virtual_dir(f"/sys/bus/platform/drivers/{name}")
        return drv

    def bind_builtin(self, name, compatible, probe):
        """(issue 13) A driver of the kernel image registered after populate (an initcall
        such as i2c-s3c2410's): probe(dev, node, device name) -> 0 or -errno, in Python, for
        each unbound device whose node is compatible; a failure is reported as really_probe
        does."""
        drv = self._builtin_driver(name)
        for pdev in list(self.devices):
            node, dev = self._node_of.get(pdev), pdev + PLATFORM_DEVICE["dev"]
            if node is None or self.vm.read_u32(dev + DEVICE["driver"]) or \
                    not self.tree.compatible_score(node, compatible):
                continue
            self.vm.write_u32(dev + DEVICE["driver"], drv)
            devname = self.core.name_of(dev)
            ret = self.pin_states(node, devname) if self.pin_states else 0
            ret = ret or probe(dev, node, devname)
            if ret == 0:
                self.core.vfs.add_virtual(f"/sys/bus/platform/drivers/{name}/{devname}/uevent",
                                          lambda pdev=pdev: self._uevent(pdev))
                continue
            self.core.release_devres(dev)
            self.vm.write_u32(dev + DEVICE["driver"], 0)
            self.core.log.emit(4, False, f"{name}: probe of {devname} failed with error {ret}\n")

    def _probe_builtin(self, pdev):
        dev = pdev + PLATFORM_DEVICE["dev"]
        node = self._node_of.get(pdev)
        for compatible, drv, probe in self._builtin:
            if node is not None and self.tree.compatible_score(node, compatible):
                self.vm.write_u32(dev + DEVICE["driver"], drv)
                name = self.core.name_of(dev)
                probe(node, name)
                self.core.vfs.add_virtual(f"/sys/bus/platform/drivers/"
                                          f"{self.core.str_at(self.vm.read_u32(drv))}/{name}/"
                                          "uevent", lambda: self._uevent(pdev))
                return

    # -- boot: of_platform_populate ----------------------------------------------------------
    def populate(self):
        self.core.vfs.add_virtual_dir("/sys/bus/platform/devices")
        self.core.vfs.add_virtual_dir("/sys/bus/platform/drivers")
        for node in self.tree.root.children:
            self._create(node, bus=True)

    def _create(self, node, bus):
        if not node.strings("compatible") or not self.tree.available(node):
            return
        pdev = self._alloc("", -1)
        dev = pdev + PLATFORM_DEVICE["dev"]
        entries = reg_entries(node)
        if entries:
            name = f"{entries[0][0]:x}.{node.short_name}"
        else:
            name = f"{node.short_name}.{self._no_reg_magic}"
            self._no_reg_magic += 1
        full_name = self.tree.full_name_va(node)
        reg_names = node.strings("reg-names") or []
        resources = [(a, a + s - 1, IORESOURCE_MEM,
                      self.core.cstr(reg_names[i]) if i < len(reg_names) else full_name)
                     for i, (a, s) in enumerate(entries)]
        irq_names = node.strings("interrupt-names") or []
        for i in range(self.of_irq.count(node)):
            virq = self.of_irq.parse_and_map(node, i)
            resources.append((virq, virq, IORESOURCE_IRQ | self.of_irq.trigger(node, i),
                              self.core.cstr(irq_names[i]) if i < len(irq_names) else full_name))
        self._set_resources(pdev, resources)
        self.vm.write_u32(dev + DEVICE["of_node"], self.tree.va_of[node])
        self._node_of[pdev] = node
        self.core.set_name(dev, name)
        self._add(pdev)
        self._probe_builtin(pdev)
        if self.tree.compatible_score(node, "samsung,exynos4x12-pinctrl"):
            self.of_irq.add_pinctrl_domains(node)          # samsung_pinctrl_probe
        if bus and any(self.tree.compatible_score(node, c) for c in SIMPLE_BUS):
            for child in node.children:
                self._create(child, bus=True)

    # -- devices ---------------------------------------------------------------------------
    def _alloc(self, name, pid):
        va = self.core.kmalloc.alloc(PLATFORM_DEVICE.size + len(name) + 1, zero=True)
        if not va:
            return 0
        self.vm.write(va + PLATFORM_DEVICE.size, name.encode() + b"\0")
        self.vm.write_u32(va + PLATFORM_DEVICE["name"], va + PLATFORM_DEVICE.size)
        self.vm.write_u32(va + PLATFORM_DEVICE["id"], pid)
        d = self.core.initialize(va + PLATFORM_DEVICE["dev"])
        allocator = self.core.kmalloc                   # boot memory for populated devices
        d.free = lambda: allocator.free(va)
        return va

    def _set_resources(self, pdev, resources):
        if not resources:
            return
        array = self.core.kmalloc.alloc(RESOURCE.size * len(resources), zero=True)
        data = bytearray(RESOURCE.size * len(resources))
        for i, (start, end, flags, name) in enumerate(resources):
            r = i * RESOURCE.size
            for field, value in (("start", start), ("end", end), ("flags", flags),
                                 ("name", name)):
                struct.pack_into("<I", data, r + RESOURCE[field], value)
        self.vm.write(array, bytes(data))
        self.vm.write_u32(pdev + PLATFORM_DEVICE["resource"], array)
        self.vm.write_u32(pdev + PLATFORM_DEVICE["num_resources"], len(resources))

    def _add(self, pdev):
        dev = pdev + PLATFORM_DEVICE["dev"]
        self.vm.write_u32(dev + DEVICE["bus"], self.bus_va)
        name = self.core.name_of(dev)
        self.devices.append(pdev)
        self.core.vfs.add_virtual(f"/sys/bus/platform/devices/{name}/uevent",
                                  lambda: self._uevent(pdev))
        for drv in list(self.drivers):
            if not self.vm.read_u32(dev + DEVICE["driver"]) and self._match(pdev, drv):
                self._probe(pdev, drv)

    def _uevent(self, pdev):
        node = self._node_of.get(pdev)
        dev = pdev + PLATFORM_DEVICE["dev"]
        lines = []
        drv = self.vm.read_u32(dev + DEVICE["driver"])
        if drv:
            lines.append(f"DRIVER={self.core.driver_string(dev)}")
        if node is not None:
            lines += [f"OF_NAME={node.short_name}", f"OF_FULLNAME={node.full_name}"]
            lines += [f"OF_COMPATIBLE_{i}={c}" for i, c in enumerate(node.strings("compatible"))]
            lines.append(f"MODALIAS=of:N{node.short_name}T<NULL>C"
                         + "C".join(node.strings("compatible")))
        else:
            lines.append(f"MODALIAS=platform:{self.core.str_at(self.vm.read_u32(pdev))}")
        return "\n".join(lines) + "\n"

    def _del(self, pdev):
        dev = pdev + PLATFORM_DEVICE["dev"]
        drv = self.vm.read_u32(dev + DEVICE["driver"])
        if drv:
            self._unbind(pdev, drv - PLATFORM_DRIVER["driver"])
        self.core.vfs.remove_virtual_dir(f"/sys/bus/platform/devices/{self.core.name_of(dev)}")
        if pdev in self.devices:
            self.devices.remove(pdev)

    # -- matching and probing -----------------------------------------------------------------
    def _match(self, pdev, pdrv):
        """platform_match: OF table, then id_table (setting id_entry), then the name."""
        vm, dev = self.vm, pdev + PLATFORM_DEVICE["dev"]
        table = vm.read_u32(pdrv + PLATFORM_DRIVER["driver"] + DEVICE_DRIVER["of_match_table"])
        node = self.tree.node(vm.read_u32(dev + DEVICE["of_node"]))
        if table and node is not None and self.tree.match_table(table, node):
            return True
        pname = self.core.str_at(vm.read_u32(pdev + PLATFORM_DEVICE["name"]))
        ids = vm.read_u32(pdrv + PLATFORM_DRIVER["id_table"])
        while ids:
            idname = vm.read(ids, 20).split(b"\0")[0].decode("utf-8", "replace")
            if not idname:
                break
            if idname == pname:
                vm.write_u32(pdev + PLATFORM_DEVICE["id_entry"], ids)
                return True
            ids += PLATFORM_DEVICE_ID.size
        drv_name = self.core.str_at(vm.read_u32(pdrv + PLATFORM_DRIVER["driver"]
                                                + DEVICE_DRIVER["name"]))
        return bool(pname) and pname == drv_name

    def _probe(self, pdev, pdrv):
        """really_probe: bind, run probe; on failure unwind devres and report."""
        vm, dev = self.vm, pdev + PLATFORM_DEVICE["dev"]
        drv = pdrv + PLATFORM_DRIVER["driver"]
        vm.write_u32(dev + DEVICE["driver"], drv)
        node = self._node_of.get(pdev)
        ret = self.pin_states(node, self.core.name_of(dev)) \
            if node is not None and self.pin_states else 0
        probe = vm.read_u32(pdrv + PLATFORM_DRIVER["probe"])
        if ret == 0:
            ret = signed(self.core.call_guest(probe, (pdev,))) if probe else 0
        if ret == 0:
            name = self.core.name_of(dev)
            self.core.vfs.add_virtual(f"/sys/bus/platform/drivers/"
                                      f"{self.core.driver_string(dev)}/{name}/uevent",
                                      lambda: self._uevent(pdev))
            return 0
        self.core.release_devres(dev)
        vm.write_u32(dev + DEVICE["driver"], 0)
        if ret not in (-errno.ENODEV, -errno.ENXIO, -errno.EPROBE_DEFER):
            self.core.log.emit(4, False, f"{self.core.str_at(vm.read_u32(drv))}: probe of "
                                         f"{self.core.name_of(dev)} failed with error {ret}\n")
        return ret

    def _unbind(self, pdev, pdrv):
        vm, dev = self.vm, pdev + PLATFORM_DEVICE["dev"]
        remove = vm.read_u32(pdrv + PLATFORM_DRIVER["remove"])
        if remove:
            self.core.call_guest(remove, (pdev,))
        self.core.release_devres(dev)
        self.core.vfs.remove_virtual_dir(f"/sys/bus/platform/drivers/"
                                         f"{self.core.driver_string(dev)}/{self.core.name_of(dev)}")
        vm.write_u32(dev + DEVICE["driver"], 0)
        (self.core.devices.get(dev) or self.core.initialize(dev)).drvdata = 0

    # -- exports: drivers --------------------------------------------------------------------
    @export("__platform_driver_register")
    def platform_driver_register(self, pdrv, owner):
        vm, drv = self.vm, pdrv + PLATFORM_DRIVER["driver"]
        vm.write_u32(drv + DEVICE_DRIVER["bus"], self.bus_va)
        vm.write_u32(drv + DEVICE_DRIVER["owner"], owner)
        self.drivers.append(pdrv)
        self.core.ledger.acquire("platform_driver", pdrv, self.core.site(owner),
                                 f'platform driver "{self.core.str_at(vm.read_u32(drv))}"')
        self.core.vfs.add_virtual_dir(f"/sys/bus/platform/drivers/"
                                      f"{self.core.str_at(vm.read_u32(drv))}")
        for pdev in list(self.devices):
            dev = pdev + PLATFORM_DEVICE["dev"]
            if not vm.read_u32(dev + DEVICE["driver"]) and self._match(pdev, pdrv):
                self._probe(pdev, pdrv)
        return 0

    @export()
    def platform_driver_unregister(self, pdrv):
        drv = pdrv + PLATFORM_DRIVER["driver"]
        for pdev in list(self.devices):
            if self.vm.read_u32(pdev + PLATFORM_DEVICE["dev"] + DEVICE["driver"]) == drv:
                self._unbind(pdev, pdrv)
        if pdrv in self.drivers:
            self.drivers.remove(pdrv)
            self.core.ledger.release("platform_driver", pdrv)
        self.core.vfs.remove_virtual_dir(f"/sys/bus/platform/drivers/"
                                         f"{self.core.str_at(self.vm.read_u32(drv))}")

    # -- exports: devices ----------------------------------------------------------------------
    @export()
    def platform_device_alloc(self, name, pid):
        return self._alloc(self.core.str_at(name), signed(pid))

    @export()
    def platform_device_add_resources(self, pdev, res, num):
        copy = 0
        if res:             # (3.14 copies the array only when there is one)
            copy = self.core.kmalloc.alloc(max(RESOURCE.size * num, 1), zero=True)
            self.vm.write(copy, self.vm.read(res, RESOURCE.size * num))
        self.vm.write_u32(pdev + PLATFORM_DEVICE["resource"], copy)
        self.vm.write_u32(pdev + PLATFORM_DEVICE["num_resources"], num)
        return 0

    @export()
    def platform_device_add_data(self, pdev, data, size):
        copy = 0
        if data:
            copy = self.core.kmalloc.alloc(size)
            self.vm.write(copy, self.vm.read(data, size))
        self.vm.write_u32(pdev + PLATFORM_DEVICE["dev"] + DEVICE["platform_data"], copy)
        return 0

    @export()
    def platform_device_add(self, pdev):
        vm, dev = self.vm, pdev + PLATFORM_DEVICE["dev"]
        name = self.core.str_at(vm.read_u32(pdev + PLATFORM_DEVICE["name"]))
        pid = signed(vm.read_u32(pdev + PLATFORM_DEVICE["id"]))
        full = name if pid == -1 else f"{name}.{pid}"
        if any(self.core.name_of(p + PLATFORM_DEVICE["dev"]) == full for p in self.devices):
            self.core.log.emit(3, False, f"sysfs: cannot create duplicate filename "
                                         f"'/devices/platform/{full}'\n")
            return err_ptr(errno.EEXIST)
        if not vm.read_u32(dev + DEVICE["parent"]):
            vm.write_u32(dev + DEVICE["parent"], self.bus_dev)
        self.core.set_name(dev, full)
        if not self._claim(pdev, full):
            return err_ptr(errno.EBUSY)
        self.core.ledger.acquire("platform_device", pdev, self.core.caller(),
                                 f'platform device "{full}"')
        self._add(pdev)
        return 0

    def _claim(self, pdev, full):
        """platform_device_add's insert_resource of each MEM/IO resource (not busy: the
        driver's request_mem_region nests inside); False after "failed to claim"."""
        claimed = []
        for i, r in enumerate(self._resources(pdev)):
            flags = self.vm.read_u32(r + RESOURCE["flags"]) & IORESOURCE_TYPE_BITS
            if flags not in (IORESOURCE_MEM, IORESOURCE_IO):
                continue
            start, end = (self.vm.read_u32(r + RESOURCE[f]) for f in ("start", "end"))
            name = self.core.str_at(self.vm.read_u32(r + RESOURCE["name"])) or full
            tree = self._res.iomem if flags == IORESOURCE_MEM else self._res.ioport
            try:
                claimed.append(self._res.insert(tree, name, start, end))
            except ValueError:
                self.core.log.emit(3, False, f"platform {full}: failed to claim resource {i}\n")
                for node in claimed:
                    self._res.release_resource(node.va)
                return False
        self._claimed[pdev] = claimed
        return True

    @export()
    def platform_device_register(self, pdev):
        self.core.initialize(pdev + PLATFORM_DEVICE["dev"])
        return self.platform_device_add(pdev)

    @export()
    def platform_device_del(self, pdev):
        if pdev:
            self._del(pdev)
            for node in self._claimed.pop(pdev, []):
                self._res.release_resource(node.va)
            self.core.ledger.release("platform_device", pdev)

    @export()
    def platform_device_put(self, pdev):
        if pdev:
            self.core.put(pdev + PLATFORM_DEVICE["dev"])

    @export()
    def platform_device_unregister(self, pdev):
        self.platform_device_del(pdev)
        self.platform_device_put(pdev)

    @export()
    def platform_device_register_full(self, info):
        """3.14's platform_device_register_full (platform_device_register_simple, _data and
        _resndata are inlines around it)."""
        vm, fields = self.vm, PLATFORM_DEVICE_INFO
        pdev = self.platform_device_alloc(vm.read_u32(info + fields["name"]),
                                          signed(vm.read_u32(info + fields["id"])))
        if not pdev:
            return err_ptr(errno.ENOMEM)
        dev = pdev + PLATFORM_DEVICE["dev"]
        vm.write_u32(dev + DEVICE["parent"], vm.read_u32(info + fields["parent"]))
        dma_mask = vm.read(info + fields["dma_mask"], 8)          # u64
        if any(dma_mask):   # (not freed when the device is put, as 3.14 says of it)
            mask = self.core.kmalloc.alloc(8)
            vm.write(mask, dma_mask)
            vm.write_u32(dev + DEVICE["dma_mask"], mask)
            vm.write(dev + DEVICE["coherent_dma_mask"], dma_mask)
        ret = self.platform_device_add_resources(pdev, vm.read_u32(info + fields["res"]),
                                                 vm.read_u32(info + fields["num_res"]))
        if not ret:
            ret = self.platform_device_add_data(pdev, vm.read_u32(info + fields["data"]),
                                                vm.read_u32(info + fields["size_data"]))
        if not ret:
            ret = self.platform_device_add(pdev)
        if ret:
            self.platform_device_put(pdev)
            return ret & 0xFFFFFFFF              # ERR_PTR(ret)
        return pdev

    # -- exports: resources --------------------------------------------------------------------
    def _resources(self, pdev):
        vm = self.vm
        base = vm.read_u32(pdev + PLATFORM_DEVICE["resource"])
        for i in range(vm.read_u32(pdev + PLATFORM_DEVICE["num_resources"])):
            yield base + i * RESOURCE.size

    @export()
    def platform_get_resource(self, pdev, rtype, num):
        for r in self._resources(pdev):
            if self.vm.read_u32(r + RESOURCE["flags"]) & IORESOURCE_TYPE_BITS == rtype:
                if num == 0:
                    return r
                num -= 1
        return 0

    @export()
    def platform_get_resource_byname(self, pdev, rtype, name):
        want = self.core.str_at(name)
        for r in self._resources(pdev):
            if self.vm.read_u32(r + RESOURCE["flags"]) & IORESOURCE_TYPE_BITS == rtype and \
                    self.core.str_at(self.vm.read_u32(r + RESOURCE["name"])) == want:
                return r
        return 0

    @export()
    def platform_get_irq(self, pdev, num):
        r = self.platform_get_resource(pdev, IORESOURCE_IRQ, num)
        return self.vm.read_u32(r + RESOURCE["start"]) if r else err_ptr(errno.ENXIO)

    @export()
    def platform_get_irq_byname(self, pdev, name):
        r = self.platform_get_resource_byname(pdev, IORESOURCE_IRQ, name)
        return self.vm.read_u32(r + RESOURCE["start"]) if r else err_ptr(errno.ENXIO)
