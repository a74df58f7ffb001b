/*
 * leakmem.c - a broken driver: its exit function frees nothing it allocated in init.
 * rmmod should report, with the init line that allocated each: a kmalloc'd buffer (100
 * bytes), an object of cache "leakmem_obj" and the cache itself, an order-1 page block,
 * a vmalloc area, a per-CPU area and a mempool.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/mempool.h>

static void *buf, *obj, *vbuf;
static struct kmem_cache *cache;
static struct page *pages;
static int __percpu *counter;
static mempool_t *pool;

static int __init leakmem_init(void)
{
	buf = kmalloc(100, GFP_KERNEL);
	cache = kmem_cache_create("leakmem_obj", 48, 0, 0, NULL);
	obj = cache ? kmem_cache_alloc(cache, GFP_KERNEL) : NULL;
	pages = alloc_pages(GFP_KERNEL, 1);
	vbuf = vmalloc(10000);
	counter = alloc_percpu(int);
	pool = mempool_create_kmalloc_pool(2, 32);
	if (!buf || !obj || !pages || !vbuf || !counter || !pool)
		return -ENOMEM;
	printk(KERN_INFO "leakmem: holding memory\n");
	return 0;
}

static void __exit leakmem_exit(void)
{
	printk(KERN_INFO "leakmem: exit (frees nothing)\n");
}

module_init(leakmem_init);
module_exit(leakmem_exit);
MODULE_LICENSE("GPL");
