"""The I2C subsystem as the driver model boots it: the core and its transfer services, the
SoC's adapters (i2c-s3c2410 probing every enabled controller node after the platform bus is
populated, as its subsys_initcall does on the board) and i2c-dev's /dev/i2c-N."""

from ..clk import ACLK100_HZ
from ..of.address import reg_entries
from .core import I2cCore, algorithm_bytes
from .dev import I2cDev
from .s3c2410 import ADAPTER_NAME, COMPATIBLE, DRIVER_NAME, Registers, S3cI2c
from .transfer import I2cTransfers


class I2cSubsystem:
    def __init__(self, device_core, tree, of_irq, bus, early, symbol):
        """bus: the MMIO bus the adapters drive; early: boot memory for the adapters;
        symbol(name) -> the address of a kernel service (adap->algo's functions)."""
        self.core = I2cCore(device_core, tree, of_irq, early)
        self.transfers = I2cTransfers(self.core)
        self.dev = I2cDev(self.core, self.transfers)
        self._tree, self._bus, self._early, self._symbol = tree, bus, early, symbol
        self.providers = [self.core, self.transfers]

    def boot(self, platform, device_api):
        """i2c_adap_s3c_init, then i2c_dev_init. Their messages go to the log (dmesg) only:
        a script's console output and trace start after the boot."""
        with device_api.core.log.booting():
            device_api.core.vfs.add_virtual_dir("/sys/bus/i2c/devices")
            device_api.core.vfs.add_virtual_dir("/sys/bus/i2c/drivers")
            platform.bind_builtin(DRIVER_NAME, COMPATIBLE, self._probe)
            self.dev.attach(device_api)

    def _probe(self, dev, node, name):
        """s3c24xx_i2c_probe for the platform device `dev` of controller node `node`."""
        log = self.core.core.log

        def dev_log(level, text):
            log.emit(level, False, f"{DRIVER_NAME} {name}: {text}\n")

        entries = reg_entries(node)
        region = self._bus.region_at(entries[0][0]) if entries else None
        if region is None:
            dev_log(3, "no I2C controller is modelled at this address")
            return -19                                     # -ENODEV
        props = {p: (node.cells(f"samsung,i2c-{p}") or [0])[0]
                 for p in ("sda-delay", "slave-addr", "max-bus-freq")}
        regs = Registers(self._bus, entries[0][0], self._symbol("s3c24xx_i2c_xfer"))
        s3c = S3cI2c(regs, dev_log)
        regs.quiet = True                                  # boot time: no trace events
        ret = s3c.init(ACLK100_HZ, props["max-bus-freq"], props["sda-delay"], props["slave-addr"])
        regs.quiet = False
        if ret:
            dev_log(3, "I2C controller init failed")
            return ret
        nr = self._tree.alias_id(node, "i2c")
        if nr < 0:
            nr = next(n for n in range(len(self.core.adapters) + 1) if n not in self.core.adapters)
        algo = self._early.alloc(12, zero=True)
        self.core.vm.write(algo, algorithm_bytes(self._symbol("s3c24xx_i2c_xfer"),
                                                   self._symbol("s3c24xx_i2c_func")))
        adapter = self.core.add_adapter(nr, ADAPTER_NAME, s3c, dev, node, algo, self._early.alloc)
        if isinstance(adapter, int):
            dev_log(3, "failed to add bus to i2c core")
            return adapter
        dev_log(6, f"i2c-{nr}: S3C I2C adapter")
        return 0
