"""The allocation fast path with the memory checker on (issue 15 (c)): the ARM routines
serve kmalloc/kfree and kmem_cache_alloc/free without Python, and what they do is what the
checker's slow path does: the shadow, the quarantine, the alloc/free sites of reports."""

import io
import struct

from emulator.cpu import CPSR, SVC_MODE
from emulator.kernel.mm.gfp import GFP_KERNEL
from emulator.kernel.mm.kasan import QUARANTINE_BYTES
from emulator.machine import Machine
from emulator.memory.layout import virt_to_phys

STRB_R1_R0 = 0xE5C01000          # strb r1, [r0]
LDRB_R0_R0 = 0xE5D00000          # ldrb r0, [r0]
BX_LR = 0xE12FFF1E


def machine(**kw):
    out = io.StringIO()
    m = Machine("fs4412", ".", console=out.write, **kw)
    m.out = out
    m.cpu.set_reg(CPSR, SVC_MODE)
    return m


def routine(m, *words):
    va = (m.kmalloc.alloc(8192) + 4095) & ~4095
    m.ram.write(virt_to_phys(va), struct.pack(f"<{len(words)}I", *words))
    m.cpu.forget_code(va, va + 4 * len(words))
    return va


def fast(m, name):
    return m.mm.fast.addresses[name]


def test_fast_path_is_on_with_the_checker_and_serves_without_python():
    m = machine()
    assert m.mm.kasan is not None and m.mm.fast.on
    kmalloc, kfree = fast(m, "__kmalloc"), fast(m, "kfree")
    first = m.guest.call(kmalloc, (100, GFP_KERNEL))         # refill: one service call
    calls = m.hypercalls.count
    objs = [m.guest.call(kmalloc, (100, GFP_KERNEL)) for _ in range(10)]
    for obj in objs:
        m.guest.call(kfree, (obj,))
    assert m.hypercalls.count == calls                       # all in ARM
    kasan = m.mm.kasan
    assert kasan.bad(first, 100) is None and kasan.bad(first + 96, 8) == first + 100
    assert kasan.shadow[kasan._index(first + 96)] == 4       # a partial granule
    assert all(kasan.bad(o, 1) == o for o in objs)           # freed: poisoned
    assert set(objs) <= set(kasan.quarantine)                # and quarantined
    assert m.kasan_reports == []


def test_reports_name_the_fast_paths_alloc_and_free_sites_and_tasks():
    m = machine()
    kmalloc, kfree = fast(m, "__kmalloc"), fast(m, "kfree")
    m.guest.call(kmalloc, (64, GFP_KERNEL))                  # refill
    obj = m.guest.call(kmalloc, (64, GFP_KERNEL))            # served in ARM
    store = routine(m, STRB_R1_R0, BX_LR)
    m.guest.call(store, (obj + 64, 1))
    assert len(m.kasan_reports) == 1
    report = m.kasan_reports[0]
    assert report.startswith(f"BUG: KASAN: slab-out-of-bounds in {store:#010x}")
    assert "located 0 bytes to the right of\n 64-byte region" in report
    assert "Allocated by task 1:" in report and "Freed by" not in report
    m.guest.call(kfree, (obj,))
    load = routine(m, LDRB_R0_R0, BX_LR)
    m.guest.call(load, (obj + 8,))
    report = m.kasan_reports[1]
    assert report.startswith("BUG: KASAN: use-after-free in")
    assert "Allocated by task 1:" in report and "Freed by task 1:" in report
    assert m.mm.kasan.alloc_info.get(obj)[3] == 64
    assert m.mm.kasan.free_info.get(obj) is not None


def test_a_double_free_leaves_the_fast_path_and_is_reported():
    m = machine()
    kmalloc, kfree = fast(m, "__kmalloc"), fast(m, "kfree")
    m.guest.call(kmalloc, (64, GFP_KERNEL))
    obj = m.guest.call(kmalloc, (64, GFP_KERNEL))
    m.guest.call(kfree, (obj,))
    calls = m.hypercalls.count
    m.guest.call(kfree, (obj,))
    m.guest.call(kfree, (obj + 8,))                          # not an object start
    assert m.hypercalls.count == calls + 2
    kinds = [r.splitlines()[0].split(" in ")[0] for r in m.kasan_reports]
    assert kinds == ["BUG: KASAN: double-free", "BUG: KASAN: invalid-free"]


def test_quarantine_holds_a_mebibyte_and_the_routines_evict_the_oldest():
    m = machine()
    kmalloc, kfree = fast(m, "__kmalloc"), fast(m, "kfree")
    first = m.guest.call(kmalloc, (100, GFP_KERNEL))
    m.guest.call(kfree, (first,))
    seen = set()
    for _ in range(QUARANTINE_BYTES // 256 + 64):            # kmalloc-128: a 256-byte stride
        p = m.guest.call(kmalloc, (100, GFP_KERNEL))
        assert p != first or len(seen) >= QUARANTINE_BYTES // 256 - 1
        seen.add(p)
        m.guest.call(kfree, (p,))
    assert first in seen                                     # reused once it left
    held = m.mm.kasan.quarantine
    assert sum(n for _, n in held.values()) <= QUARANTINE_BYTES
    assert len(held) == QUARANTINE_BYTES // 256
    assert m.kasan_reports == []


def test_kmem_cache_routines_and_the_leak_ledger():
    m = machine()
    cache_va = m.mm.caches.kmem_cache_create(0, 0, 0, 0, 0)
    assert cache_va == 0                                     # (a name is required)
    name = m.kmalloc.alloc(16)
    m.ram.write(virt_to_phys(name), b"fastobj\0")
    cache_va = m.mm.caches.kmem_cache_create(name, 100, 0, 0, 0)
    alloc, free = fast(m, "kmem_cache_alloc"), fast(m, "kmem_cache_free")
    m.guest.call(alloc, (cache_va, GFP_KERNEL))              # refill
    calls = m.hypercalls.count
    objs = [m.guest.call(alloc, (cache_va, GFP_KERNEL)) for _ in range(4)]
    m.guest.call(free, (cache_va, objs[0]))
    assert m.hypercalls.count == calls
    assert m.mm.kasan.bad(objs[1], 100) is None and m.mm.kasan.bad(objs[1], 101) is not None
    for sync in m.ledger.before_report:
        sync()
    held = {h.key for h in m.ledger._held.values() if h.kind == "slab"}
    assert set(objs[1:]) <= held and objs[0] not in held
