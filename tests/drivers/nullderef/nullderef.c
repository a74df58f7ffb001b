/*
 * nullderef.c - test fixture: a character driver whose ioctl writes through a NULL
 * pointer, the classic "forgot to allocate the state" bug.
 *
 * init registers major 240 ("nullderef", minors 0-255) with register_chrdev() and prints
 * "nullderef: registered major 240".  Any ioctl on the device runs nullderef_ioctl(),
 * which stores cmd into nullderef_state->last_cmd: nullderef_state is NULL, so the store
 * (a str, the function's only access through the pointer) goes to virtual address
 * 0x00000004 = offsetof(struct nullderef_state, last_cmd).  On the
 * board: "Unable to handle kernel NULL pointer dereference at virtual address 00000004",
 * PC in nullderef_ioctl.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>

#define NULLDEREF_MAJOR 240

struct nullderef_state {
	unsigned long count;
	unsigned int last_cmd;	/* offset 4 */
};

/* BUG (deliberate): never allocated.  Global, so the compiler cannot assume it is NULL. */
struct nullderef_state *nullderef_state;

long nullderef_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	nullderef_state->last_cmd = cmd;	/* the first and only access: a store */
	return 0;
}

static const struct file_operations nullderef_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nullderef_ioctl,
};

static int __init nullderef_init(void)
{
	int ret = register_chrdev(NULLDEREF_MAJOR, "nullderef", &nullderef_fops);

	if (ret < 0) {
		printk(KERN_ERR "nullderef: register_chrdev failed: %d\n", ret);
		return ret;
	}
	printk(KERN_INFO "nullderef: registered major %d\n", NULLDEREF_MAJOR);
	return 0;
}

static void __exit nullderef_exit(void)
{
	unregister_chrdev(NULLDEREF_MAJOR, "nullderef");
}

MODULE_LICENSE("GPL");

module_init(nullderef_init);
module_exit(nullderef_exit);
