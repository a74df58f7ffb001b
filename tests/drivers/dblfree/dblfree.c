/*
 * dblfree.c - a broken driver: frees a kmalloc'd buffer twice, then frees a pointer into
 * the middle of another buffer.  Reported as "BUG: KASAN: double-free" and
 * "BUG: KASAN: invalid-free" (without the checker: "Object already free" and
 * "kfree() of invalid pointer").
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>

static int __init dblfree_init(void)
{
	char *a = kmalloc(64, GFP_KERNEL);
	char *b = kmalloc(64, GFP_KERNEL);

	if (!a || !b)
		return -ENOMEM;
	kfree(a);
	kfree(a);			/* double free */
	kfree(b + 8);			/* not the start of an object */
	kfree(b);
	printk(KERN_INFO "dblfree: done\n");
	return 0;
}

static void __exit dblfree_exit(void)
{
}

module_init(dblfree_init);
module_exit(dblfree_exit);
MODULE_LICENSE("GPL");
