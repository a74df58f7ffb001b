/*
 * sleepy.c - a broken driver: sleeps in atomic context.  GFP_KERNEL kmalloc under a
 * spinlock, vmalloc with IRQs disabled, msleep under a spinlock and might_sleep() under
 * spin_lock_bh.  Each prints "BUG: sleeping function called from invalid context" (or
 * "BUG: scheduling while atomic" for msleep) naming the call site.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/spinlock.h>
#include <linux/delay.h>

static DEFINE_SPINLOCK(sleepy_lock);

static int __init sleepy_init(void)
{
	unsigned long flags;
	void *p, *v;

	spin_lock(&sleepy_lock);
	p = kmalloc(64, GFP_KERNEL);		/* may sleep: wrong under a spinlock */
	spin_unlock(&sleepy_lock);

	local_irq_save(flags);
	v = vmalloc(8192);			/* vmalloc sleeps */
	local_irq_restore(flags);

	spin_lock(&sleepy_lock);
	msleep(1);				/* schedules while atomic */
	spin_unlock(&sleepy_lock);

	spin_lock_bh(&sleepy_lock);
	might_sleep();
	spin_unlock_bh(&sleepy_lock);

	kfree(p);
	vfree(v);
	printk(KERN_INFO "sleepy: done\n");
	return 0;
}

static void __exit sleepy_exit(void)
{
}

module_init(sleepy_init);
module_exit(sleepy_exit);
MODULE_LICENSE("GPL");
