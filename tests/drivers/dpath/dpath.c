/* d_path of an open device file (as the FS4412 course's key.c finds which node was opened):
 * a misc device whose open prints the path it was opened by, then asks again with a buffer
 * too short for it (ERR_PTR(-ENAMETOOLONG)). */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

static int dpath_open(struct inode *inode, struct file *filp)
{
	char *buf, *name;

	buf = kzalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	name = d_path(&filp->f_path, buf, PATH_MAX);
	if (IS_ERR(name)) {
		kfree(buf);
		return PTR_ERR(name);
	}
	pr_info("dpath: opened %s (at buf+%d)\n", name, (int)(name - buf));
	name = d_path(&filp->f_path, buf, 5);
	pr_info("dpath: short buffer %ld\n", IS_ERR(name) ? PTR_ERR(name) : 0L);
	kfree(buf);
	return 0;
}

static ssize_t dpath_read(struct file *filp, char __user *p, size_t n, loff_t *off)
{
	return 0;
}

static const struct file_operations dpath_fops = {
	.owner = THIS_MODULE,
	.open = dpath_open,
	.read = dpath_read,
};

static struct miscdevice dpath_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dpath",
	.fops = &dpath_fops,
};

static int __init dpath_init(void)
{
	return misc_register(&dpath_dev);
}

static void __exit dpath_exit(void)
{
	misc_deregister(&dpath_dev);
}

module_init(dpath_init);
module_exit(dpath_exit);
MODULE_LICENSE("GPL");
