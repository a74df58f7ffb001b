"""Guest calls: from the host, and nested from inside a kernel service (slab ctors, timers)."""

import io
import struct

import pytest

from emulator.kernel.hypercall import export
from emulator.machine import Machine

ADD_ONE = (0xE2800001, 0xE12FFF1E)                  # add r0, r0, #1; bx lr


@pytest.fixture
def m(tmp_path):
    return Machine("fs4412", str(tmp_path), console=io.StringIO().write)


def _code(m, *words):
    va = m.kmalloc.alloc(64)
    m.vm.write(va, struct.pack(f"<{len(words)}I", *words))
    return va


def test_host_call_returns_r0(m):
    fn = _code(m, *ADD_ONE)
    assert m.guest.call(fn, (41,), 1_000_000) == 42


def test_nested_call_from_a_service(m):
    callee = _code(m, *ADD_ONE)

    class CallBack:
        @export("call_me_back")
        def call_me_back(self, fn, x):
            return m.guest.call_nested(fn, (x,)) * 10

    m.hypercalls.register(CallBack())
    m.ram.write(m.tables.translate(m.hypercalls.page_va), m.hypercalls.stub_page())
    stub = m.hypercalls.address("call_me_back")
    # push {lr}; mov r1, #41; ldr r0, =callee; ldr ip, =stub; blx ip; pop {pc}
    caller = _code(m, 0xE52DE004, 0xE3A01029, 0xE59F0008, 0xE59FC008, 0xE12FFF3C, 0xE49DF004,
                   callee, stub)
    assert m.guest.call(caller, (), 1_000_000) == 420


def test_endless_guest_code_times_out(m):
    from emulator.errors import GuestTimeout
    loop = _code(m, 0xEAFFFFFE)                          # b .
    with pytest.raises(GuestTimeout, match="did not finish within 0.2 s"):
        m.guest.call(loop, (), 200_000)
