"""Slab caches and the kmalloc family: sizing, objects, exports, /proc/slabinfo."""

import io
import re

import pytest

from emulator.cpu import CPSR, SVC_MODE
from emulator.kernel.mm.gfp import GFP_ATOMIC, GFP_KERNEL, __GFP_HIGHMEM, __GFP_ZERO
from emulator.kernel.mm.kmalloc import KMALLOC_MAX_SIZE, ZERO_SIZE_PTR, size_index_table
from emulator.kernel.mm.slab import (SLAB_HWCACHE_ALIGN, calculate_alignment, calculate_order,
                                     divisibility, tunables)
from emulator.machine import Machine

CALLER = 0xBF000100


def test_hwcache_alignment_follows_slub():
    assert calculate_alignment(SLAB_HWCACHE_ALIGN, 0, 100) == 64
    assert calculate_alignment(SLAB_HWCACHE_ALIGN, 0, 20) == 32     # halved while it fits
    assert calculate_alignment(SLAB_HWCACHE_ALIGN, 0, 8) == 8
    assert calculate_alignment(0, 0, 100) == 8                      # ARCH_SLAB_MINALIGN
    assert calculate_alignment(0, 128, 100) == 128


@pytest.mark.parametrize("size,order,objects", [
    (64, 0, 64), (128, 0, 32), (192, 0, 21), (256, 0, 16), (512, 1, 16), (1024, 2, 16),
    (2048, 3, 16), (4096, 3, 8), (8192, 3, 4)])
def test_kmalloc_cache_orders_match_slub(size, order, objects):
    assert calculate_order(size) == order
    assert (4096 << order) // size == objects


def test_tunables_and_exact_division():
    assert tunables(64) == (120, 60) and tunables(512) == (54, 27) and tunables(8192) == (8, 4)
    for stride in (64, 192, 320, 8448):
        k, inv = divisibility(stride)
        rot = lambda x: ((x >> k) | (x << (32 - k))) & 0xFFFFFFFF if k else x  # noqa: E731
        assert rot(5 * stride * inv & 0xFFFFFFFF) == 5
        assert rot((5 * stride + 8) * inv & 0xFFFFFFFF) > 1 << 20
    assert size_index_table(range(1, 10))[:5] == [1, 2, 3, 4, 5]


@pytest.fixture(params=[True, False], ids=["kasan", "fastpath"])
def m(request):
    out = io.StringIO()
    mach = Machine("fs4412", ".", console=out.write, kasan=request.param)
    mach.out = out
    mach.hypercalls.caller = CALLER
    return mach


def test_kmalloc_sizes_poison_and_zeroing(m):
    km = m.kmalloc
    va = km.kmalloc(100, GFP_KERNEL)
    assert km.ksize(va) == 128 and va % 64 == 0
    assert m.vm.read(va, 100) == b"k" * 100                   # fresh slab: poison, not zero
    z = km.kmalloc(100, GFP_KERNEL | __GFP_ZERO)
    assert m.vm.read(z, 128) == bytes(128)
    assert km.kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR
    big = km.kmalloc(20000, GFP_KERNEL)
    assert km.ksize(big) == 5 * 4096 and 0xC0800000 <= big < 0xC4800000
    assert km.kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL) == 0
    assert "kmalloc of 4194305 bytes exceeds KMALLOC_MAX_SIZE (4194304)" in m.out.getvalue()
    for p in (va, z, big):
        km.kfree(p)


def test_kmalloc_highmem_flag_is_ignored_with_a_warning(m):
    va = m.kmalloc.kmalloc(64, GFP_KERNEL | __GFP_HIGHMEM)
    assert 0xC0000000 <= va < 0xEF800000
    assert "slab memory is never HighMem" in m.out.getvalue()


def test_krealloc_kstrdup_kmemdup(m):
    km = m.kmalloc
    p = km.kmalloc(40, GFP_KERNEL)
    m.vm.write(p, b"x" * 40)
    q = km.krealloc(p, 1000, GFP_KERNEL)
    assert q != p and m.vm.read(q, 40) == b"x" * 40 and km.ksize(q) == 1024
    assert km.krealloc(q, 500, GFP_KERNEL) == q
    assert km.krealloc(q, 0, GFP_KERNEL) == ZERO_SIZE_PTR
    s = km.kmalloc(16, GFP_KERNEL)
    m.vm.write(s, b"hello\0")
    d = km.kstrdup(s, GFP_KERNEL)
    assert m.vm.read(d, 6) == b"hello\0"
    e = km.kmemdup(s, 3, GFP_KERNEL)
    assert m.vm.read(e, 3) == b"hel"


def _name(m, text):
    va = m.kmalloc.alloc(64)
    m.vm.write(va, text.encode() + b"\0")
    return va


def test_kmem_cache_lifecycle_and_refused_destroy(m):
    caches = m.mm.caches
    cache = caches.kmem_cache_create(_name(m, "widget"), 100, 0, SLAB_HWCACHE_ALIGN, 0)
    a = caches.kmem_cache_alloc(cache, GFP_KERNEL)
    b = caches.kmem_cache_alloc(cache, GFP_KERNEL | __GFP_ZERO)
    assert a % 64 == 0 and b != a and m.vm.read(b, 100) == bytes(100)
    assert caches.kmem_cache_size(cache) == 100
    caches.kmem_cache_free(cache, b)
    caches.kmem_cache_destroy(cache)
    text = m.out.getvalue()
    assert "BUG widget (Tainted: G           O): Objects remaining in widget on " \
           "kmem_cache_close()" in text
    assert f"INFO: Object {a:#010x} @offset=" in text
    assert "kmem_cache_destroy widget: Slab cache still has objects" in text
    assert cache in caches.by_va                                 # refused: still there
    caches.kmem_cache_free(cache, a)
    caches.kmem_cache_destroy(cache)
    assert cache not in caches.by_va
    assert not re.search(r"(?m)^widget ", m.vfs.read_file("/proc/slabinfo").decode())


def test_slabinfo_counts_live_objects(m):
    caches = m.mm.caches
    cache = caches.kmem_cache_create(_name(m, "counted"), 200, 0, 0, 0)
    objs = [caches.kmem_cache_alloc(cache, GFP_KERNEL) for _ in range(5)]
    caches.kmem_cache_free(cache, objs.pop())
    info = m.vfs.read_file("/proc/slabinfo").decode()
    assert info.startswith("slabinfo - version: 2.1\n# name            <active_objs> "
                           "<num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
                           "<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
                           "<num_slabs> <sharedavail>\n")
    row = next(line for line in info.splitlines() if line.startswith("counted "))
    fields = row.split()
    assert fields[1] == "4" and int(fields[2]) >= 16 and fields[6:8] == [":", "tunables"]
    assert re.search(r"(?m)^kmalloc-8192 +\d+ +\d+ +\d+ +\d+ +8 : tunables", info)
    meminfo = m.vfs.read_file("/proc/meminfo").decode()
    assert re.search(r"(?m)^Slab: +[1-9]\d* kB$", meminfo)


def test_kernel_internal_kmalloc_api_still_works(m):
    va = m.kmalloc.alloc(64, zero=True)
    assert m.vm.read(va, 64) == bytes(64)
    assert m.kmalloc.usable_size(va) == 64
    assert m.kmalloc.free(va) and not m.kmalloc.free(va)
    assert m.kmalloc.free(0) and m.kmalloc.free(ZERO_SIZE_PTR)


def test_gfp_atomic_under_a_lock_is_fine_gfp_kernel_is_not(m):
    m.cpu.set_reg(CPSR, SVC_MODE)        # a service's caller: kernel code, IRQs enabled
    ctx = m.mm.context
    lock = _name(m, "")
    m.vm.write_u32(lock, 0)
    ctx.raw_spin_lock(lock)
    assert m.kmalloc.kmalloc(64, GFP_ATOMIC)
    assert "sleeping function" not in m.out.getvalue()
    assert m.kmalloc.kmalloc(64, GFP_KERNEL)
    ctx.raw_spin_unlock(lock)
    text = m.out.getvalue()
    assert "BUG: sleeping function called from invalid context at mm/slub.c:965" in text
    assert "in_atomic(): 1, irqs_disabled(): 0, pid: 1, name: insmod" in text
