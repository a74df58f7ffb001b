"""Small stand-ins the unit tests share."""

import struct


class FlatMemory:
    """Guest memory as one bytearray at address 0 (the read/write/u32 calls services use)."""

    def __init__(self, size=0x10000):
        self.data = bytearray(size)

    def read(self, va, n):
        return bytes(self.data[va:va + n])

    def write(self, va, data):
        self.data[va:va + len(data)] = data

    def read_u32(self, va):
        return struct.unpack_from("<I", self.data, va)[0]

    def write_u32(self, va, value):
        struct.pack_into("<I", self.data, va, value & 0xFFFFFFFF)
