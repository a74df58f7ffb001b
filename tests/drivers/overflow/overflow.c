/*
 * overflow.c - a broken driver: writes one byte past a 100-byte kmalloc buffer, reads
 * before its start, and memsets 128 bytes into it.  With the memory checker on, each is
 * reported once as "BUG: KASAN: slab-out-of-bounds in overflow_init+0x...".
 * The size is read at run time, so kmalloc() is a __kmalloc(len) call in every build: built
 * against the board's tree, a constant kmalloc(100) is kmem_cache_alloc() of kmalloc-128,
 * whose object is 128 bytes (the checker can then only see past the 128).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

static volatile int len = 100;

static int __init overflow_init(void)
{
	volatile char *p = kmalloc(len, GFP_KERNEL);
	char c;
	int i;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < 2; i++)
		p[100] = 'x';		/* one past the end, twice: reported once */
	c = p[-1];			/* before the start */
	memset((void *)p, 0, 128);	/* 28 bytes too many */
	printk(KERN_INFO "overflow: wrote past the buffer (%d)\n", c);
	kfree((void *)p);
	return 0;
}

static void __exit overflow_exit(void)
{
}

module_init(overflow_init);
module_exit(overflow_exit);
MODULE_LICENSE("GPL");
