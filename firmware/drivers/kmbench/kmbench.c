/*
 * kmbench.c - kmalloc/kfree benchmark driver for the emu4412 board.
 *
 * Registers a character device with a dynamically allocated major (alloc_chrdev_region
 * + cdev; the major is printed as "kmbench: major=N").  ioctl(fd, KMBENCH_RUN, N) does N
 * kmalloc + kfree pairs, cycling through 64, 128, 192 and 256-byte requests (four of the
 * SLUB kmalloc caches) and touching the first and last byte of each object.
 * KMBENCH_CACHE does N kmem_cache_alloc + kmem_cache_free pairs on a cache of 128-byte
 * objects, KMBENCH_PAGES N alloc_pages(order 0) + __free_pages pairs.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "kmbench.h"

static dev_t kmbench_devno;
static struct cdev kmbench_cdev;
static struct kmem_cache *kmbench_cache;

static long kmbench_run(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		size_t size = 64 + (i & 3) * 64;
		unsigned char *p = kmalloc(size, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		p[0] = (unsigned char)i;
		p[size - 1] = (unsigned char)i;
		kfree(p);
	}
	return 0;
}

static long kmbench_cache_run(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		unsigned char *p = kmem_cache_alloc(kmbench_cache, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		p[0] = (unsigned char)i;
		p[127] = (unsigned char)i;
		kmem_cache_free(kmbench_cache, p);
	}
	return 0;
}

static long kmbench_pages(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);

		if (!page)
			return -ENOMEM;
		__free_pages(page, 0);
	}
	return 0;
}

static long kmbench_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KMBENCH_RUN:
		return kmbench_run(arg);
	case KMBENCH_CACHE:
		return kmbench_cache_run(arg);
	case KMBENCH_PAGES:
		return kmbench_pages(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kmbench_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kmbench_ioctl,
};

static int __init kmbench_init(void)
{
	int ret;

	kmbench_cache = kmem_cache_create("kmbench", 128, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!kmbench_cache)
		return -ENOMEM;
	ret = alloc_chrdev_region(&kmbench_devno, 0, 1, "kmbench");
	if (ret) {
		printk(KERN_ERR "kmbench: alloc_chrdev_region failed: %d\n", ret);
		kmem_cache_destroy(kmbench_cache);
		return ret;
	}

	cdev_init(&kmbench_cdev, &kmbench_fops);
	kmbench_cdev.owner = THIS_MODULE;
	ret = cdev_add(&kmbench_cdev, kmbench_devno, 1);
	if (ret) {
		printk(KERN_ERR "kmbench: cdev_add failed: %d\n", ret);
		unregister_chrdev_region(kmbench_devno, 1);
		kmem_cache_destroy(kmbench_cache);
		return ret;
	}

	printk(KERN_INFO "kmbench: major=%d\n", MAJOR(kmbench_devno));
	return 0;
}

static void __exit kmbench_exit(void)
{
	cdev_del(&kmbench_cdev);
	unregister_chrdev_region(kmbench_devno, 1);
	kmem_cache_destroy(kmbench_cache);
}

module_init(kmbench_init);
module_exit(kmbench_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("emu4412");
MODULE_DESCRIPTION("kmalloc, slab cache and page allocator benchmark driver");
