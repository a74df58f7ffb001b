"""Transfers: i2c_transfer, i2c_master_send/recv and the SMBus protocol (Linux
drivers/i2c/i2c-core.c, 3.14).

Messages are read from the guest's struct i2c_msg array, run on the adapter's algorithm
(s3c2410.py: the controller's registers) and the bytes read are copied back. The SMBus calls
are emulated over I2C messages as i2c_smbus_xfer_emulated does (the SoC's adapters have no
native SMBus): byte data is a write of the command then a read of one byte, word data is
little endian (i2c_smbus_read_word_swapped in the SDK swaps it for big-endian chips), PEC
(I2C_CLIENT_PEC) is computed and checked with SMBus's CRC-8.
"""

from .. import errno
from ..abi import I2C_ADAPTER, I2C_CLIENT, I2C_MSG
from ..entry import signed
from ..hypercall import export
from .core import read_u16
from .s3c2410 import I2C_M_RD, I2C_M_RECV_LEN, Msg

I2C_M_TEN = 0x0010
I2C_CLIENT_PEC = 0x04
I2C_CLIENT_SCCB = 0x9000
READ, WRITE = 1, 0
QUICK, BYTE, BYTE_DATA, WORD_DATA, PROC_CALL, BLOCK_DATA = 0, 1, 2, 3, 4, 5
I2C_BLOCK_BROKEN, BLOCK_PROC_CALL, I2C_BLOCK_DATA = 6, 7, 8
BLOCK_MAX = 32
SMBUS_DATA_SIZE = BLOCK_MAX + 2          # union i2c_smbus_data


def crc8(data, crc=0):
    """SMBus PEC: CRC-8 (x^8 + x^2 + x + 1) over data, continuing from crc."""
    for byte in data:
        value = (crc ^ byte) << 8
        for _ in range(8):
            if value & 0x8000:
                value ^= 0x1070 << 3
            value <<= 1
        crc = (value >> 8) & 0xFF
    return crc


class I2cTransfers:
    """The exported transfer services, on the core's adapters."""

    def __init__(self, core):
        self.core, self.vm = core, core.vm

    def transfer(self, adapter, msgs):
        """__i2c_transfer: retried on -EAGAIN (arbitration) up to adap->retries."""
        retries = signed(self.vm.read_u32(adapter.va + I2C_ADAPTER["retries"]))
        ret = 0
        for _ in range(max(retries, 0) + 1):
            ret = adapter.algo.xfer(msgs)
            if ret != -errno.EAGAIN:
                break
        return ret

    def _adapter(self, adap):
        adapter = self.core.adapter_at(adap)
        if adapter is None:
            self.core._log(3, f"i2c: {adap:#010x} is not an I2C adapter")
        return adapter

    # -- messages in guest memory ------------------------------------------------------------
    def _read_msgs(self, msgs_va, num):
        vm, msgs = self.vm, []
        for i in range(num):
            m = msgs_va + i * I2C_MSG.size
            addr, flags, length = (read_u16(vm, m + I2C_MSG[f]) for f in ("addr", "flags", "len"))
            buf = vm.read_u32(m + I2C_MSG["buf"])
            data = bytearray(length) if flags & I2C_M_RD else bytearray(vm.read(buf, length))
            msgs.append((Msg(addr, flags, data), m, buf))
        return msgs

    def _transfer_guest(self, adap, msgs_va, num):
        adapter = self._adapter(adap)
        if adapter is None:
            return -errno.EINVAL
        num = signed(num)
        if num <= 0:
            return -errno.EINVAL
        entries = self._read_msgs(msgs_va, num)
        ret = self.transfer(adapter, [m for m, _, _ in entries])
        for msg, m, buf in entries:
            if msg.read:
                self.vm.write(buf, bytes(msg.buf))
                if msg.flags & I2C_M_RECV_LEN:
                    self.vm.write(m + I2C_MSG["len"], len(msg.buf).to_bytes(2, "little"))
        return ret

    @export()
    def i2c_transfer(self, adap, msgs, num):
        return self._transfer_guest(adap, msgs, num)

    @export("__i2c_transfer")
    def unlocked_transfer(self, adap, msgs, num):
        return self._transfer_guest(adap, msgs, num)

    @export("s3c24xx_i2c_xfer")
    def master_xfer(self, adap, msgs, num):
        """adap->algo->master_xfer: the adapter's own transfer (no retry on -EAGAIN)."""
        adapter = self._adapter(adap)
        if adapter is None:
            return -errno.EINVAL
        entries = self._read_msgs(msgs, max(signed(num), 0))
        if not entries:
            return -errno.EINVAL
        ret = adapter.algo.xfer([m for m, _, _ in entries])
        for msg, _m, buf in entries:
            if msg.read:
                self.vm.write(buf, bytes(msg.buf))
        return ret

    # -- clients -------------------------------------------------------------------------------
    def _client(self, client_va):
        vm = self.vm
        adapter = self._adapter(vm.read_u32(client_va + I2C_CLIENT["adapter"]))
        return (adapter, read_u16(vm, client_va + I2C_CLIENT["addr"]),
                read_u16(vm, client_va + I2C_CLIENT["flags"]))

    @export()
    def i2c_master_send(self, client, buf, count):
        adapter, addr, flags = self._client(client)
        if adapter is None:
            return -errno.EINVAL
        count = signed(count) & 0xFFFF
        ret = self.transfer(adapter, [Msg(addr, flags & I2C_M_TEN,
                                          bytearray(self.vm.read(buf, count)))])
        return count if ret == 1 else ret

    @export()
    def i2c_master_recv(self, client, buf, count):
        adapter, addr, flags = self._client(client)
        if adapter is None:
            return -errno.EINVAL
        count = signed(count) & 0xFFFF
        msg = Msg(addr, (flags & I2C_M_TEN) | I2C_M_RD, bytearray(count))
        ret = self.transfer(adapter, [msg])
        self.vm.write(buf, bytes(msg.buf))
        return count if ret == 1 else ret

    # -- SMBus ---------------------------------------------------------------------------------
    def smbus_xfer(self, adapter, addr, flags, read_write, command, size, data):
        """i2c_smbus_xfer (emulated): data is a bytearray(34) union i2c_smbus_data, updated
        in place for reads; 0 or a negative errno."""
        flags &= I2C_M_TEN | I2C_CLIENT_PEC | I2C_CLIENT_SCCB
        first = Msg(addr, flags, bytearray([command & 0xFF]))
        second = Msg(addr, flags | I2C_M_RD, bytearray())
        num = 2 if read_write == READ else 1
        if size == QUICK:
            first = Msg(addr, flags | (I2C_M_RD if read_write == READ else 0), bytearray())
            num = 1
        elif size == BYTE:
            if read_write == READ:
                first = Msg(addr, flags | I2C_M_RD, bytearray(1))
                num = 1
        elif size == BYTE_DATA:
            if read_write == READ:
                second.buf = bytearray(1)
            else:
                first.buf.append(data[0])
        elif size == WORD_DATA:
            if read_write == READ:
                second.buf = bytearray(2)
            else:
                first.buf += data[0:2]
        elif size == PROC_CALL:
            num, read_write = 2, READ
            first.buf += data[0:2]
            second.buf = bytearray(2)
        elif size == BLOCK_DATA:
            if read_write == READ:
                second.flags |= I2C_M_RECV_LEN
                second.buf = bytearray(1)
            else:
                if data[0] > BLOCK_MAX:
                    self.core.dev_log(3, adapter.dev, f"Invalid block write size {data[0]}")
                    return -errno.EINVAL
                first.buf += data[0:data[0] + 1]
        elif size == BLOCK_PROC_CALL:
            num, read_write = 2, READ
            if data[0] > BLOCK_MAX:
                self.core.dev_log(3, adapter.dev, f"Invalid block write size {data[0]}")
                return -errno.EINVAL
            first.buf += data[0:data[0] + 1]
            second.flags |= I2C_M_RECV_LEN
            second.buf = bytearray(1)
        elif size == I2C_BLOCK_DATA:
            if read_write == READ:
                second.buf = bytearray(data[0])
            else:
                if data[0] > BLOCK_MAX:
                    self.core.dev_log(3, adapter.dev, f"Invalid block write size {data[0]}")
                    return -errno.EINVAL
                first.buf += data[1:data[0] + 1]
        else:
            self.core.dev_log(3, adapter.dev, f"Unsupported transaction {size}")
            return -errno.EOPNOTSUPP
        msgs = [first, second][:num]
        pec = bool(flags & I2C_CLIENT_PEC) and size not in (QUICK, I2C_BLOCK_DATA)
        partial = 0
        if pec:
            if not msgs[0].read:
                if num == 1:
                    msgs[0].buf.append(crc8(_addr_byte(msgs[0]) + bytes(msgs[0].buf)))
                else:
                    partial = crc8(_addr_byte(msgs[0]) + bytes(msgs[0].buf))
            if msgs[-1].read:
                msgs[-1].buf.append(0)
        status = self.transfer(adapter, msgs)
        if status < 0:
            return status
        if pec and msgs[-1].read:
            last = msgs[-1]
            received = last.buf.pop()
            if received != crc8(_addr_byte(last) + bytes(last.buf), partial):
                return -errno.EBADMSG
        if read_write == READ:
            if size == BYTE:
                data[0] = first.buf[0]
            elif size == BYTE_DATA:
                data[0] = second.buf[0]
            elif size in (WORD_DATA, PROC_CALL):
                data[0:2] = second.buf[0:2]
            elif size == I2C_BLOCK_DATA:
                data[1:1 + data[0]] = second.buf[:data[0]]
            elif size in (BLOCK_DATA, BLOCK_PROC_CALL):
                block = second.buf[:min(second.buf[0] + 1, SMBUS_DATA_SIZE)]
                data[0:len(block)] = block
        return 0

    def _client_smbus(self, client, read_write, command, size, data):
        adapter, addr, flags = self._client(client)
        if adapter is None:
            return -errno.EINVAL
        return self.smbus_xfer(adapter, addr, flags, read_write, command & 0xFF, size, data)

    @export()
    def i2c_smbus_xfer(self, adap, addr, flags, read_write, command, protocol, data_va):
        adapter = self._adapter(adap)
        if adapter is None:
            return -errno.EINVAL
        data = bytearray(self.vm.read(data_va, SMBUS_DATA_SIZE)) if data_va else \
            bytearray(SMBUS_DATA_SIZE)
        ret = self.smbus_xfer(adapter, addr & 0xFFFF, flags & 0xFFFF, read_write & 0xFF,
                              command & 0xFF, signed(protocol), data)
        if data_va and ret == 0 and (read_write & 0xFF == READ or protocol in
                                     (PROC_CALL, BLOCK_PROC_CALL)):
            self.vm.write(data_va, bytes(data))
        return ret

    @export()
    def i2c_smbus_read_byte(self, client):
        data = bytearray(SMBUS_DATA_SIZE)
        status = self._client_smbus(client, READ, 0, BYTE, data)
        return status if status < 0 else data[0]

    @export()
    def i2c_smbus_write_byte(self, client, value):
        return self._client_smbus(client, WRITE, value, BYTE, bytearray(SMBUS_DATA_SIZE))

    @export()
    def i2c_smbus_read_byte_data(self, client, command):
        data = bytearray(SMBUS_DATA_SIZE)
        status = self._client_smbus(client, READ, command, BYTE_DATA, data)
        return status if status < 0 else data[0]

    @export()
    def i2c_smbus_write_byte_data(self, client, command, value):
        data = bytearray(SMBUS_DATA_SIZE)
        data[0] = value & 0xFF
        return self._client_smbus(client, WRITE, command, BYTE_DATA, data)

    @export()
    def i2c_smbus_read_word_data(self, client, command):
        data = bytearray(SMBUS_DATA_SIZE)
        status = self._client_smbus(client, READ, command, WORD_DATA, data)
        return status if status < 0 else data[0] | data[1] << 8

    @export()
    def i2c_smbus_write_word_data(self, client, command, value):
        data = bytearray(SMBUS_DATA_SIZE)
        data[0:2] = (value & 0xFFFF).to_bytes(2, "little")
        return self._client_smbus(client, WRITE, command, WORD_DATA, data)

    @export()
    def i2c_smbus_read_block_data(self, client, command, values):
        data = bytearray(SMBUS_DATA_SIZE)
        status = self._client_smbus(client, READ, command, BLOCK_DATA, data)
        if status:
            return status
        self.vm.write(values, bytes(data[1:1 + data[0]]))
        return data[0]

    @export()
    def i2c_smbus_write_block_data(self, client, command, length, values):
        length = min(length & 0xFF, BLOCK_MAX)
        data = bytearray(SMBUS_DATA_SIZE)
        data[0] = length
        data[1:1 + length] = self.vm.read(values, length)
        return self._client_smbus(client, WRITE, command, BLOCK_DATA, data)

    @export()
    def i2c_smbus_read_i2c_block_data(self, client, command, length, values):
        length = min(length & 0xFF, BLOCK_MAX)
        data = bytearray(SMBUS_DATA_SIZE)
        data[0] = length
        status = self._client_smbus(client, READ, command, I2C_BLOCK_DATA, data)
        if status < 0:
            return status
        self.vm.write(values, bytes(data[1:1 + data[0]]))
        return data[0]

    @export()
    def i2c_smbus_write_i2c_block_data(self, client, command, length, values):
        length = min(length & 0xFF, BLOCK_MAX)
        data = bytearray(SMBUS_DATA_SIZE)
        data[0] = length
        data[1:1 + length] = self.vm.read(values, length)
        return self._client_smbus(client, WRITE, command, I2C_BLOCK_DATA, data)


def _addr_byte(msg):
    return bytes([((msg.addr << 1) | (1 if msg.read else 0)) & 0xFF])
