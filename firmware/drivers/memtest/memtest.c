/*
 * memtest.c - self test of the kernel memory APIs a driver uses (emu4412 firmware).
 *
 * At insmod it runs one test per API family and prints "memtest: PASS <test>" or
 * "memtest: FAIL <test>: <why>", then "memtest: N passed, M failed":
 *   kmalloc size classes, kmalloc does not zero, kzalloc/kcalloc/__GFP_ZERO, large kmalloc
 *   up to the largest buddy block, krealloc/kstrdup/kmemdup, slab caches (ctor, alignment,
 *   destroy), the page allocator (refcounts, struct page conversions, orders), HighMem and
 *   kmap, vmalloc (physically scattered pages), per-CPU areas, mempools, atomic context,
 *   GFP flag values.
 * It keeps some memory until rmmod, for /proc/slabinfo, /proc/vmallocinfo and
 * /proc/buddyinfo to show: 5 objects of cache "memtest_keep", a 16-page vmalloc area, an
 * order-2 page block, a per-CPU counter and a mempool of MEMTEST_POOL_MIN elements.
 * /dev/memtest (dynamic major, "memtest: major=N") takes the ioctls of memtest.h.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
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

#include "memtest.h"

#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("memtest: FAIL %s: " fmt "\n", __func__ + 5,	\
			       ##__VA_ARGS__);				\
			return -1;					\
		}							\
	} while (0)

#define ITEM_MAGIC 0x17E55EED

struct item {
	unsigned int magic;
	char payload[96];
};

static int passed, failed;
static int ctor_calls;

static struct kmem_cache *keep_cache, *pool_cache;
static void *keep_objs[5];
static void *keep_vbuf;
static struct page *keep_pages;
static long __percpu *keep_counter;
static mempool_t *pool;

static dev_t memtest_devno;
static struct cdev memtest_cdev;

static int all_bytes(const unsigned char *p, size_t n, unsigned char value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != value)
			return 0;
	return 1;
}

/* -- kmalloc ---------------------------------------------------------------------------- */

static int test_kmalloc_sizes(void)
{
	static const unsigned int cases[][2] = {
		{1, 64}, {64, 64}, {65, 128}, {100, 128}, {129, 192}, {192, 192}, {193, 256},
		{300, 512}, {1000, 1024}, {2000, 2048}, {4000, 4096}, {8192, 8192},
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void *p = kmalloc(cases[i][0], GFP_KERNEL);

		CHECK(p, "kmalloc(%u) returned NULL", cases[i][0]);
		CHECK(ksize(p) == cases[i][1], "ksize(kmalloc(%u)) = %u, expected %u",
		      cases[i][0], (unsigned int)ksize(p), cases[i][1]);
		CHECK(virt_addr_valid(p), "kmalloc(%u) = %p is not in lowmem", cases[i][0], p);
		CHECK(phys_to_virt(virt_to_phys(p)) == p && __va(__pa(p)) == p,
		      "virt_to_phys/phys_to_virt do not round-trip %p", p);
		CHECK(((unsigned long)p & (ARCH_KMALLOC_MINALIGN - 1)) == 0,
		      "kmalloc(%u) = %p not %d-byte aligned", cases[i][0], p,
		      ARCH_KMALLOC_MINALIGN);
		kfree(p);
	}
	return 0;
}

static int test_kmalloc_not_zeroed(void)
{
	unsigned char *p = kmalloc(4000, GFP_KERNEL);

	CHECK(p, "kmalloc(4000) returned NULL");
	pr_info("memtest: kmalloc(4000) holds %02x %02x %02x %02x ... (not zeroed)\n",
		p[0], p[1], p[2], p[3999]);
	CHECK(!all_bytes(p, 4000, 0), "kmalloc'd memory is all zeros");
	kfree(p);
	return 0;
}

static int test_kzalloc(void)
{
	unsigned char *a = kzalloc(300, GFP_KERNEL);
	unsigned char *b = kcalloc(10, 30, GFP_KERNEL);
	unsigned char *c = kmalloc(200, GFP_KERNEL | __GFP_ZERO);

	CHECK(a && b && c, "allocation failed");
	CHECK(all_bytes(a, 300, 0), "kzalloc(300) not zeroed");
	CHECK(all_bytes(b, 300, 0), "kcalloc(10, 30) not zeroed");
	CHECK(all_bytes(c, 200, 0), "kmalloc(__GFP_ZERO) not zeroed");
	kfree(a);
	kfree(b);
	kfree(c);
	return 0;
}

static int test_kmalloc_large(void)
{
	unsigned char *p = kmalloc(100000, GFP_KERNEL);
	void *max, *over;

	CHECK(p, "kmalloc(100000) returned NULL");
	CHECK(ksize(p) >= 100000, "ksize(kmalloc(100000)) = %u", (unsigned int)ksize(p));
	p[0] = 1;
	p[99999] = 2;
	kfree(p);
	/* the largest buddy block; 3.14 SLUB's KMALLOC_MAX_SIZE (8 MiB) is one order beyond */
	max = kmalloc(PAGE_SIZE << (MAX_ORDER - 1), GFP_KERNEL);
	CHECK(max, "kmalloc(4 MiB) returned NULL");
	kfree(max);
	over = kmalloc((PAGE_SIZE << (MAX_ORDER - 1)) + 1, GFP_KERNEL);
	CHECK(over == NULL, "kmalloc(4 MiB + 1) = %p, expected NULL", over);
	CHECK(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR, "kmalloc(0) is not ZERO_SIZE_PTR");
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	return 0;
}

static int test_krealloc(void)
{
	char *p = kmalloc(50, GFP_KERNEL), *q, *s;
	void *d;

	CHECK(p, "kmalloc(50) returned NULL");
	memset(p, 'a', 50);
	q = krealloc(p, 500, GFP_KERNEL);
	CHECK(q, "krealloc to 500 returned NULL");
	CHECK(all_bytes((unsigned char *)q, 50, 'a'), "krealloc lost the contents");
	CHECK(ksize(q) >= 500, "krealloc'd block too small");
	CHECK(krealloc(q, 10, GFP_KERNEL) == q, "shrinking krealloc moved the block");
	kfree(q);
	s = kstrdup("memtest", GFP_KERNEL);
	CHECK(s && strcmp(s, "memtest") == 0, "kstrdup");
	d = kmemdup(s, 8, GFP_KERNEL);
	CHECK(d && memcmp(d, "memtest", 8) == 0, "kmemdup");
	kfree(s);
	kfree(d);
	return 0;
}

/* -- slab caches ------------------------------------------------------------------------ */

static void memtest_ctor(void *obj)
{
	struct item *it = obj;

	it->magic = ITEM_MAGIC;
	ctor_calls++;
}

static int test_kmem_cache(void)
{
	struct kmem_cache *cache;
	struct item *a, *b;

	cache = kmem_cache_create("memtest_item", sizeof(struct item), 0, SLAB_HWCACHE_ALIGN,
				  memtest_ctor);
	CHECK(cache, "kmem_cache_create returned NULL");
	CHECK(kmem_cache_size(cache) == sizeof(struct item), "kmem_cache_size = %u",
	      kmem_cache_size(cache));
	a = kmem_cache_alloc(cache, GFP_KERNEL);
	CHECK(a, "kmem_cache_alloc returned NULL");
	CHECK(a->magic == ITEM_MAGIC, "the constructor did not run on the object");
	CHECK(ctor_calls > 1, "ctor ran %d times: once for each object of a new slab expected",
	      ctor_calls);
	CHECK(((unsigned long)a & 63) == 0, "SLAB_HWCACHE_ALIGN object %p not 64-byte aligned",
	      a);
	b = kmem_cache_zalloc(cache, GFP_KERNEL);
	CHECK(b && b != a && b->magic == 0, "kmem_cache_zalloc");
	kmem_cache_free(cache, b);
	pr_info("memtest: destroying memtest_item with a live object (refused below)\n");
	kmem_cache_destroy(cache);
	kmem_cache_free(cache, a);
	kmem_cache_destroy(cache);
	return 0;
}

/* -- the page allocator ----------------------------------------------------------------- */

static int test_pages(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0), *big;
	unsigned long addr, zero;
	void *va;

	CHECK(page, "alloc_pages(GFP_KERNEL, 0) returned NULL");
	va = page_address(page);
	CHECK(va && virt_addr_valid(va), "page_address = %p", va);
	CHECK(virt_to_page(va) == page, "virt_to_page(page_address(page)) != page");
	CHECK(pfn_to_page(page_to_pfn(page)) == page, "pfn_to_page(page_to_pfn) != page");
	CHECK(page_to_pfn(page) == __pa(va) >> PAGE_SHIFT, "page_to_pfn != __pa >> PAGE_SHIFT");
	CHECK(page_count(page) == 1, "page_count = %d", page_count(page));
	CHECK(!PageHighMem(page), "a GFP_KERNEL page is in HighMem");
	get_page(page);
	CHECK(page_count(page) == 2, "get_page: page_count = %d", page_count(page));
	put_page(page);
	CHECK(page_count(page) == 1, "put_page: page_count = %d", page_count(page));
	__free_pages(page, 0);

	big = alloc_pages(GFP_KERNEL, 3);
	CHECK(big, "alloc_pages(order 3) returned NULL");
	CHECK(page_address(big + 7) == page_address(big) + 7 * PAGE_SIZE,
	      "an order-3 block is not contiguous");
	__free_pages(big, 3);
	CHECK(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == NULL,
	      "alloc_pages(MAX_ORDER) did not fail");

	addr = __get_free_pages(GFP_KERNEL, 2);
	CHECK(addr, "__get_free_pages(order 2) returned 0");
	memset((void *)addr, 0x5a, 4 * PAGE_SIZE);
	free_pages(addr, 2);
	zero = get_zeroed_page(GFP_KERNEL);
	CHECK(zero && all_bytes((void *)zero, PAGE_SIZE, 0), "get_zeroed_page");
	free_page(zero);
	va = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	CHECK(va, "alloc_pages_exact returned NULL");
	free_pages_exact(va, 3 * PAGE_SIZE);
	return 0;
}

static int test_highmem(void)
{
	struct page *page = alloc_pages(GFP_HIGHUSER, 0);
	unsigned int *p;

	CHECK(page, "alloc_pages(GFP_HIGHUSER) returned NULL");
	CHECK(PageHighMem(page), "a GFP_HIGHUSER page on a 1 GiB board is not in HighMem");
	CHECK(page_address(page) == NULL, "page_address of an unmapped HighMem page = %p",
	      page_address(page));
	p = kmap(page);
	CHECK(p && (unsigned long)p >= PKMAP_BASE && (unsigned long)p < PAGE_OFFSET,
	      "kmap = %p, not in the pkmap window", p);
	CHECK(page_address(page) == p, "page_address after kmap = %p", page_address(page));
	p[0] = 0x12345678;
	kunmap(page);
	CHECK(page_address(page) == NULL, "page_address after kunmap not NULL");
	p = kmap_atomic(page);
	CHECK(in_atomic(), "kmap_atomic did not enter atomic context");
	CHECK(p[0] == 0x12345678, "kmap_atomic sees %08x", p[0]);
	kunmap_atomic(p);
	CHECK(!in_atomic(), "kunmap_atomic left atomic context on");
	__free_pages(page, 0);
	return 0;
}

/* -- vmalloc ---------------------------------------------------------------------------- */

static int test_vmalloc(void)
{
	struct page *pages[8];
	unsigned long pfn[4];
	unsigned char *v, *z;
	int i, scattered = 0;

	/* free every other page of a run, so vmalloc's single pages are scattered */
	for (i = 0; i < 8; i++)
		pages[i] = alloc_pages(GFP_HIGHUSER, 0);
	for (i = 0; i < 8; i += 2)
		__free_pages(pages[i], 0);
	v = vmalloc(3 * PAGE_SIZE + 1);
	CHECK(v && is_vmalloc_addr(v), "vmalloc = %p", v);
	memset(v, 0x33, 3 * PAGE_SIZE + 1);
	for (i = 0; i < 4; i++)
		pfn[i] = vmalloc_to_pfn(v + i * PAGE_SIZE);
	for (i = 0; i < 3; i++)
		scattered |= pfn[i + 1] != pfn[i] + 1;
	pr_info("memtest: vmalloc %p: pages on pfns %#lx %#lx %#lx %#lx\n", v, pfn[0], pfn[1],
		pfn[2], pfn[3]);
	CHECK(scattered, "adjacent virtual pages on adjacent frames");
	CHECK(vmalloc_to_page(v) == pfn_to_page(pfn[0]), "vmalloc_to_page");
	vfree(v);
	for (i = 1; i < 8; i += 2)
		__free_pages(pages[i], 0);
	z = vzalloc(2 * PAGE_SIZE);
	CHECK(z && all_bytes(z, 2 * PAGE_SIZE, 0), "vzalloc not zeroed");
	vfree(z);
	return 0;
}

/* -- per-CPU ---------------------------------------------------------------------------- */

static int test_percpu(void)
{
	int __percpu *counter = alloc_percpu(int);
	int cpu, sum = 0, *mine;

	CHECK(counter, "alloc_percpu returned NULL");
	for_each_possible_cpu(cpu) {
		CHECK(*per_cpu_ptr(counter, cpu) == 0, "CPU %d's copy not zeroed", cpu);
		*per_cpu_ptr(counter, cpu) = 10 * cpu;
	}
	CHECK(per_cpu_ptr(counter, 1) != per_cpu_ptr(counter, 0), "CPUs share a copy");
	for_each_possible_cpu(cpu)
		sum += per_cpu(*counter, cpu);
	CHECK(sum == 60 && num_possible_cpus() == 4, "sum over %d CPUs = %d",
	      num_possible_cpus(), sum);
	mine = get_cpu_ptr(counter);
	CHECK(in_atomic() && mine == per_cpu_ptr(counter, smp_processor_id()), "get_cpu_ptr");
	(*mine)++;
	put_cpu_ptr(counter);
	get_cpu_var(*counter)++;
	put_cpu_var(*counter);
	CHECK(*per_cpu_ptr(counter, 0) == 2, "CPU 0's copy = %d", *per_cpu_ptr(counter, 0));
	free_percpu(counter);
	return 0;
}

/* -- mempool ---------------------------------------------------------------------------- */

static int test_mempool(void)
{
	void *e;

	pool_cache = kmem_cache_create("memtest_pool", 64, 0, 0, NULL);
	CHECK(pool_cache, "kmem_cache_create returned NULL");
	pool = mempool_create_slab_pool(MEMTEST_POOL_MIN, pool_cache);
	CHECK(pool, "mempool_create_slab_pool returned NULL");
	CHECK(pool->curr_nr == MEMTEST_POOL_MIN, "curr_nr = %d after create", pool->curr_nr);
	e = mempool_alloc(pool, GFP_KERNEL);
	CHECK(e, "mempool_alloc returned NULL");
	CHECK(pool->curr_nr == MEMTEST_POOL_MIN, "the reserve was used while the cache works");
	mempool_free(e, pool);
	CHECK(pool->curr_nr == MEMTEST_POOL_MIN, "curr_nr = %d after free", pool->curr_nr);
	return 0;
}

/* -- atomic context --------------------------------------------------------------------- */

static DEFINE_SPINLOCK(memtest_lock);

static int test_atomic(void)
{
	unsigned long flags;
	void *p;

	CHECK(!in_atomic() && !irqs_disabled(), "module init runs in atomic context");
	spin_lock(&memtest_lock);
	CHECK(in_atomic() && spin_is_locked(&memtest_lock), "spin_lock: not atomic");
	CHECK(!spin_trylock(&memtest_lock), "spin_trylock took a held lock");
	p = kmalloc(64, GFP_ATOMIC);		/* fine: GFP_ATOMIC does not sleep */
	spin_unlock(&memtest_lock);
	CHECK(p, "kmalloc(GFP_ATOMIC) under a spinlock returned NULL");
	kfree(p);
	CHECK(!in_atomic(), "spin_unlock: still atomic");
	spin_lock_irqsave(&memtest_lock, flags);
	CHECK(irqs_disabled(), "spin_lock_irqsave did not disable IRQs");
	spin_unlock_irqrestore(&memtest_lock, flags);
	CHECK(!irqs_disabled(), "spin_unlock_irqrestore did not restore IRQs");
	spin_lock_bh(&memtest_lock);
	CHECK(in_softirq() && in_atomic(), "spin_lock_bh: softirqs not disabled");
	spin_unlock_bh(&memtest_lock);
	preempt_disable();
	CHECK(in_atomic(), "preempt_disable: not atomic");
	preempt_enable();
	CHECK(preempt_count() == 0, "preempt_count = %d at the end", preempt_count());
	return 0;
}

static int test_gfp_values(void)
{
	CHECK(GFP_KERNEL == 0xd0 && GFP_ATOMIC == 0x20 && GFP_USER == 0x200d0 &&
	      GFP_HIGHUSER == 0x200d2 && GFP_NOIO == 0x10 && GFP_NOFS == 0x50 &&
	      GFP_DMA == 0x01 && __GFP_ZERO == 0x8000 && __GFP_NOWARN == 0x200 &&
	      __GFP_NORETRY == 0x1000 && __GFP_NOFAIL == 0x800, "GFP flag values differ from 3.14");
	return 0;
}

/* -- kept until rmmod, for /proc ---------------------------------------------------------- */

static int test_keep(void)
{
	int i;

	keep_cache = kmem_cache_create("memtest_keep", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	CHECK(keep_cache, "kmem_cache_create returned NULL");
	for (i = 0; i < 5; i++) {
		keep_objs[i] = kmem_cache_alloc(keep_cache, GFP_KERNEL);
		CHECK(keep_objs[i], "kmem_cache_alloc returned NULL");
	}
	keep_vbuf = vmalloc(16 * PAGE_SIZE);
	keep_pages = alloc_pages(GFP_KERNEL, 2);
	keep_counter = alloc_percpu(long);
	CHECK(keep_vbuf && keep_pages && keep_counter, "allocation failed");
	return 0;
}

static void release_keep(void)
{
	int i;

	for (i = 0; i < 5; i++)
		if (keep_objs[i])
			kmem_cache_free(keep_cache, keep_objs[i]);
	if (keep_cache)
		kmem_cache_destroy(keep_cache);
	vfree(keep_vbuf);
	if (keep_pages)
		__free_pages(keep_pages, 2);
	free_percpu(keep_counter);
	if (pool)
		mempool_destroy(pool);
	if (pool_cache)
		kmem_cache_destroy(pool_cache);
}

/* -- /dev/memtest ----------------------------------------------------------------------- */

static long memtest_mempool(unsigned long n)
{
	void *elements[16];
	unsigned long i;
	int from_reserve = 0, nfailed = 0;

	if (n > ARRAY_SIZE(elements))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int before = pool->curr_nr;

		elements[i] = mempool_alloc(pool, GFP_KERNEL);
		if (!elements[i])
			nfailed++;
		else if (pool->curr_nr < before)
			from_reserve++;
		pr_info("memtest: mempool element %lu: %s (reserve: %d)\n", i,
			!elements[i] ? "NULL" : pool->curr_nr < before ? "from the reserve"
			: "from the cache", pool->curr_nr);
	}
	for (i = 0; i < n; i++)
		if (elements[i])
			mempool_free(elements[i], pool);
	return (from_reserve << 16) | nfailed;
}

static long memtest_kmalloc(unsigned long size)
{
	unsigned char *p = kmalloc(size, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	pr_info("memtest: kmalloc(%lu) = %p holds %02x %02x %02x %02x\n", size, p, p[0], p[1],
		p[2], p[3]);
	kfree(p);
	return 0;
}

static long memtest_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case MEMTEST_MEMPOOL:
		return memtest_mempool(arg);
	case MEMTEST_KMALLOC:
		return memtest_kmalloc(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations memtest_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = memtest_ioctl,
};

#define RUN(name)							\
	do {								\
		if (name() == 0) {					\
			passed++;					\
			pr_info("memtest: PASS %s\n", #name + 5);	\
		} else {						\
			failed++;					\
		}							\
	} while (0)

static int __init memtest_init(void)
{
	int ret;

	RUN(test_kmalloc_sizes);
	RUN(test_kmalloc_not_zeroed);
	RUN(test_kzalloc);
	RUN(test_kmalloc_large);
	RUN(test_krealloc);
	RUN(test_kmem_cache);
	RUN(test_pages);
	RUN(test_highmem);
	RUN(test_vmalloc);
	RUN(test_percpu);
	RUN(test_mempool);
	RUN(test_atomic);
	RUN(test_gfp_values);
	RUN(test_keep);
	pr_info("memtest: %d passed, %d failed\n", passed, failed);

	ret = alloc_chrdev_region(&memtest_devno, 0, 1, "memtest");
	if (ret) {
		release_keep();
		return ret;
	}
	cdev_init(&memtest_cdev, &memtest_fops);
	memtest_cdev.owner = THIS_MODULE;
	ret = cdev_add(&memtest_cdev, memtest_devno, 1);
	if (ret) {
		unregister_chrdev_region(memtest_devno, 1);
		release_keep();
		return ret;
	}
	pr_info("memtest: major=%d\n", MAJOR(memtest_devno));
	return 0;
}

static void __exit memtest_exit(void)
{
	cdev_del(&memtest_cdev);
	unregister_chrdev_region(memtest_devno, 1);
	release_keep();
	pr_info("memtest: exit\n");
}

module_init(memtest_init);
module_exit(memtest_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("emu4412");
MODULE_DESCRIPTION("self test of the kernel memory APIs");
