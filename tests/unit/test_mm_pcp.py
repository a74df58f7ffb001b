"""ZONE_NORMAL's per-CPU page list and its ARM fast path (issue 15 (c)): alloc_pages(order 0),
__free_pages and page_address served without Python, doing what the Python path does on
the same list: the same pages in the same order, poison, struct pages, /proc, the ledger."""

import io
import re

import pytest

from emulator.cpu import CPSR, SVC_MODE
from emulator.kernel.mm.gfp import GFP_ATOMIC, GFP_KERNEL, __GFP_ZERO
from emulator.machine import Machine


def machine(**kw):
    m = Machine("fs4412", ".", console=io.StringIO().write, **kw)
    m.cpu.set_reg(CPSR, SVC_MODE)
    return m


def call(m, name, *args):
    return m.guest.call(m.mm.fast.addresses[name], args)


def proc(m, name):
    return m.vfs.read_file(f"/proc/{name}").decode()


def test_routines_serve_order0_pages_without_python():
    m = machine()
    first = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)   # refill: one service call
    calls = m.hypercalls.count
    pages = [call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0) for _ in range(20)]
    addrs = [call(m, "page_address", p) for p in pages]
    for p in pages:
        call(m, "__free_pages", p, 0)
    assert m.hypercalls.count == calls                       # all in ARM
    ps, memmap = m.mm.page_services, m.mm.memmap
    assert addrs == [ps.page_address(p) for p in pages]
    assert len(set(pages)) == 20 and first not in pages
    assert all(memmap.count(memmap.pfn_of(p)) == 0 for p in pages)
    assert m.vm.read(addrs[0], 4096) == b"k" * 4096          # poisoned
    assert ps.allocated(memmap.pfn_of(first)) and not ps.allocated(memmap.pfn_of(pages[0]))


def _workload(m, use_fast):
    """A mix of allocations and frees; returns what a user could see of it."""
    if use_fast:
        alloc = lambda flags: call(m, "__alloc_pages_nodemask", flags, 0)    # noqa: E731
        free = lambda p: call(m, "__free_pages", p, 0)                       # noqa: E731
        free_va = lambda va: call(m, "free_pages", va, 0)                     # noqa: E731
        get_va = lambda flags: call(m, "__get_free_pages", flags, 0)          # noqa: E731
    else:
        m.mm.fast_off("test")
        ps = m.mm.page_services
        alloc = lambda flags: ps.alloc_pages_nodemask(flags, 0, 0, 0)        # noqa: E731
        free = lambda p: ps.free_pages_page(p, 0)                            # noqa: E731
        free_va = lambda va: ps.free_pages(va, 0)                             # noqa: E731
        get_va = lambda flags: ps.get_free_pages(flags, 0)                    # noqa: E731
    held, seen = [], []
    for i in range(400):
        if i % 6 == 5 and held:
            free_va(m.mm.page_services.page_address(held.pop()))
        elif i % 3 == 2 and held:
            free(held.pop(len(held) // 2))
        else:
            flags = GFP_KERNEL if i % 2 else GFP_ATOMIC
            page = m.mm.page_services.virt_to_page(get_va(flags)) if i % 7 == 0 else \
                alloc(flags)
            seen.append(page)
            held.append(page)
            va = m.mm.page_services.page_address(page)
            m.vm.write(va, b"used")
    for p in held[::2]:
        free(p)
    memmap = m.mm.memmap
    entries = [memmap.fields(memmap.pfn_of(p)) for p in seen]
    return seen, entries, proc(m, "buddyinfo"), proc(m, "zoneinfo"), proc(m, "meminfo")


def test_fast_and_python_paths_are_the_same_algorithm():
    assert _workload(machine(), True) == _workload(machine(), False)


def test_list_pages_are_neither_free_nor_in_buddyinfo_as_in_linux():
    m = machine(kasan=False, leak_check=False)
    free_before = m.mm.pages.free_pages()
    page = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    pcp = m.mm.pcp
    assert (pcp.batch, pcp.high, pcp.count) == (31, 186, 30)
    assert m.mm.pages.free_pages() == free_before - 31       # NR_FREE_PAGES, MemFree
    zoneinfo = proc(m, "zoneinfo")
    assert re.search(r"count: 30\n\s+high:  186\n\s+batch: 31", zoneinfo)
    call(m, "__free_pages", page, 0)
    assert pcp.count == 31


def test_freed_pages_are_poisoned_again_before_reuse():
    m = machine()
    pages = [call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0) for _ in range(31)]
    va = call(m, "page_address", pages[-1])
    m.vm.write(va, b"dirty")
    for p in pages:
        call(m, "__free_pages", p, 0)
    again = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)    # recycles the freed half
    assert again == pages[-1]                                    # the last freed first
    assert m.vm.read(va, 8) == b"k" * 8
    zero = call(m, "__alloc_pages_nodemask", GFP_KERNEL | __GFP_ZERO, 0)   # via Python
    assert m.vm.read(call(m, "page_address", zero), 4096) == bytes(4096)


def test_the_list_drains_a_batch_at_high():
    m = machine(kasan=False, leak_check=False)
    free = m.mm.pages.free_pages()
    pages = [call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0) for _ in range(200)]
    for p in pages:
        call(m, "__free_pages", p, 0)
    # 7 refills of 31 leave 17 clean; the 169th free reaches 186 and 31 go back to the
    # buddy lists (the 17 clean, the 14 oldest freed), the 200th again
    assert m.mm.pcp.count == 155
    assert m.mm.pages.free_pages() == free - 155


def test_bad_frees_leave_the_fast_path_and_are_reported():
    m = machine()
    page = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    call(m, "__free_pages", page, 0)
    calls = m.hypercalls.count
    call(m, "__free_pages", page, 0)                          # double free
    assert m.hypercalls.count == calls + 1
    assert "page dumped because: page is already free" in "\n".join(m.dmesg())
    page = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    memmap = m.mm.memmap
    pfn = memmap.pfn_of(page)
    m.vm.write_u32(page, memmap.flags(pfn) | (1 << 10))      # SetPageReserved
    calls = m.hypercalls.count
    call(m, "__free_pages", page, 0)
    assert m.hypercalls.count == calls + 1                    # Python rewrites the entry
    assert memmap.flags(pfn) & (1 << 10) == 0 and memmap.count(pfn) == 0


def test_the_ledger_learns_the_fast_paths_pages():
    m = machine()
    call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    page = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)   # served in ARM
    pfn = m.mm.memmap.pfn_of(page)
    m.ledger.held_by("nobody")                                 # syncs
    held = m.ledger.entry("pages", pfn)
    assert held is not None and held.what == f"order-0 block at pfn {pfn:#x} (1 pages)"
    call(m, "__free_pages", page, 0)
    m.ledger.held_by("nobody")
    assert m.ledger.entry("pages", pfn) is None


@pytest.mark.parametrize("kw", [{}, {"kasan": False, "leak_check": False}])
def test_kmbench_pages_runs_on_the_fast_path(kw):
    m = Machine("fs4412", "firmware/prebuilt", console=io.StringIO().write, **kw)
    m.insmod("kmbench.ko")
    major = next(r.major for r in m.chrdev.regions if r.name == "kmbench")
    m.mknod("/dev/kmbench", "c", major, 0)
    calls = m.hypercalls.count
    assert m.run("./kmbench_app", ["/dev/kmbench", "3000", "pages"]) == 0
    assert m.hypercalls.count - calls < 300                   # a refill per 31 pairs


def test_free_pages_by_address():
    m = machine()
    call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    page = call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    va = call(m, "page_address", page)
    calls = m.hypercalls.count
    call(m, "free_pages", 0, 0)                               # nothing
    call(m, "free_pages", va + 100, 0)                        # the page holding va
    assert m.hypercalls.count == calls
    assert not m.mm.page_services.allocated(m.mm.memmap.pfn_of(page))
    call(m, "free_pages", va, 0)                              # again: Python reports it
    call(m, "free_pages", 0xF0000000, 0)                      # vmalloc space
    assert m.hypercalls.count == calls + 2
    text = "\n".join(m.dmesg())
    assert "page dumped because: page is already free" in text
    assert "BUG: free_pages(0xf0000000): not a lowmem address" in text


def test_get_free_pages_in_arm_and_kmalloc_large_left_to_python():
    from emulator.kernel.mm.page_api import KMALLOC_SIZE_TAG
    from emulator.kernel.mm.gfp import __GFP_COMP
    m = machine()
    call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    calls = m.hypercalls.count
    va = call(m, "__get_free_pages", GFP_KERNEL, 0)
    assert m.hypercalls.count == calls and 0xC0000000 <= va < 0xEF800000
    page = m.mm.page_services.virt_to_page(va)
    assert m.mm.page_services.allocated(m.mm.memmap.pfn_of(page))
    assert m.vm.read(va, 16) == b"k" * 16
    call(m, "free_pages", va, 0)
    big = call(m, "__get_free_pages", GFP_KERNEL | __GFP_COMP, 0, 100, KMALLOC_SIZE_TAG)
    assert m.hypercalls.count == calls + 1                    # the checker watches it
    assert m.mm.page_services.kmalloc_large.get(m.mm.memmap.pfn_of(
        m.mm.page_services.virt_to_page(big))) == 100


def test_watermarks_hold_for_the_fast_path_too():
    m = machine(kasan=False, leak_check=False)
    call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0)
    zone = m.mm.pages.normal
    zone.watermark["min"] = zone.free + 100                   # GFP_KERNEL may not dip below
    m.mm.pcp._free_changed(zone)
    calls = m.hypercalls.count
    assert call(m, "__alloc_pages_nodemask", GFP_ATOMIC, 0)   # may: __GFP_HIGH, no wait
    assert m.hypercalls.count == calls
    assert call(m, "__alloc_pages_nodemask", GFP_KERNEL, 0) == 0
    assert m.hypercalls.count == calls + 1
    assert any("page allocation failure: order:0, mode:0xd0" in line for line in m.dmesg())
