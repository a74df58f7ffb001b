"""Issue 16's memory-checker gaps: RCU-typesafe caches, krealloc's shadow, the access start
in reports, and string services checked byte by byte."""

import pytest

from emulator.kernel.mm.gfp import GFP_KERNEL
from emulator.kernel.mm.slab import SLAB_DESTROY_BY_RCU
from tests.unit.test_mm_checks import LDRB_R0_R0, BX_LR, guest_routine, machine

LDR_R0_R0 = 0xE5900000        # ldr r0, [r0]


def _service(m, name):
    return next(p for p in m.hypercalls._services if p.name == name).fn


def test_rcu_cache_objects_stay_readable_after_free():
    m = machine()
    name = m.kmalloc.kmalloc(16, GFP_KERNEL)
    m.vm.write(name, b"rcu_objs\0")
    cache = _service(m, "kmem_cache_create")(name, 48, 0, SLAB_DESTROY_BY_RCU, 0)
    obj = _service(m, "kmem_cache_alloc")(cache, GFP_KERNEL)
    _service(m, "kmem_cache_free")(cache, obj)
    load = guest_routine(m, LDRB_R0_R0, BX_LR)
    m.guest.call(load, (obj + 4,))
    assert m.kasan_reports == []
    # an ordinary cache still reports the same access
    plain = m.kmalloc.kmalloc(48, GFP_KERNEL)
    m.kmalloc.kfree(plain)
    m.guest.call(load, (plain + 4,))
    assert m.kasan_reports and "use-after-free" in m.kasan_reports[0]


def test_krealloc_in_place_repoisons_a_shrunk_tail():
    m = machine()
    obj = m.kmalloc.kmalloc(100, GFP_KERNEL)
    assert m.kmalloc.krealloc(obj, 40, GFP_KERNEL) == obj
    load = guest_routine(m, LDRB_R0_R0, BX_LR)
    m.guest.call(load, (obj + 39,))
    assert m.kasan_reports == []
    m.guest.call(load, (obj + 60,))
    assert len(m.kasan_reports) == 1
    assert "slab-out-of-bounds" in m.kasan_reports[0]
    assert "20 bytes to the right of\n 40-byte region" in m.kasan_reports[0]


def test_krealloc_grows_a_large_block_in_place():
    m = machine()
    big = m.kmalloc.kmalloc(9000, GFP_KERNEL)           # 3 pages
    assert m.kmalloc.krealloc(big, 12000, GFP_KERNEL) == big
    load = guest_routine(m, LDRB_R0_R0, BX_LR)
    m.guest.call(load, (big + 11000,))
    assert m.kasan_reports == []
    m.guest.call(load, (big + 12100,))
    assert len(m.kasan_reports) == 1


def test_report_prints_the_access_start():
    m = machine()
    obj = m.kmalloc.kmalloc(100, GFP_KERNEL)           # last granule: 4 valid bytes
    load = guest_routine(m, LDR_R0_R0, BX_LR)
    m.guest.call(load, (obj + 98,))                    # 4 bytes from 98: 100, 101 bad
    assert "Read of size 4 at addr %08x" % (obj + 98) in m.kasan_reports[0]


@pytest.mark.parametrize("service, args", [
    ("strlen", lambda s, t: (s,)), ("strnlen", lambda s, t: (s, 64)),
    ("strcmp", lambda s, t: (s, t)), ("strncmp", lambda s, t: (s, t, 64)),
    ("strchr", lambda s, t: (s, ord("z"))), ("strcpy", lambda s, t: (t, s)),
])
def test_string_services_are_checked_byte_by_byte(service, args):
    m = machine()
    s = m.kmalloc.kmalloc(8, GFP_KERNEL)
    t = m.kmalloc.kmalloc(256, GFP_KERNEL)
    m.vm.write(s, b"aaaaaaaa")                          # no NUL inside the object
    m.vm.write(t, b"aaaaaaaaaaaaaaaaaaaa\0")
    _service(m, service)(*args(s, t))
    report = m.kasan_reports[0]
    assert report.startswith("BUG: KASAN: slab-out-of-bounds")
    assert f"Read of size 1 at addr {s + 8:08x}" in report


def test_printk_percent_s_is_checked():
    m = machine()
    s = m.kmalloc.kmalloc(8, GFP_KERNEL)
    fmt = m.kmalloc.kmalloc(16, GFP_KERNEL)
    m.vm.write(s, b"aaaaaaaa")
    m.vm.write(fmt, b"<%s>\n\0")
    printk = m.printk
    from emulator.kernel.hypercall import VarArgs
    printk.printk(fmt, VarArgs((fmt, s, 0, 0), 1, 0, m.vm.read_u32))
    assert m.kasan_reports and f"Read of size 1 at addr {s + 8:08x}" in m.kasan_reports[0]


def test_memmove_with_a_huge_size_reports_then_faults():
    """test_kasan's kmalloc_memmove_invalid_size: memmove(p, p + 4, -2)."""
    from emulator.memory.mmu import GuestFaultAccess
    m = machine()
    p = m.kmalloc.kmalloc(64, GFP_KERNEL)
    with pytest.raises(GuestFaultAccess):        # Entry turns this into the oops (exit 3)
        _service(m, "memmove")(p, p + 4, 0xFFFFFFFE)
    assert m.kasan_reports[0].startswith("BUG: KASAN: slab-out-of-bounds")
    assert f"Read of size {0xFFFFFFFE} at addr {p + 4:08x}" in m.kasan_reports[0]
