"""The I2C bus: adapters, clients and drivers (Linux drivers/i2c/i2c-core.c, 3.14).

Adapters are the kernel's own (s3c2410.py registers one per enabled controller node, named
i2c-N by the device tree's i2cN alias). Clients come from the adapter node's available
children at adapter registration (of_i2c_register_devices: `reg` is the address, the
compatible without its vendor prefix the client's name) or from i2c_new_device. Drivers
(i2c_register_driver, module_i2c_driver) match a client as i2c_device_match does: the
driver's of_match_table against the client's node, then id_table names against the client's
name; i2c_device_probe needs a probe and an id_table (-ENODEV otherwise, silently) and calls
probe(client, the matching id or NULL) as guest code. A failing probe is reported as the
driver core's really_probe does and leaves the driver registered.

Guest objects have the board's layouts (abi.py): struct i2c_client (name "5-0068" in its
struct device, dev.bus the "i2c" bus, parent the adapter), struct i2c_adapter ("i2c-5",
name "s3c2410-i2c", algo with master_xfer/functionality callable from modules' inlines).
"""

from dataclasses import dataclass, field

from .. import errno
from ..abi import DEVICE, DEVICE_DRIVER, KOBJECT, I2C_ADAPTER, I2C_ALGORITHM, I2C_BOARD_INFO, \
    I2C_CLIENT, I2C_DEVICE_ID, I2C_DRIVER
from ..base.core import err_ptr
from ..entry import signed
from ..hypercall import export

HZ = 200


def read_u16(vm, va):
    return int.from_bytes(vm.read(va, 2), "little")
I2C_CLIENT_TEN = 0x10
I2C_CLIENT_WAKE = 0x80
I2C_NAME_SIZE = 20


@dataclass
class Adapter:
    """A registered struct i2c_adapter and the Python algorithm behind it."""
    nr: int
    va: int
    name: str
    algo: object                  # .xfer(msgs, retries) -> int, .functionality
    node: object = None           # its device-tree node
    parent_name: str = ""         # the platform device ("138b0000.i2c")

    @property
    def dev(self):
        return self.va + I2C_ADAPTER["dev"]


@dataclass
class Client:
    """A struct i2c_client: a chip at an address on an adapter."""
    va: int
    adapter: Adapter
    addr: int
    name: str
    node: object = None
    free: object = None           # releases the guest struct (None: boot memory)
    sysfs: list = field(default_factory=list)

    @property
    def dev(self):
        return self.va + I2C_CLIENT["dev"]


class I2cCore:
    """The bus's registry and its exports (devices and drivers; transfers: transfer.py)."""

    def __init__(self, core, tree, of_irq, static):
        """core: the driver model's DeviceCore (memory, printk, guest calls, sysfs, ledger);
        static: boot memory (EarlyAlloc) for i2c_bus_type."""
        self.core, self.tree, self.of_irq = core, tree, of_irq
        self.vm = core.vm
        self.adapters = {}            # nr -> Adapter
        self.clients = []             # Client, in registration order
        self.on_bus = []              # struct device vas of adapters and clients, in order
        self.drivers = []             # struct i2c_driver vas, in registration order
        self.bus_va = core.bus_type("i2c", static)              # i2c_bus_type
        core.buses[self.bus_va] = lambda: list(self.on_bus)
        self.client_type = core.cstr("i2c_client")     # dev->type (i2c_verify_client)
        self.adapter_type = core.cstr("i2c_adapter")   # dev->type (i2c_verify_adapter)

    # -- helpers ------------------------------------------------------------------------------
    def _log(self, level, text):
        self.core.log.emit(level, False, text + "\n")

    def dev_log(self, level, dev, text):
        """dev_err & co. on a struct device ("i2c i2c-5: ...")."""
        self._log(level, f"{self.core.driver_string(dev)} {self.core.name_of(dev)}: {text}")

    def adapter_at(self, va):
        return next((a for a in self.adapters.values() if a.va == va), None)

    def client_at(self, va):
        return next((c for c in self.clients if c.va == va), None)

    def _driver_name(self, drv):
        return self.core.str_at(self.vm.read_u32(drv + I2C_DRIVER["driver"] + DEVICE_DRIVER["name"]))

    def _bound(self, client):
        return self.vm.read_u32(client.dev + DEVICE["driver"])

    # -- adapters (i2c_add_numbered_adapter) ----------------------------------------------------
    def add_adapter(self, nr, name, algo, parent_dev, node, algo_va, early_alloc):
        """Register an adapter built into the kernel; returns the Adapter or a negative errno
        (-EBUSY: the bus number is taken)."""
        if nr in self.adapters:
            return -errno.EBUSY
        vm, core = self.vm, self.core
        va = early_alloc(I2C_ADAPTER.size, zero=True)
        vm.write(va + I2C_ADAPTER["name"], name.encode()[:47] + b"\0")
        vm.write_u32(va + I2C_ADAPTER["class"], 0x81)          # I2C_CLASS_HWMON | SPD
        vm.write_u32(va + I2C_ADAPTER["algo"], algo_va)
        vm.write_u32(va + I2C_ADAPTER["timeout"], HZ)
        vm.write_u32(va + I2C_ADAPTER["retries"], 2)
        vm.write_u32(va + I2C_ADAPTER["nr"], nr)
        adapter = Adapter(nr, va, name, algo, node, core.name_of(parent_dev) if parent_dev else "")
        dev = adapter.dev
        d = core.initialize(dev)
        for member, value in (("parent", parent_dev), ("bus", self.bus_va),
                              ("type", self.adapter_type),
                              ("of_node", self.tree.va_of.get(node, 0) if node else 0)):
            vm.write_u32(dev + DEVICE[member], value)
        core.set_name(dev, f"i2c-{nr}")
        self.adapters[nr] = adapter
        self.on_bus.append(dev)
        base = f"/sys/bus/i2c/devices/i2c-{nr}"
        core.add_sysfs(d, base + "/name", lambda: name + "\n")
        core.add_sysfs(d, f"/sys/class/i2c-adapter/i2c-{nr}/name", lambda: name + "\n")
        if node is not None:
            self._of_register_devices(adapter)
        return adapter

    def _of_register_devices(self, adapter):
        """of_i2c_register_devices: a client for each available child of the adapter's node."""
        for node in adapter.node.children:
            if not self.tree.available(node):
                continue
            compatible = node.strings("compatible")
            if not compatible:
                self.dev_log(3, adapter.dev, f"of_i2c: modalias failure on {node.full_name}")
                continue
            cells = node.cells("reg")
            if not cells:
                self.dev_log(3, adapter.dev, f"of_i2c: invalid reg on {node.full_name}")
                continue
            addr = cells[0]
            if addr > (1 << 10) - 1:
                self.dev_log(3, adapter.dev, f"of_i2c: invalid addr={addr:x} on "
                                             f"{node.full_name}")
                continue
            flags = I2C_CLIENT_WAKE if "wakeup-source" in node.props else 0
            modalias = compatible[0].split(",", 1)[-1]
            irq = self.of_irq.parse_and_map(node, 0)
            if not self.new_device(adapter, modalias, addr, flags, irq, node):
                self.dev_log(3, adapter.dev, f"of_i2c: Failure registering {node.full_name}")

    # -- clients --------------------------------------------------------------------------------
    def new_device(self, adapter, type_name, addr, flags=0, irq=0, node=None, platform_data=0,
                   site=0):
        """i2c_new_device: the new client's va, or 0 (reported as 3.14 does)."""
        vm, core = self.vm, self.core
        va = core.kmalloc.alloc(I2C_CLIENT.size, zero=True)
        if not va:
            return 0
        allocator = core.kmalloc
        name = type_name[:I2C_NAME_SIZE - 1]
        vm.write(va + I2C_CLIENT["flags"], (flags & 0xFFFF).to_bytes(2, "little"))
        vm.write(va + I2C_CLIENT["addr"], (addr & 0xFFFF).to_bytes(2, "little"))
        vm.write(va + I2C_CLIENT["name"], name.encode() + b"\0")
        vm.write_u32(va + I2C_CLIENT["adapter"], adapter.va)
        vm.write_u32(va + I2C_CLIENT["irq"], irq)
        vm.write_u32(va + I2C_CLIENT["dev"] + DEVICE["platform_data"], platform_data)
        ten = bool(flags & I2C_CLIENT_TEN)
        if (addr > 0x3FF) if ten else (addr == 0 or addr > 0x7F):
            self.dev_log(3, adapter.dev, f"Invalid {10 if ten else 7}-bit I2C address "
                                         f"0x{addr & 0xFFFF:02x}")
            allocator.free(va)
            return 0
        if any(c.adapter is adapter and c.addr == addr for c in self.clients):
            self.dev_log(3, adapter.dev, f"Failed to register i2c client {name} at "
                                         f"0x{addr:02x} ({-errno.EBUSY})")
            allocator.free(va)
            return 0
        client = Client(va, adapter, addr, name, node, lambda: allocator.free(va))
        dev = client.dev
        d = core.initialize(dev)
        for member, value in (("parent", adapter.dev), ("bus", self.bus_va),
                              ("type", self.client_type),
                              ("of_node", self.tree.va_of.get(node, 0) if node else 0)):
            vm.write_u32(dev + DEVICE[member], value)
        dev_name = f"{adapter.nr}-{addr | (0xA000 if ten else 0):04x}"
        core.set_name(dev, dev_name)
        self.clients.append(client)
        self.on_bus.append(client.dev)
        base = f"/sys/bus/i2c/devices/{dev_name}"
        core.add_sysfs(d, base + "/name", lambda: name + "\n")
        core.add_sysfs(d, base + "/modalias", lambda: f"i2c:{name}\n")
        if site:
            core.ledger.acquire("i2c_client", va, site, f'i2c client "{dev_name}" ({name})')
        for drv in list(self.drivers):
            if not self._bound(client) and self._match(client, drv):
                self._probe(client, drv)
        return va

    def unregister(self, client):
        """i2c_unregister_device: unbind, remove, release (kfree for the core's clients)."""
        drv = self._bound(client)
        if drv:
            self._unbind(client, drv - I2C_DRIVER["driver"])
        d = self.core.devices.get(client.dev)
        if d is not None:
            self.core.drop_sysfs(d)
        self.core.vfs.remove_virtual_dir(f"/sys/bus/i2c/devices/{self.core.name_of(client.dev)}")
        self.clients.remove(client)
        self.on_bus.remove(client.dev)
        self.core.ledger.release("i2c_client", client.va)
        self.core.devices.pop(client.dev, None)
        client.free()

    # -- drivers --------------------------------------------------------------------------------
    def _id_entry(self, drv, name):
        """i2c_match_id: the i2c_device_id whose name is the client's, or 0."""
        entry = self.vm.read_u32(drv + I2C_DRIVER["id_table"])
        while entry:
            idname = self.vm.read(entry, I2C_NAME_SIZE).split(b"\0")[0].decode("utf-8", "replace")
            if not idname:
                return 0
            if idname == name:
                return entry
            entry += I2C_DEVICE_ID.size
        return 0

    def _match(self, client, drv):
        """i2c_device_match: the OF table, then the id_table."""
        table = self.vm.read_u32(drv + I2C_DRIVER["driver"] + DEVICE_DRIVER["of_match_table"])
        if table and client.node is not None and self.tree.match_table(table, client.node):
            return True
        return bool(self._id_entry(drv, client.name))

    def _probe(self, client, drv):
        """really_probe with i2c_device_probe: 0 bound, or the error (reported)."""
        vm, dev = self.vm, client.dev
        vm.write_u32(dev + DEVICE["driver"], drv + I2C_DRIVER["driver"])
        probe = vm.read_u32(drv + I2C_DRIVER["probe"])
        if not probe or not vm.read_u32(drv + I2C_DRIVER["id_table"]):
            ret = -errno.ENODEV
        else:
            ret = signed(self.core.call_guest(probe, (client.va, self._id_entry(drv, client.name))))
        name = self._driver_name(drv)
        if ret == 0:
            d = self.core.devices.get(dev) or self.core.initialize(dev)
            self.core.add_sysfs(d, f"/sys/bus/i2c/drivers/{name}/{self.core.name_of(dev)}/name",
                                lambda: client.name + "\n")
            return 0
        self.core.release_devres(dev)
        vm.write_u32(dev + DEVICE["driver"], 0)
        (self.core.devices.get(dev) or self.core.initialize(dev)).drvdata = 0
        if ret not in (-errno.ENODEV, -errno.ENXIO):
            self._log(4, f"{name}: probe of {self.core.name_of(dev)} failed with error {ret}")
        return ret

    def _unbind(self, client, drv):
        vm, dev = self.vm, client.dev
        remove = vm.read_u32(drv + I2C_DRIVER["remove"])
        if remove:
            self.core.call_guest(remove, (client.va,))
        self.core.release_devres(dev)
        self.core.vfs.remove_virtual_dir(f"/sys/bus/i2c/drivers/{self._driver_name(drv)}/"
                                         f"{self.core.name_of(dev)}")
        vm.write_u32(dev + DEVICE["driver"], 0)
        (self.core.devices.get(dev) or self.core.initialize(dev)).drvdata = 0

    # -- exports: drivers -----------------------------------------------------------------------
    @export()
    def i2c_register_driver(self, owner, drv):
        vm, core = self.vm, self.core
        name = self._driver_name(drv)
        if drv in self.drivers or any(self._driver_name(d) == name for d in self.drivers):
            self._log(3, f"Error: Driver '{name}' is already registered, aborting...")
            return err_ptr(errno.EBUSY)
        vm.write_u32(drv + I2C_DRIVER["driver"] + DEVICE_DRIVER["owner"], owner)
        vm.write_u32(drv + I2C_DRIVER["driver"] + DEVICE_DRIVER["bus"], self.bus_va)
        head = drv + I2C_DRIVER["clients"]                   # INIT_LIST_HEAD(&driver->clients)
        vm.write_u32(head, head)
        vm.write_u32(head + 4, head)
        self.drivers.append(drv)
        core.ledger.acquire("i2c_driver", drv, core.site(owner), f'i2c driver "{name}"')
        core.vfs.add_virtual_dir(f"/sys/bus/i2c/drivers/{name}")
        for legacy in ("suspend", "resume"):
            if vm.read_u32(drv + I2C_DRIVER[legacy]):
                self._log(4, f"i2c-core: driver [{name}] using legacy {legacy} method")
        for client in list(self.clients):
            if not self._bound(client) and self._match(client, drv):
                self._probe(client, drv)
        return 0

    @export()
    def i2c_del_driver(self, drv):
        if drv not in self.drivers:
            # 3.14 walks the driver's (never initialised) client list first, then
            # driver_unregister warns; here only the warning (README, limits)
            self._log(4, "WARNING: CPU: 0 at drivers/base/driver.c:190 driver_unregister()")
            self._log(4, "Unexpected driver unregister!")
            return None
        for client in list(self.clients):
            if self._bound(client) == drv + I2C_DRIVER["driver"]:
                self._unbind(client, drv)
        self.drivers.remove(drv)
        self.core.ledger.release("i2c_driver", drv)
        self.core.vfs.remove_virtual_dir(f"/sys/bus/i2c/drivers/{self._driver_name(drv)}")
        return None

    # -- exports: clients and adapters ----------------------------------------------------------
    @export()
    def i2c_new_device(self, adap, info):
        adapter = self.adapter_at(adap)
        if adapter is None:
            self._log(3, f"i2c_new_device: {adap:#010x} is not an I2C adapter")
            return 0
        vm = self.vm
        type_name = vm.read(info + I2C_BOARD_INFO["type"], I2C_NAME_SIZE).split(b"\0")[0]
        node = self.tree.node(vm.read_u32(info + I2C_BOARD_INFO["of_node"]))
        return self.new_device(adapter, type_name.decode("utf-8", "replace"),
                               read_u16(vm, info + I2C_BOARD_INFO["addr"]),
                               read_u16(vm, info + I2C_BOARD_INFO["flags"]),
                               vm.read_u32(info + I2C_BOARD_INFO["irq"]), node,
                               vm.read_u32(info + I2C_BOARD_INFO["platform_data"]),
                               site=self.core.caller())

    @export()
    def i2c_unregister_device(self, client_va):
        client = self.client_at(client_va)
        if client is not None:
            self.unregister(client)

    @export()
    def i2c_get_adapter(self, nr):
        adapter = self.adapters.get(signed(nr))
        return adapter.va if adapter else 0

    @export()
    def i2c_put_adapter(self, adap):
        """The adapters are built in (owner NULL): nothing to put."""

    @export()
    def i2c_verify_client(self, dev):
        return dev - I2C_CLIENT["dev"] if self.vm.read_u32(dev + DEVICE["type"]) == \
            self.client_type else 0

    @export()
    def i2c_verify_adapter(self, dev):
        return dev - I2C_ADAPTER["dev"] if self.vm.read_u32(dev + DEVICE["type"]) == \
            self.adapter_type else 0

    @export()
    def i2c_use_client(self, client_va):
        if not client_va:
            return 0
        kref = client_va + I2C_CLIENT["dev"] + DEVICE["kobj"] + KOBJECT["kref"]
        self.vm.write_u32(kref, self.vm.read_u32(kref) + 1)
        return client_va

    @export()
    def i2c_release_client(self, client_va):
        if client_va:
            kref = client_va + I2C_CLIENT["dev"] + DEVICE["kobj"] + KOBJECT["kref"]
            self.vm.write_u32(kref, max(0, self.vm.read_u32(kref) - 1))

    @export()
    def of_find_i2c_device_by_node(self, node_va):
        node = self.tree.node(node_va)
        client = next((c for c in self.clients if node is not None and c.node is node), None)
        return self.i2c_use_client(client.va) if client else 0

    @export()
    def of_find_i2c_adapter_by_node(self, node_va):
        node = self.tree.node(node_va)
        adapter = next((a for a in self.adapters.values()
                        if node is not None and a.node is node), None)
        return adapter.va if adapter else 0

    # -- the adapters' algorithm, as modules' inlines reach it through adap->algo -------------
    @export("s3c24xx_i2c_func")
    def functionality(self, adap):
        adapter = self.adapter_at(adap)
        return adapter.algo.functionality if adapter else 0


def algorithm_bytes(master_xfer, functionality):
    """A struct i2c_algorithm whose master_xfer and functionality are the given addresses."""
    raw = bytearray(I2C_ALGORITHM.size)
    raw[I2C_ALGORITHM["master_xfer"]:I2C_ALGORITHM["master_xfer"] + 4] = master_xfer.to_bytes(4, "little")
    raw[I2C_ALGORITHM["functionality"]:I2C_ALGORITHM["functionality"] + 4] = \
        functionality.to_bytes(4, "little")
    return bytes(raw)
