"""Module parameter operations (kernel/params.py): param_ops_<type> objects and the
param_set/param_get functions with 3.14's parsing (kstrto*, strtobool, charp copies)."""

import io
import struct

import pytest

from emulator.kernel.params import kstrto
from emulator.machine import Machine

EINVAL, ERANGE = -22 & 0xFFFFFFFF, -34 & 0xFFFFFFFF


@pytest.fixture(scope="module")
def m():
    return Machine("fs4412", ".", console=io.StringIO().write)


def call(m, name, *args):
    """Run the exported service as a module would: through its stub, in guest code."""
    return m.guest.call(m.hypercalls.address(name), args, 1_000_000, what=name)


def kparam(m, name, size):
    """A struct kernel_param for a variable of `size` bytes; returns (kp, arg, text buffer)."""
    arg = m.kmalloc.alloc(8, zero=True)
    label = m.kmalloc.alloc(16, zero=True)
    m.vm.write(label, name.encode() + b"\0")
    kp = m.kmalloc.alloc(16, zero=True)
    m.vm.write(kp, struct.pack("<IIHhI", label, 0, 0o644, -1, arg))
    return kp, arg, m.kmalloc.alloc(64, zero=True)


def cstr(m, text):
    va = m.kmalloc.alloc(len(text) + 1)
    m.vm.write(va, text.encode() + b"\0")
    return va


def test_kstrto_rules():
    assert kstrto("0x1f", 4, True) == (31, 0) and kstrto("017", 4, True) == (15, 0)
    assert kstrto("-5\n", 4, True) == (-5, 0) and kstrto("-5", 4, False)[1] == 22
    assert kstrto("256", 1, False)[1] == 34 and kstrto("12x", 4, True)[1] == 22


def test_param_ops_objects_point_at_the_functions(m):
    ops = m.hypercalls.address("param_ops_int")
    flags, set_fn, get_fn, free = struct.unpack("<4I", m.vm.read(ops, 16))
    assert (flags, set_fn, get_fn, free) == (0, m.hypercalls.address("param_set_int"),
                                             m.hypercalls.address("param_get_int"), 0)
    assert m.vm.read_u32(m.hypercalls.address("param_ops_bool")) == 1     # FL_NOARG


def test_int_bool_and_charp_set_and_get(m):
    kp, arg, buf = kparam(m, "count", 4)
    assert call(m, "param_set_int", cstr(m, "-42"), kp) == 0
    assert struct.unpack("<i", m.vm.read(arg, 4))[0] == -42
    assert call(m, "param_get_int", buf, kp) == 3 and m.vm.read_cstr(buf, 64) == b"-42"
    assert call(m, "param_set_byte", cstr(m, "300"), kp) == ERANGE
    assert call(m, "param_set_uint", cstr(m, "ten"), kp) == EINVAL
    assert call(m, "param_set_bool", cstr(m, "Y"), kp) == 0 and m.vm.read(arg, 1) == b"\1"
    assert call(m, "param_get_invbool", buf, kp) == 1 and m.vm.read_cstr(buf, 4) == b"N"
    assert call(m, "param_set_charp", cstr(m, "hello"), kp) == 0
    assert m.vm.read_cstr(m.vm.read_u32(arg), 16) == b"hello"
    assert call(m, "param_get_charp", buf, kp) == 5
