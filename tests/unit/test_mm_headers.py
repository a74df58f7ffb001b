"""The memory-management SDK headers agree with the emulated kernel.

* Structures the kernel reads or writes in guest memory (struct page, struct thread_info,
  mempool_t) have the offsets of the Python tables: a _Static_assert probe.
* Constants the kernel relies on (zones, page flags, slab flags, per-CPU stride, map
  addresses) are the ones the headers give modules.
* A module using every inline helper of these headers imports only provided functions,
  including the spinlock and sleep-check functions the kernel tracks atomic context with.

Skipped when arm-linux-gnueabi-gcc is not installed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from emulator.kernel.mm import layout, memmap, mempool, slab
from emulator.kernel import abi

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "firmware" / "sdk"
CC = "arm-linux-gnueabi-gcc"

pytestmark = pytest.mark.skipif(shutil.which(CC) is None, reason=f"{CC} not installed")

HEADERS = ("linux/mm.h", "linux/slab.h", "linux/gfp.h", "linux/vmalloc.h", "linux/highmem.h",
           "linux/mempool.h", "linux/percpu.h", "linux/spinlock.h", "linux/hardirq.h",
           "linux/smp.h", "linux/thread_info.h", "asm/memory.h")


def cflags():
    gcc_include = subprocess.run([CC, "-print-file-name=include"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    return ["-std=gnu89", "-marm", "-march=armv7-a", "-mfloat-abi=soft", "-mabi=aapcs-linux",
            "-D__KERNEL__", "-D__LINUX_ARM_ARCH__=7", "-DMODULE", "-DKBUILD_MODNAME=\"probe\"",
            "-nostdinc", "-isystem", gcc_include, f"-I{SDK / 'include'}",
            "-include", str(SDK / "include" / "linux" / "kconfig.h"), "-Wall", "-Werror",
            "-fsyntax-only"]


def check(tmp_path, asserts):
    lines = ["#include <linux/stddef.h>"] + [f"#include <{h}>" for h in HEADERS]
    lines += [f'_Static_assert({expr}, "{expr}");' for expr in asserts]
    src = tmp_path / "probe.c"
    src.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([CC, *cflags(), str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_shared_structures(tmp_path):
    asserts = [f"offsetof(struct page, {f}) == {o}" for f, o in memmap.PAGE_FIELDS.items()]
    asserts.append(f"sizeof(struct page) == {memmap.STRUCT_PAGE_SIZE}")
    fields = ("flags", "preempt_count", "addr_limit", "task", "exec_domain", "cpu",
              "cpu_domain")
    asserts += [f"offsetof(struct thread_info, {f}) == {4 * i}" for i, f in enumerate(fields)]
    asserts.append(f"sizeof(struct thread_info) == {abi.THREAD_INFO.size}")
    asserts += [f"offsetof(mempool_t, {f}) == {o}" for f, o in mempool.MEMPOOL_FIELDS.items()]
    asserts.append(f"sizeof(mempool_t) == {mempool.MEMPOOL_SIZE}")
    check(tmp_path, asserts)


def test_constants(tmp_path):
    check(tmp_path, [
        "MAX_ORDER == 11", f"ZONES_PGSHIFT == {memmap.ZONES_PGSHIFT}",
        f"ZONE_HIGHMEM == {memmap.ZONE_HIGHMEM}", f"PG_slab == {memmap.PG_slab}",
        f"PG_reserved == {memmap.PG_reserved}", f"PG_head == {memmap.PG_head}",
        f"PG_tail == {memmap.PG_tail}", f"SLAB_HWCACHE_ALIGN == {slab.SLAB_HWCACHE_ALIGN}",
        f"SLAB_PANIC == {slab.SLAB_PANIC}", f"PCPU_UNIT_SIZE == {layout.PCPU_UNIT_SIZE}",
        f"NR_CPUS == {layout.NR_CPUS}", f"PKMAP_BASE == {layout.PKMAP_BASE}u",
        f"LAST_PKMAP == {layout.LAST_PKMAP}", "VMALLOC_START == 0xF0000000u",
        "VMALLOC_END == 0xFF800000u", "GFP_HIGHUSER_MOVABLE == 0x200DAu",
        "GFP_TEMPORARY == 0x800D0u", "SOFTIRQ_DISABLE_OFFSET == 0x200",
        "ARCH_KMALLOC_MINALIGN == 64", "THREAD_SIZE == 8192"])


API_MODULE = r"""
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/hardirq.h>
#include <linux/string.h>
#include <linux/delay.h>

struct thing { int a; char b[20]; };
static DEFINE_SPINLOCK(lock);

static int __init api_init(void)
{
	struct kmem_cache *c = KMEM_CACHE(thing, SLAB_HWCACHE_ALIGN);
	struct thing *t = kmem_cache_zalloc(c, GFP_KERNEL);
	struct page *page = alloc_page(GFP_HIGHUSER);
	unsigned long flags, addr = __get_free_page(GFP_KERNEL);
	long __percpu *pc = alloc_percpu(long);
	mempool_t *pool = mempool_create_kmalloc_pool(2, 64);
	mempool_t *pp = mempool_create_page_pool(1, 0);
	mempool_t *sp = mempool_create_slab_pool(1, c);
	void *v = vzalloc(100), *k, *e;
	char *s = kstrdup("x", GFP_KERNEL);
	int cpu;

	k = kmap(page);
	kunmap(page);
	k = kmap_atomic(page);
	kunmap_atomic(k);
	clear_highpage(page);
	if (PageHighMem(page) && !page_address(page) && PageReserved(page))
		SetPageReserved(page);
	get_page(page);
	put_page(page);
	__free_pages(page, 0);
	page = virt_to_page(addr);
	page = pfn_to_page(page_to_pfn(page) + pfn_valid(page_to_pfn(page)));
	free_page(addr);
	e = mempool_alloc(pool, GFP_ATOMIC);
	mempool_free(e, pool);
	mempool_resize(pool, 3, GFP_KERNEL);
	mempool_destroy(pool);
	mempool_destroy(pp);
	mempool_destroy(sp);
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(pc, cpu) = cpu;
	get_cpu_var(*pc)++;
	put_cpu_var(*pc);
	(*get_cpu_ptr(pc))++;
	put_cpu_ptr(pc);
	free_percpu(pc);
	spin_lock_irqsave(&lock, flags);
	if (in_atomic() && irqs_disabled())
		kmem_cache_free(c, t);
	spin_unlock_irqrestore(&lock, flags);
	spin_lock_bh(&lock);
	spin_unlock_bh(&lock);
	if (spin_trylock(&lock))
		spin_unlock(&lock);
	might_sleep();
	kmem_cache_shrink(c);
	kmem_cache_destroy(c);
	page = vmalloc_to_page(v);
	vfree(v);
	kfree(krealloc(s, 100, GFP_KERNEL));
	free_pages_exact(alloc_pages_exact(5000, GFP_KERNEL), 5000);
	return get_zeroed_page(GFP_KERNEL) ? 0 : -ENOMEM;
}
module_init(api_init);
MODULE_LICENSE("GPL");
"""


def provided():
    return {line.split("#", 1)[0].strip() for line in
            (SDK / "provided_symbols.txt").read_text().splitlines()} - {""}


def test_memory_api_module_imports_only_provided_functions(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    mod = tmp_path / "memapi"
    mod.mkdir()
    (mod / "memapi.c").write_text(API_MODULE)
    (mod / "Kbuild").write_text("obj-m := memapi.o\n")
    proc = subprocess.run(["make", "-s", "-C", str(SDK), f"M={mod}", "modules"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "warning" not in proc.stderr.lower(), proc.stderr
    nm = subprocess.run(["arm-linux-gnueabi-nm", "-u", str(mod / "memapi.ko")],
                        capture_output=True, text=True, check=True).stdout.split()
    imported = {tok for tok in nm if tok != "U"}
    assert imported <= provided(), imported - provided()
    for sym in ("kmem_cache_create", "_raw_spin_lock_irqsave", "_raw_spin_unlock_bh",
                "kmap_atomic", "__kunmap_atomic", "__alloc_pages_nodemask",
                "mempool_kmalloc", "mempool_alloc_pages", "__alloc_percpu", "vzalloc"):
        assert sym in imported, sym


def test_define_per_cpu_says_why_it_is_unsupported(tmp_path):
    src = tmp_path / "pcpu.c"
    src.write_text("#include <linux/percpu.h>\nDEFINE_PER_CPU(int, counter);\n")
    proc = subprocess.run([CC, *cflags(), str(src)], capture_output=True, text=True)
    assert proc.returncode != 0 and "use alloc_percpu()" in proc.stderr
