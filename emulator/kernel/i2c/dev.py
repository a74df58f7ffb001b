"""/dev/i2c-N for user-space tools (Linux drivers/i2c/i2c-dev.c, 3.14; char major 89, minor N).

The board's .config has no CONFIG_I2C_CHARDEV; the emulated kernel offers it anyway (README,
"Board peripherals"). Each open file holds an anonymous client (never registered) whose
address I2C_SLAVE sets: -EBUSY when a driver is bound to a client at that address (use
I2C_SLAVE_FORCE), -EINVAL beyond 0x7f (0x3ff with I2C_TENBIT). read()/write() are one
i2c_master_recv/send of at most 8192 bytes; I2C_RDWR runs up to 42 messages (each at most
8192 bytes) as one transfer; I2C_SMBUS one SMBus transaction; I2C_FUNCS the adapter's
functionality; I2C_RETRIES/I2C_TIMEOUT set the adapter's.
"""

import struct

from .. import errno
from ..abi import I2C_ADAPTER, MKDEV
from ..files import File
from .s3c2410 import I2C_M_RD, I2C_M_RECV_LEN, Msg
from .transfer import (BLOCK_DATA, BLOCK_MAX, BLOCK_PROC_CALL, BYTE, BYTE_DATA, I2C_BLOCK_BROKEN,
                       I2C_BLOCK_DATA, I2C_CLIENT_PEC, I2C_M_TEN, PROC_CALL, QUICK, READ,
                       SMBUS_DATA_SIZE, WORD_DATA, WRITE)

I2C_MAJOR = 89
I2C_RETRIES, I2C_TIMEOUT, I2C_SLAVE, I2C_TENBIT = 0x0701, 0x0702, 0x0703, 0x0704
I2C_FUNCS, I2C_SLAVE_FORCE, I2C_RDWR, I2C_PEC, I2C_SMBUS = 0x0705, 0x0706, 0x0707, 0x0708, 0x0720
RDWR_MAX_MSGS, MAX_BYTES = 42, 8192
SMBUS_SIZES = (QUICK, BYTE, BYTE_DATA, WORD_DATA, PROC_CALL, BLOCK_DATA, I2C_BLOCK_BROKEN,
               BLOCK_PROC_CALL, I2C_BLOCK_DATA)


class I2cDevFile(File):
    """One open /dev/i2c-N: its anonymous client (address, flags) on adapter N."""

    def __init__(self, core, transfers, adapter):
        self._core, self._xfer, self.adapter = core, transfers, adapter
        self.addr, self.flags = 0, 0

    def read(self, vm, buf, count):
        count = min(count, MAX_BYTES)
        msg = Msg(self.addr, (self.flags & I2C_M_TEN) | I2C_M_RD, bytearray(count))
        ret = self._xfer.transfer(self.adapter, [msg])
        if ret != 1:
            return ret
        vm.write(buf, bytes(msg.buf), user=True)
        return count

    def write(self, vm, buf, count):
        count = min(count, MAX_BYTES)
        data = bytearray(vm.read(buf, count, user=True))
        ret = self._xfer.transfer(self.adapter, [Msg(self.addr, self.flags & I2C_M_TEN, data)])
        return count if ret == 1 else ret

    def ioctl(self, vm, cmd, arg):
        handler = IOCTLS.get(cmd)
        return handler(self, vm, arg) if handler else -errno.ENOTTY

    # -- the ioctls -------------------------------------------------------------------------------
    def _slave(self, vm, arg, force=False):
        if arg > 0x3FF or (not self.flags & I2C_M_TEN and arg > 0x7F):
            return -errno.EINVAL
        if not force and any(c.adapter is self.adapter and c.addr == arg
                             and self._core._bound(c) for c in self._core.clients):
            return -errno.EBUSY
        self.addr = arg
        return 0

    def _funcs(self, vm, arg):
        if not vm.is_mapped(arg, 4, user=True, write=True):
            return -errno.EFAULT
        vm.write(arg, struct.pack("<I", self.adapter.algo.functionality), user=True)
        return 0

    def _rdwr(self, vm, arg):
        if not vm.is_mapped(arg, 8, user=True):
            return -errno.EFAULT
        msgs_va, nmsgs = struct.unpack("<II", vm.read(arg, 8, user=True))
        if nmsgs > RDWR_MAX_MSGS:
            return -errno.EINVAL
        if not vm.is_mapped(msgs_va, 12 * nmsgs, user=True):
            return -errno.EFAULT
        msgs = []
        for i in range(nmsgs):
            addr, flags, length, buf = struct.unpack("<HHHxxI", vm.read(msgs_va + 12 * i, 12,
                                                                        user=True))
            if length > MAX_BYTES:
                return -errno.EINVAL
            if not vm.is_mapped(buf, length, user=True):
                return -errno.EFAULT
            data = bytearray(vm.read(buf, length, user=True))
            if flags & I2C_M_RECV_LEN:
                if not flags & I2C_M_RD or data[0] < 1 or length < data[0] + BLOCK_MAX:
                    return -errno.EINVAL
                data = data[:data[0]]
            msgs.append((Msg(addr, flags, data), buf))
        res = self._xfer.transfer(self.adapter, [m for m, _ in msgs])
        for msg, buf in msgs:
            if res >= 0 and msg.read:
                if not vm.is_mapped(buf, len(msg.buf), user=True, write=True):
                    res = -errno.EFAULT
                else:
                    vm.write(buf, bytes(msg.buf), user=True)
        return res

    def _smbus(self, vm, arg):
        if not vm.is_mapped(arg, 12, user=True):
            return -errno.EFAULT
        read_write, command, size, data_va = struct.unpack("<BBxxII", vm.read(arg, 12, user=True))
        if size not in SMBUS_SIZES or read_write not in (READ, WRITE):
            return -errno.EINVAL
        if size == QUICK or (size == BYTE and read_write == WRITE):
            return self._xfer.smbus_xfer(self.adapter, self.addr, self.flags, read_write,
                                         command, size, bytearray(SMBUS_DATA_SIZE))
        if not data_va:
            return -errno.EINVAL
        datasize = 1 if size in (BYTE_DATA, BYTE) else 2 if size in (WORD_DATA, PROC_CALL) \
            else SMBUS_DATA_SIZE
        temp = bytearray(SMBUS_DATA_SIZE)
        if size in (PROC_CALL, BLOCK_PROC_CALL, I2C_BLOCK_DATA) or read_write == WRITE:
            if not vm.is_mapped(data_va, datasize, user=True):
                return -errno.EFAULT
            temp[:datasize] = vm.read(data_va, datasize, user=True)
        if size == I2C_BLOCK_BROKEN:
            size = I2C_BLOCK_DATA
            if read_write == READ:
                temp[0] = BLOCK_MAX
        res = self._xfer.smbus_xfer(self.adapter, self.addr, self.flags, read_write, command,
                                    size, temp)
        if res == 0 and (size in (PROC_CALL, BLOCK_PROC_CALL) or read_write == READ):
            if not vm.is_mapped(data_va, datasize, user=True, write=True):
                return -errno.EFAULT
            vm.write(data_va, bytes(temp[:datasize]), user=True)
        return res


def _set_flag(bit):
    """I2C_TENBIT, I2C_PEC: a client flag on or off."""
    def set_flag(f, vm, arg):
        f.flags = f.flags | bit if arg else f.flags & ~bit
        return 0
    return set_flag


def _adapter_store(member, scale=1):
    """I2C_RETRIES, I2C_TIMEOUT: the adapter's field."""
    def store(f, vm, arg):
        f._core.vm.write_u32(f.adapter.va + I2C_ADAPTER[member], arg * scale)
        return 0
    return store


IOCTLS = {
    I2C_SLAVE: lambda f, vm, arg: f._slave(vm, arg),
    I2C_SLAVE_FORCE: lambda f, vm, arg: f._slave(vm, arg, force=True),
    I2C_TENBIT: _set_flag(I2C_M_TEN),
    I2C_PEC: _set_flag(I2C_CLIENT_PEC),
    I2C_FUNCS: I2cDevFile._funcs,
    I2C_RDWR: I2cDevFile._rdwr,
    I2C_SMBUS: I2cDevFile._smbus,
    I2C_RETRIES: _adapter_store("retries"),
    I2C_TIMEOUT: _adapter_store("timeout", 2),     # 10 ms units, HZ = 200
}


class I2cDev:
    """The i2c-dev driver: /dev/i2c-N nodes for the adapters, and their openers."""

    def __init__(self, core, transfers):
        self.core, self.transfers = core, transfers

    def attach(self, device_api):
        """i2c_dev_init: the "i2c-dev" class and a node per adapter (devtmpfs)."""
        core = self.core.core
        cls = core.cstr("i2c-dev")
        core.classes[cls] = "i2c-dev"
        core.vfs.add_virtual_dir("/sys/class/i2c-dev")
        for nr, adapter in sorted(self.core.adapters.items()):
            va = device_api.create(cls, adapter.dev, MKDEV(I2C_MAJOR, nr), 0, f"i2c-{nr}")
            core.add_sysfs(core.devices[va], f"/sys/class/i2c-dev/i2c-{nr}/name",
                           lambda name=adapter.name: name + "\n")     # i2cdetect -l

    def openers(self):
        """rdev -> open(flags), for the syscall layer's built-in devices."""
        return {MKDEV(I2C_MAJOR, nr): (lambda flags, a=adapter: I2cDevFile(self.core,
                                                                          self.transfers, a))
                for nr, adapter in self.core.adapters.items()}
