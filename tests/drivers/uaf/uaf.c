/*
 * uaf.c - a broken driver: reads and writes a kmalloc'd object after kfree().  Reported
 * as "BUG: KASAN: use-after-free in uaf_init+0x..." with where it was allocated and freed.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>

struct session {
	int id;
	int state;
	char name[24];
};

static noinline struct session *uaf_open(void)
{
	struct session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (s)
		s->id = 7;
	return s;
}

static noinline void uaf_close(struct session *s)
{
	kfree(s);
}

static int __init uaf_init(void)
{
	volatile struct session *s = uaf_open();
	int id;

	if (!s)
		return -ENOMEM;
	uaf_close((struct session *)s);
	id = s->id;			/* read after free */
	s->state = 1;			/* write after free */
	printk(KERN_INFO "uaf: session %d used after free\n", id);
	return 0;
}

static void __exit uaf_exit(void)
{
}

module_init(uaf_init);
module_exit(uaf_exit);
MODULE_LICENSE("GPL");
