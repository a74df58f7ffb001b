"""The memory checker (KASAN-style), atomic-context checks, failure injection and the ARM
fast path, driven by small guest routines and by the services' Python entry points."""

import io
import struct

import pytest

from emulator.cpu import CPSR, CPSR_I, SVC_MODE
from emulator.errors import GuestTimeout
from emulator.kernel.mm.faults import fail_command
from emulator.kernel.mm.gfp import GFP_ATOMIC, GFP_KERNEL, __GFP_NOFAIL, __GFP_ZERO
from emulator.kernel.mm.kasan import QUARANTINE_BYTES
from emulator.kernel.mm.mempool import MEMPOOL_FIELDS
from emulator.machine import Machine
from emulator.memory.layout import virt_to_phys

CALLER = 0xBF100100             # module area, no module there: shown as an address
STRB_R1_R0 = 0xE5C01000          # strb r1, [r0]
LDRB_R0_R0 = 0xE5D00000          # ldrb r0, [r0]
BX_LR = 0xE12FFF1E


def machine(**kw):
    out = io.StringIO()
    m = Machine("fs4412", ".", console=out.write, **kw)
    m.out = out
    m.hypercalls.caller = CALLER
    m.cpu.set_reg(CPSR, SVC_MODE)
    return m


def guest_routine(m, *words):
    """Place ARM words in a fresh kernel page; returns its address."""
    va = m.kmalloc.alloc(8192)
    va = (va + 4095) & ~4095
    m.ram.write(virt_to_phys(va), struct.pack(f"<{len(words)}I", *words))
    m.cpu.forget_code(va, va + 4 * len(words))
    return va


# -- KASAN --------------------------------------------------------------------------------

def test_out_of_bounds_store_is_reported_once_with_the_object():
    m = machine()
    obj = m.kmalloc.kmalloc(100, GFP_KERNEL)
    store = guest_routine(m, STRB_R1_R0, BX_LR)
    m.guest.call(store, (obj + 99, 1))                 # inside: fine
    assert m.kasan_reports == []
    m.guest.call(store, (obj + 100, 1))
    m.guest.call(store, (obj + 101, 1))                # same object, same kind: once
    assert len(m.kasan_reports) == 1
    report = m.kasan_reports[0]
    assert report.startswith(f"BUG: KASAN: slab-out-of-bounds in {store:#010x}")
    assert f"Write of size 1 at addr {obj + 100:08x} by task insmod/1" in report
    assert "which belongs to the cache kmalloc-128 of size 128" in report
    assert "located 0 bytes to the right of\n 100-byte region" in report
    assert "Allocated by task 1:" in report and "Freed by" not in report
    assert "=" * 66 in m.out.getvalue()


def test_use_after_free_read_names_alloc_and_free_sites():
    m = machine()
    obj = m.kmalloc.kmalloc(64, GFP_KERNEL)
    m.hypercalls.caller = CALLER + 0x40
    m.kmalloc.kfree(obj)
    load = guest_routine(m, LDRB_R0_R0, BX_LR)
    m.guest.call(load, (obj + 8,))
    report = m.kasan_reports[0]
    assert report.startswith("BUG: KASAN: use-after-free in")
    assert f"Read of size 1 at addr {obj + 8:08x}" in report
    assert "Allocated by task 1:\n 0xbf100100" in report
    assert "Freed by task 1:\n 0xbf100140" in report


def test_double_and_invalid_free():
    m = machine()
    a, b = m.kmalloc.kmalloc(64, GFP_KERNEL), m.kmalloc.kmalloc(64, GFP_KERNEL)
    m.kmalloc.kfree(a)
    m.kmalloc.kfree(a)
    m.kmalloc.kfree(b + 8)
    m.kmalloc.kfree(0x1234)
    kinds = [r.splitlines()[0].split(" in ")[0] for r in m.kasan_reports]
    assert kinds == ["BUG: KASAN: double-free", "BUG: KASAN: invalid-free",
                     "BUG: KASAN: invalid-free"]
    assert f"Free of addr {b + 8:08x}" in m.kasan_reports[1]
    assert "does not belong to the slab allocator" in m.kasan_reports[2]


def test_kernel_string_functions_are_checked():
    m = machine()
    obj = m.kmalloc.kmalloc(100, GFP_KERNEL)
    string_lib = next(p for p in m.hypercalls._services if p.name == "memset").fn.__self__
    string_lib.memset(obj, 0, 100)
    assert m.kasan_reports == []
    string_lib.memset(obj, 0, 128)
    assert "Write of size 128" in m.kasan_reports[0]
    assert "kernel function it called" in m.kasan_reports[0]


def test_shadow_granules_and_quarantine():
    m = machine()
    kasan, obj = m.mm.kasan, m.kmalloc.kmalloc(100, GFP_KERNEL)
    assert kasan.bad(obj, 100) is None and kasan.bad(obj + 96, 8) == obj + 100
    assert kasan.shadow[kasan._index(obj + 96)] == 4
    m.kmalloc.kfree(obj)
    assert kasan.bad(obj, 1) == obj and obj in kasan.quarantine
    again = m.kmalloc.kmalloc(100, GFP_KERNEL)
    assert again != obj                                 # not reused while quarantined
    seen = set()
    for _ in range(QUARANTINE_BYTES // 192 + 2):
        p = m.kmalloc.kmalloc(100, GFP_KERNEL)
        seen.add(p)
        m.kmalloc.kfree(p)
    assert obj in seen                                  # reused once it left the quarantine
    assert sum(n for _, n in kasan.quarantine.values()) <= QUARANTINE_BYTES


def test_checker_off_means_no_reports_and_no_hook():
    m = machine(kasan=False)
    assert m.kasan_reports is None and m.mm.kasan is None and m.mm.fast is not None


# -- the fast path --------------------------------------------------------------------------

def test_fast_path_serves_from_the_array_cache():
    m = machine(kasan=False)
    kmalloc, kfree = (m.mm.fast.addresses[n] for n in ("__kmalloc", "kfree"))
    calls = m.hypercalls.count
    objs = [m.guest.call(kmalloc, (100, GFP_KERNEL)) for _ in range(20)]
    assert m.hypercalls.count == calls + 1             # one refill
    assert objs == sorted(objs) and len(set(objs)) == 20
    assert all(m.kmalloc.usable_size(o) == 128 for o in objs)
    for o in objs:
        m.guest.call(kfree, (o,))
    assert m.hypercalls.count == calls + 1
    assert m.guest.call(kmalloc, (100, GFP_KERNEL)) == objs[-1]     # LIFO reuse


def test_fast_path_hands_off_what_it_cannot_do():
    m = machine(kasan=False)
    kmalloc, kfree = (m.mm.fast.addresses[n] for n in ("__kmalloc", "kfree"))
    z = m.guest.call(kmalloc, (64, GFP_KERNEL | __GFP_ZERO))
    assert m.vm.read(z, 64) == bytes(64)
    calls = m.hypercalls.count
    m.guest.call(kfree, (z,))
    m.guest.call(kfree, (z,))                           # the same object twice
    assert m.hypercalls.count == calls + 1
    assert "Object already free" in m.out.getvalue()
    m.mm.context.preempt_add(1)                         # atomic: GFP_KERNEL goes to Python
    m.guest.call(kmalloc, (64, GFP_KERNEL))
    m.mm.context.preempt_add(-1)
    assert "sleeping function called from invalid context" in m.out.getvalue()


def test_fast_path_owners_reach_the_leak_ledger():
    m = machine(kasan=False)
    kmalloc = m.mm.fast.addresses["__kmalloc"]
    first = m.guest.call(kmalloc, (60, GFP_KERNEL))   # refill (recorded directly)
    second = m.guest.call(kmalloc, (70, GFP_KERNEL))  # fast: only in the track array
    for sync in m.ledger.before_report:
        sync()
    held = {h.key: h.what for h in m.ledger._held.values() if h.kind == "kmalloc"}
    assert held[first].startswith("60 bytes") and held[second].startswith("70 bytes")


def test_fast_path_is_off_while_tracing_or_injecting():
    m = machine(kasan=False)
    fail_command(m.mm.faults, ["kmalloc", "nth=1"])
    assert not m.mm.fast.on
    fail_command(m.mm.faults, ["off"])
    assert m.mm.fast.on
    m.trace_calls()
    assert not m.mm.fast.on


# -- atomic context ---------------------------------------------------------------------------

def test_spinlocks_track_the_preempt_count_and_irqs():
    m = machine()
    ctx, lock = m.mm.context, m.kmalloc.alloc(64, zero=True)
    ctx.raw_spin_lock(lock)
    assert ctx.preempt_count() == 1 and m.vm.read_u32(lock) == 0x00010000
    assert ctx.raw_spin_trylock(lock) == 0 and ctx.preempt_count() == 1
    ctx.raw_spin_unlock(lock)
    assert ctx.preempt_count() == 0 and m.vm.read_u32(lock) == 0x00010001
    flags = ctx.raw_spin_lock_irqsave(lock)
    assert not flags & CPSR_I and m.cpu.reg(CPSR) & CPSR_I
    ctx.raw_spin_unlock_irqrestore(lock, flags)
    assert not m.cpu.reg(CPSR) & CPSR_I and ctx.preempt_count() == 0
    ctx.raw_spin_lock_bh(lock)
    assert ctx.preempt_count() == 0x201
    ctx.raw_spin_unlock_bh(lock)
    ctx.raw_spin_unlock(lock)
    assert "BUG: spinlock already unlocked on CPU#0, insmod/1" in m.out.getvalue()


def test_spinlock_recursion_stops_the_run():
    m = machine()
    ctx, lock = m.mm.context, m.kmalloc.alloc(64, zero=True)
    ctx.raw_spin_lock(lock)
    with pytest.raises(GuestTimeout, match="deadlock: spin_lock"):
        ctx.raw_spin_lock(lock)
    assert "BUG: spinlock recursion on CPU#0, insmod/1" in m.out.getvalue()


def test_sleeping_calls_in_atomic_context():
    m = machine()
    ctx = m.mm.context
    m.cpu.set_reg(CPSR, SVC_MODE | CPSR_I)              # local_irq_save in the caller
    m.mm.vmalloc.vmalloc_export(8192)
    m.cpu.set_reg(CPSR, SVC_MODE)
    ctx.preempt_add(1)
    delay = next(p for p in m.hypercalls._services if p.name == "msleep").fn.__self__
    delay.msleep(1)
    name = m.kmalloc.alloc(32)
    m.vm.write(name, b"drv.c\0")
    ctx.might_sleep_export(name, 42, 0)
    ctx.preempt_add(-1)
    text = m.out.getvalue()
    assert "BUG: sleeping function called from invalid context at mm/slub.c:965" in text
    assert "in_atomic(): 0, irqs_disabled(): 1, pid: 1, name: insmod" in text
    assert "BUG: scheduling while atomic: insmod/1/0x00000001" in text
    assert "BUG: sleeping function called from invalid context at drv.c:42" in text
    assert len(ctx.reports) == 3


# -- failure injection --------------------------------------------------------------------------

def test_nth_failure_is_deterministic():
    m = machine()
    fail_command(m.mm.faults, ["kmalloc", "nth=3"])
    results = [m.kmalloc.kmalloc(64, GFP_KERNEL) for _ in range(5)]
    assert [bool(r) for r in results] == [True, True, False, True, True]
    assert "FAULT_INJECTION: forcing a failure." in m.out.getvalue()
    assert "name failslab, interval 3" in m.out.getvalue()
    assert m.kmalloc.kmalloc(64, GFP_KERNEL | __GFP_NOFAIL)


def test_percent_failures_repeat_with_the_seed():
    def pattern():
        m = machine()
        fail_command(m.mm.faults, ["page", "percent=30", "seed=7"])
        ps = m.mm.page_services
        return [bool(ps.alloc_pages_nodemask(GFP_ATOMIC, 0, 0, 0)) for _ in range(30)]
    first = pattern()
    assert first == pattern() and 3 < first.count(False) < 20


def test_fail_command_usage():
    m = machine()
    assert fail_command(m.mm.faults, []) == "fail: no failure injection armed\n"
    assert "slab nth=2 times=2" in fail_command(m.mm.faults, ["slab", "nth=2", "times=2"])
    for bad in (["bogus", "nth=1"], ["kmalloc"], ["kmalloc", "nth=0"], ["kmalloc", "x=1"],
                ["kmalloc", "nth=1", "percent=5"]):
        with pytest.raises(ValueError):
            fail_command(m.mm.faults, bad)


# -- vmalloc, per-CPU, mempool ----------------------------------------------------------------

def test_vmalloc_pages_are_virtually_contiguous_physically_scattered():
    m = machine()
    ps, vm = m.mm.page_services, m.mm.vmalloc
    pages = [ps.alloc_pages_nodemask(0x200D2, 0, 0, 0) for _ in range(8)]   # GFP_HIGHUSER
    for page in pages[::2]:
        ps.free_pages_page(page, 0)
    va = vm.vmalloc_export(3 * 4096)
    pfns = [vm.vmalloc_to_pfn(va + i * 4096) for i in range(3)]
    assert 0xF0000000 <= va < 0xFF800000
    assert all(b != a + 1 for a, b in zip(pfns, pfns[1:]))
    m.vm.write(va + 4095, b"ab")                         # across the page boundary
    assert m.vm.read(va + 4095, 2) == b"ab"
    info = m.vfs.read_file("/proc/vmallocinfo").decode()
    assert f"0x{va:08x}-0x{va + 4 * 4096:08x}   16384 0xbf100100 pages=3 vmalloc" in info
    assert "VmallocUsed:          16 kB" in m.vfs.read_file("/proc/meminfo").decode()
    vm.vfree(va)
    vm.vfree(va)
    assert f"Trying to vfree() nonexistent vm area ({va:08x})" in m.out.getvalue()
    z = vm.vzalloc(4096)
    assert m.vm.read(z, 4096) == bytes(4096)


def test_vmalloc_and_ioremap_share_the_area():
    m = machine()
    io_va = m.ioremap.arm_ioremap(0x11000C40, 0x20, 0)
    va = m.mm.vmalloc.vmalloc_export(4096)
    assert va >= (io_va & ~0xFFF) + 8192                  # after the mapping and its guard
    info = m.vfs.read_file("/proc/vmallocinfo").decode()
    assert "phys=11000000 ioremap" in info and "pages=1 vmalloc" in info


def test_percpu_copies_are_zeroed_and_a_unit_apart():
    m = machine()
    pc = m.mm.percpu
    ptr = pc.alloc_percpu(16, 8)
    for cpu in range(4):
        assert m.vm.read(ptr + cpu * 32768, 16) == bytes(16)
    pc.free_percpu(ptr)
    assert pc.alloc_percpu(16, 8) == ptr
    assert pc.alloc_percpu(40000, 4) == 0
    assert "illegal size (40000)" in m.out.getvalue()


def test_mempool_falls_back_on_its_reserve():
    m = machine()
    caches, pools = m.mm.caches, m.mm.mempools
    name = m.kmalloc.alloc(16)
    m.vm.write(name, b"pool\0")
    cache = caches.kmem_cache_create(name, 64, 0, 0, 0)
    alloc_slab = m.mm.resolve("mempool_alloc_slab")
    free_slab = m.mm.resolve("mempool_free_slab")
    pool = pools.mempool_create(2, alloc_slab, free_slab, cache)
    assert m.vm.read_u32(pool + MEMPOOL_FIELDS["curr_nr"]) == 2                   # curr_nr
    fail_command(m.mm.faults, ["slab", "percent=100"])
    got = [pools.mempool_alloc(pool, GFP_KERNEL) for _ in range(3)]
    assert got[0] and got[1] and got[2] == 0 and m.vm.read_u32(pool + MEMPOOL_FIELDS["curr_nr"]) == 0
    assert "Linux would sleep until an element is freed" in m.out.getvalue()
    pools.mempool_free(got[0], pool)
    assert m.vm.read_u32(pool + MEMPOOL_FIELDS["curr_nr"]) == 1
    fail_command(m.mm.faults, ["off"])
    pools.mempool_free(got[1], pool)
    pools.mempool_destroy(pool)
    caches.kmem_cache_destroy(cache)
    assert cache not in caches.by_va
