"""arch/arm/lib calls of the board's headers (kernel/armlib.py) and get_user/put_user
(kernel/uaccess.py), against a real machine's memory."""

import io

import pytest

from emulator.kernel.armlib import ArmLib, TICKS_PER_JIFFY, UDELAY_MULT
from emulator.kernel.uaccess import EFAULT_RET, Uaccess
from emulator.machine import Machine


@pytest.fixture(scope="module")
def m():
    return Machine("fs4412", ".", console=io.StringIO().write)


@pytest.fixture
def lib(m):
    return ArmLib(m.vm, m.clock)


def test_bit_operations_and_searches(m, lib):
    buf = m.kmalloc.alloc(16, zero=True)
    lib.set_bit(3, buf)
    lib.set_bit(40, buf)
    assert m.vm.read_u32(buf) == 8 and m.vm.read_u32(buf + 4) == 0x100
    assert lib.test_and_set_bit(3, buf) == 1 and lib.test_and_clear_bit(3, buf) == 1
    assert lib.test_and_change_bit(0, buf) == 0 and m.vm.read_u32(buf) == 1
    assert lib.find_first_bit(buf, 64) == 0
    assert lib.find_next_bit(buf, 64, 1) == 40
    assert lib.find_next_bit(buf, 40, 1) == 40          # none below size: size
    assert lib.find_next_bit(buf, 64, 64) == 64
    assert lib.find_first_zero_bit(buf, 64) == 1
    assert lib.find_next_zero_bit(buf, 64, 40) == 41
    assert lib.sw_hweight32(0xF0F0000F) == 12
    m.kmalloc.free(buf)


def test_memzero(m, lib):
    buf = m.kmalloc.alloc(64)
    m.vm.write(buf, b"\xff" * 64)
    lib.memzero(buf + 8, 16)
    assert m.vm.read(buf, 32) == b"\xff" * 8 + bytes(16) + b"\xff" * 8
    m.kmalloc.free(buf)


def test_delays_wait_in_virtual_time(m, lib):
    t0 = m.clock.now_ns()
    lib.timer_udelay(1000)
    lib.timer_const_udelay(100 * UDELAY_MULT)
    lib.timer_delay(TICKS_PER_JIFFY)                   # one jiffy: 5 ms at HZ 200
    waited = m.clock.now_ns() - t0
    assert 6_099_000 <= waited <= 6_100_000


def test_get_user_and_put_user_check_the_limit_and_the_mapping(m):
    ua = Uaccess(m.vm)
    limit = 0xBEFFFFFF                                  # USER_DS - 1
    kernel = m.kmalloc.alloc(8, zero=True)
    assert ua.get_user_4(kernel, limit) == (EFAULT_RET, limit, 0)   # beyond the limit
    assert ua.get_user_4(0x1000, limit) == (EFAULT_RET, limit, 0)   # nothing mapped
    assert ua.put_user_8(0xBEFFFFFC, limit, 1, 2) == EFAULT_RET    # crosses the limit
    m.kmalloc.free(kernel)


def test_get_user_and_put_user_on_a_user_page(m):
    from emulator.kernel.process import AddressSpace
    from emulator.memory.mmu import USER_RW
    mm = AddressSpace(m.tables, m.frames, m.ram, m.cpu)
    assert mm.map_zeroed(0x20000, 4096, USER_RW)
    m.cpu.flush_tlb()
    ua, limit = Uaccess(m.vm), 0xBEFFFFFF
    assert ua.put_user_4(0x20010, limit, 0xDEADBEEF, 0) == 0
    assert ua.put_user_8(0x20018, limit, 1, 2) == 0
    assert ua.get_user_4(0x20010, limit) == (0, limit, 0xDEADBEEF)
    assert ua.get_user_2(0x20012, limit) == (0, limit, 0xDEAD)
    assert ua.get_user_1(0x2001C, limit) == (0, limit, 2)
    assert ua.put_user_1(0x21000, limit, 7, 0) == EFAULT_RET        # the next page: unmapped
