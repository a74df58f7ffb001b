/*
 * badptr.c - test fixture: kernel services handed bad kernel pointers, one per ioctl, and
 * the uaccess checks of lib/test_user_copy.c that a fault must leave.
 *
 * init registers major 242 ("badptr").  ioctl(fd, CMD, arg):
 *   1  printk("%s", BAD)          2  printk(BAD) (the format itself)
 *   3  register_chrdev(0, BAD, fops)   4  cdev_add(BAD, dev, 1)
 *   5  strlen(BAD)
 *   6  copy_from_user(kbuf, arg, 64): arg points 16 bytes before an unmapped page;
 *      returns the count not copied * 1000 + the number of kbuf bytes left non-zero
 *      (3.14's ARM __copy_from_user zero-fills the rest: 48 * 1000 + 0)
 *   7  strcmp results: returns (strcmp(s1, s2) + 2) * 10 + (strcmp(s2, s1) + 2) for
 *      s1 = "a", s2 = "c" (3.14's strcmp answers -1/+1: 13; a byte difference would not)
 * BAD is 0xf7ff0000, an unmapped address in the vmalloc area: each of 1-5 must oops, as on the board.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define BADPTR_MAJOR 242
#define BAD ((void *)0xf7ff0000)

static const struct file_operations badptr_fops;
/* Globals, so the compiler cannot fold the strcmp calls. */
char badptr_s1[4] = "a", badptr_s2[4] = "c";

long badptr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	char kbuf[64];
	int i, dirty = 0;
	unsigned long left;

	switch (cmd) {
	case 1:
		printk(KERN_INFO "badptr: %s\n", (char *)BAD);
		return 0;
	case 2:
		printk((char *)BAD);
		return 0;
	case 3:
		return register_chrdev(0, (char *)BAD, &badptr_fops);
	case 4:
		return cdev_add((struct cdev *)BAD, MKDEV(243, 0), 1);
	case 5:
		return strlen((char *)BAD);
	case 6:
		memset(kbuf, 0x5a, sizeof kbuf);
		left = copy_from_user(kbuf, (void __user *)arg, sizeof kbuf);
		for (i = sizeof kbuf - left; i < sizeof kbuf; i++)
			dirty += kbuf[i] != 0;
		return left * 1000 + dirty;
	case 7:
		return (strcmp(badptr_s1, badptr_s2) + 2) * 10 + (strcmp(badptr_s2, badptr_s1) + 2);
	}
	return -ENOTTY;
}

static const struct file_operations badptr_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = badptr_ioctl,
};

static int __init badptr_init(void)
{
	return register_chrdev(BADPTR_MAJOR, "badptr", &badptr_fops);
}

static void __exit badptr_exit(void)
{
	unregister_chrdev(BADPTR_MAJOR, "badptr");
}

MODULE_LICENSE("GPL");

module_init(badptr_init);
module_exit(badptr_exit);
