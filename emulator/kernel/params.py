"""Module parameter operations (kernel/params.c of 3.14): what module_param() points at.

On the board, `module_param(n, int, perm)` puts `&param_ops_int` in the module's
struct kernel_param, so a module with parameters imports `param_ops_<type>`: data objects
(struct kernel_param_ops: flags, set, get, free) whose set/get are the exported
param_set_<type>/param_get_<type>. They parse and format as 3.14 does: integers with
kstrto*'s rules (base prefix, range -> -ERANGE, junk -> -EINVAL), bool as strtobool
(y/Y/1, n/N/0), charp as a kmalloc'd copy (at most 1024 bytes).
"""

import struct

from .errno import EINVAL, ENOSPC, ERANGE
from .hypercall import export

#: struct kernel_param (linux/moduleparam.h): name, ops, perm/level, arg.
KP_NAME, KP_ARG = 0, 12
OPS_SIZE = 16                            # flags, set, get, free
KERNEL_PARAM_FL_NOARG = 1
PAGE_SIZE = 4096
#: type -> (bytes, signed, printf conversion)
INTEGERS = {"byte": (1, False, "%hhu"), "short": (2, True, "%hi"),
            "ushort": (2, False, "%hu"), "int": (4, True, "%i"), "uint": (4, False, "%u"),
            "long": (4, True, "%li"), "ulong": (4, False, "%lu")}
TYPES = (*INTEGERS, "charp", "bool", "invbool")


def _neg(err):
    return -err & 0xFFFFFFFF


def kstrto(text, size, signed):
    """kstrtoint & co.: (value, 0) or (None, errno). Base 0: 0x.. hex, 0.. octal."""
    text = text.rstrip("\n")
    sign = 1
    if signed and text.startswith("-"):
        sign, text = -1, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    base = 16 if text[:2].lower() == "0x" else 8 if text[:1] == "0" and len(text) > 1 else 10
    digits = text[2:] if base == 16 else text
    if not digits or any(c not in "0123456789abcdefABCDEF"[:base + (6 if base == 16 else 0)]
                         for c in digits):
        return None, EINVAL
    value = sign * int(digits, base)
    bits = 8 * size
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not lo <= value <= hi:
        return None, ERANGE
    return value, 0


class ModuleParams:
    def __init__(self, vm, kmalloc, printk):
        self._vm, self._kmalloc, self._printk = vm, kmalloc, printk

    def data_objects(self, alloc, stub_address):
        """param_ops_<type> objects in guest memory; returns {symbol: address}."""
        symbols = {}
        for kind in TYPES:
            va = alloc(OPS_SIZE)
            free = stub_address("param_free_charp") if kind == "charp" else 0
            flags = KERNEL_PARAM_FL_NOARG if kind == "bool" else 0
            self._vm.write(va, struct.pack("<4I", flags, stub_address(f"param_set_{kind}"),
                                           stub_address(f"param_get_{kind}"), free))
            symbols[f"param_ops_{kind}"] = va
        return symbols

    # -- helpers ----------------------------------------------------------------------------
    def _arg(self, kp):
        return self._vm.read_u32(kp + KP_ARG)

    def _text(self, va, limit=4096):
        return self._vm.read_cstr(va, limit).decode("utf-8", "replace")

    def _set_int(self, kind, val, kp):
        size, signed, _ = INTEGERS[kind]
        value, err = kstrto(self._text(val), size, signed)
        if err:
            return _neg(err)
        self._vm.write(self._arg(kp), (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        return 0

    def _get_int(self, kind, buffer, kp):
        size, signed, _ = INTEGERS[kind]
        value = int.from_bytes(self._vm.read(self._arg(kp), size), "little", signed=signed)
        return self._put(buffer, str(value))

    def _put(self, buffer, text):
        data = text.encode()[:PAGE_SIZE - 1]
        self._vm.write(buffer, data + b"\0")
        return len(data)

    def _strtobool(self, val):
        first = self._text(val, 2)[:1] if val else "1"
        return {"y": 1, "Y": 1, "1": 1, "n": 0, "N": 0, "0": 0}.get(first)

    # -- integers ---------------------------------------------------------------------------
    @export()
    def param_set_byte(self, val, kp):
        return self._set_int("byte", val, kp)

    @export()
    def param_get_byte(self, buffer, kp):
        return self._get_int("byte", buffer, kp)

    @export()
    def param_set_short(self, val, kp):
        return self._set_int("short", val, kp)

    @export()
    def param_get_short(self, buffer, kp):
        return self._get_int("short", buffer, kp)

    @export()
    def param_set_ushort(self, val, kp):
        return self._set_int("ushort", val, kp)

    @export()
    def param_get_ushort(self, buffer, kp):
        return self._get_int("ushort", buffer, kp)

    @export()
    def param_set_int(self, val, kp):
        return self._set_int("int", val, kp)

    @export()
    def param_get_int(self, buffer, kp):
        return self._get_int("int", buffer, kp)

    @export()
    def param_set_uint(self, val, kp):
        return self._set_int("uint", val, kp)

    @export()
    def param_get_uint(self, buffer, kp):
        return self._get_int("uint", buffer, kp)

    @export()
    def param_set_long(self, val, kp):
        return self._set_int("long", val, kp)

    @export()
    def param_get_long(self, buffer, kp):
        return self._get_int("long", buffer, kp)

    @export()
    def param_set_ulong(self, val, kp):
        return self._set_int("ulong", val, kp)

    @export()
    def param_get_ulong(self, buffer, kp):
        return self._get_int("ulong", buffer, kp)

    # -- strings and booleans ---------------------------------------------------------------
    @export()
    def param_set_charp(self, val, kp):
        text = self._vm.read_cstr(val, 1026)
        if len(text) > 1024:
            self._printk(3, f"{self._text(self._vm.read_u32(kp + KP_NAME), 64)}: string "
                            f"parameter too long")
            return _neg(ENOSPC)
        copy = self._kmalloc.alloc(len(text) + 1)
        if not copy:
            return _neg(12)
        self._vm.write(copy, text + b"\0")
        self._vm.write_u32(self._arg(kp), copy)
        return 0

    @export()
    def param_get_charp(self, buffer, kp):
        ptr = self._vm.read_u32(self._arg(kp))
        return self._put(buffer, self._text(ptr) if ptr else "(null)")

    @export()
    def param_free_charp(self, arg):
        """(static on the board: reached through param_ops_charp.free)"""
        ptr = self._vm.read_u32(arg)
        if ptr and self._kmalloc.free(ptr):
            self._vm.write_u32(arg, 0)

    @export()
    def param_set_bool(self, val, kp):
        value = self._strtobool(val)
        if value is None:
            return _neg(EINVAL)
        self._vm.write(self._arg(kp), bytes([value]))
        return 0

    @export()
    def param_get_bool(self, buffer, kp):
        return self._put(buffer, "Y" if self._vm.read(self._arg(kp), 1)[0] else "N")

    @export()
    def param_set_invbool(self, val, kp):
        value = self._strtobool(val)
        if value is None:
            return _neg(EINVAL)
        self._vm.write(self._arg(kp), bytes([1 - value]))
        return 0

    @export()
    def param_get_invbool(self, buffer, kp):
        return self._put(buffer, "N" if self._vm.read(self._arg(kp), 1)[0] else "Y")
