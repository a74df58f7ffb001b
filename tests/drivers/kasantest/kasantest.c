/*
 * kasantest.c - test fixture: the bug cases of Linux 4.0's lib/test_kasan.c (the oldest
 * KASAN self-test, before KUnit), in our own code, one noinline function each.  Every case
 * makes exactly one bad access; the test expects one KASAN report per slab/page case, in
 * the case's function, and none elsewhere.  The stack and global cases are out of reach
 * for a binary module (no redzones around its stack and static objects).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#define CASE(name) pr_info("kasantest: " name "\n")

static noinline void oob_right(void)
{
	size_t size = 123;
	char *p = kmalloc(size, GFP_KERNEL);

	CASE("oob_right");
	if (!p)
		return;
	((volatile char *)p)[size] = 'x';		/* one past the end */
	kfree(p);
}

static noinline void oob_left(void)
{
	size_t size = 15;
	char *p = kmalloc(size, GFP_KERNEL);

	CASE("oob_left");
	if (!p)
		return;
	p[0] = ((volatile char *)p)[-1];		/* one before the start */
	kfree(p);
}

static noinline void node_oob_right(void)
{
	size_t size = 4096;
	char *p = kmalloc_node(size, GFP_KERNEL, 0);

	CASE("node_oob_right");
	if (!p)
		return;
	((volatile char *)p)[size] = 0;
	kfree(p);
}

static noinline void large_oob_right(void)
{
	size_t size = KMALLOC_MAX_CACHE_SIZE + 10;	/* from the page allocator */
	char *p = kmalloc(size, GFP_KERNEL);

	CASE("large_oob_right");
	if (!p)
		return;
	((volatile char *)p)[size] = 0;
	kfree(p);
}

static noinline void krealloc_more(void)
{
	char *a = kmalloc(17, GFP_KERNEL), *b = krealloc(a, 19, GFP_KERNEL);

	CASE("krealloc_more");
	if (!a || !b) {
		kfree(a);
		return;
	}
	((volatile char *)b)[19] = 'x';		/* past the grown size */
	kfree(b);
}

static noinline void krealloc_less(void)
{
	char *a = kmalloc(17, GFP_KERNEL), *b = krealloc(a, 15, GFP_KERNEL);

	CASE("krealloc_less");
	if (!a || !b) {
		kfree(a);
		return;
	}
	((volatile char *)b)[17] = 'x';		/* inside the old size, past the new */
	kfree(b);
}

struct sixteen {
	u64 w[2];
};

static noinline void oob_16(void)
{
	struct sixteen *small = kmalloc(sizeof(*small) - 3, GFP_KERNEL);
	struct sixteen *full = kmalloc(sizeof(*full), GFP_KERNEL);

	CASE("oob_16");
	if (!small || !full) {
		kfree(small);
		kfree(full);
		return;
	}
	*(volatile struct sixteen *)small = *full;	/* 16 bytes into 13 */
	kfree(small);
	kfree(full);
}

static noinline void oob_in_memset(void)
{
	size_t size = 666;
	char *p = kmalloc(size, GFP_KERNEL);

	CASE("oob_in_memset");
	if (!p)
		return;
	memset(p, 0, size + 5);
	kfree(p);
}

static noinline void uaf(void)
{
	char *p = kmalloc(10, GFP_KERNEL);

	CASE("uaf");
	if (!p)
		return;
	kfree(p);
	((volatile char *)p)[8] = 'x';
}

static noinline void uaf_memset(void)
{
	size_t size = 33;
	char *p = kmalloc(size, GFP_KERNEL);

	CASE("uaf_memset");
	if (!p)
		return;
	kfree(p);
	memset(p, 0, size);
}

static noinline void uaf2(void)
{
	char *first = kmalloc(43, GFP_KERNEL), *second;

	CASE("uaf2");
	if (!first)
		return;
	kfree(first);
	second = kmalloc(43, GFP_KERNEL);		/* not the freed one: it is quarantined */
	if (!second)
		return;
	((volatile char *)first)[40] = 'x';
	kfree(second);
}

static noinline void cache_oob(void)
{
	size_t size = 200;
	struct kmem_cache *cache = kmem_cache_create("kasantest_cache", size, 0, 0, NULL);
	char *p;

	CASE("cache_oob");
	if (!cache)
		return;
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	if (p) {
		p[0] = ((volatile char *)p)[size];
		kmem_cache_free(cache, p);
	}
	kmem_cache_destroy(cache);
}

static char global_array[10];

static noinline void global_oob(void)
{
	volatile int i = 3;

	CASE("global_oob");
	(void)((volatile char *)global_array)[sizeof(global_array) + i];
}

static noinline void stack_oob(void)
{
	char stack_array[10];
	volatile int i = 0;

	CASE("stack_oob");
	(void)((volatile char *)stack_array)[sizeof(stack_array) + i];
}

static int __init kasantest_init(void)
{
	oob_right();
	oob_left();
	node_oob_right();
	large_oob_right();
	krealloc_more();
	krealloc_less();
	oob_16();
	oob_in_memset();
	uaf();
	uaf_memset();
	uaf2();
	cache_oob();
	stack_oob();
	global_oob();
	return -EAGAIN;					/* done: do not stay loaded */
}

module_init(kasantest_init);
MODULE_LICENSE("GPL");
