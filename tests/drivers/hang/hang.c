/*
 * hang.c - test fixture: a character driver whose ioctl never returns.
 *
 * init registers major 241 ("hang", minors 0-255) with register_chrdev() and prints
 * "hang: registered major 241".  Any ioctl on the device runs hang_ioctl(), which
 * increments a volatile counter forever (a busy loop in kernel mode, IRQs enabled): the
 * calling program never gets control back; an emulator must stop it with its time or
 * instruction limit.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>

#define HANG_MAJOR 241

volatile unsigned long hang_counter;

long hang_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	for (;;)
		hang_counter++;
	return 0;
}

static const struct file_operations hang_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hang_ioctl,
};

static int __init hang_init(void)
{
	int ret = register_chrdev(HANG_MAJOR, "hang", &hang_fops);

	if (ret < 0) {
		printk(KERN_ERR "hang: register_chrdev failed: %d\n", ret);
		return ret;
	}
	printk(KERN_INFO "hang: registered major %d\n", HANG_MAJOR);
	return 0;
}

static void __exit hang_exit(void)
{
	unregister_chrdev(HANG_MAJOR, "hang");
}

MODULE_LICENSE("GPL");

module_init(hang_init);
module_exit(hang_exit);
