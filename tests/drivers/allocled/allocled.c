/*
 * allocled.c - test fixture: the seed LED driver (firmware/drivers/leddrv/leddrv.c) with a
 * dynamically allocated device number: alloc_chrdev_region() only (never
 * register_chrdev_region), the major printed as "allocled: major=N" (KERN_INFO).  Same
 * ioctls (MY_LED_ON / MY_LED_OFF, argument the LED number 2..5) and the same register
 * setup; the device is named "allocled" in /proc/devices.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/slab.h>
#include <linux/io.h>

#include "leddrv.h"

#define GPX1CON 0x11000C20
#define GPX1DAT 0x11000C24

#define GPX2CON 0x11000C40
#define GPX2DAT 0x11000C44

#define GPF3CON 0x114001E0
#define GPF3DAT 0x114001E4

struct allocled_dev {
	struct cdev mydev;
	dev_t devno;

	void __iomem *gpx2con, *gpx2dat;
	void __iomem *gpx1con, *gpx1dat;
	void __iomem *gpf3con, *gpf3dat;
};

static struct allocled_dev *pgdev;

/* LED n: the DAT register and bit that drive it */
static void __iomem *led_dat(struct allocled_dev *d, int ledno, u32 *bit)
{
	switch (ledno) {
	case 2: *bit = 1 << 7; return d->gpx2dat;
	case 3: *bit = 1 << 0; return d->gpx1dat;
	case 4: *bit = 1 << 4; return d->gpf3dat;
	case 5: *bit = 1 << 5; return d->gpf3dat;
	}
	return NULL;
}

static int allocled_open(struct inode *pnode, struct file *pfile)
{
	pfile->private_data = container_of(pnode->i_cdev, struct allocled_dev, mydev);
	return 0;
}

static int allocled_release(struct inode *pnode, struct file *pfile)
{
	return 0;
}

static long allocled_ioctl(struct file *pfile, unsigned int cmd, unsigned long arg)
{
	struct allocled_dev *d = pfile->private_data;
	void __iomem *dat;
	u32 bit;

	if (arg < 2 || arg > 5)
		return -EINVAL;
	dat = led_dat(d, arg, &bit);

	switch (cmd) {
	case MY_LED_ON:
		writel(readl(dat) | bit, dat);
		break;
	case MY_LED_OFF:
		writel(readl(dat) & ~bit, dat);
		break;
	default:
		return -ENOTTY;
	}
	return 0;
}

static const struct file_operations allocled_fops = {
	.owner = THIS_MODULE,
	.open = allocled_open,
	.release = allocled_release,
	.unlocked_ioctl = allocled_ioctl,
};

static void set_field(void __iomem *reg, int shift, u32 mask, u32 val)
{
	writel((readl(reg) & ~(mask << shift)) | (val << shift), reg);
}

static int __init allocled_init(void)
{
	dev_t devno;
	int ret;

	ret = alloc_chrdev_region(&devno, 0, 1, "allocled");
	if (ret) {
		printk(KERN_ERR "allocled: alloc_chrdev_region failed: %d\n", ret);
		return ret;
	}
	printk(KERN_INFO "allocled: major=%d\n", MAJOR(devno));

	pgdev = kzalloc(sizeof(*pgdev), GFP_KERNEL);
	if (!pgdev) {
		unregister_chrdev_region(devno, 1);
		return -ENOMEM;
	}
	pgdev->devno = devno;

	pgdev->gpx2con = ioremap(GPX2CON, 4);
	pgdev->gpx2dat = ioremap(GPX2DAT, 4);
	pgdev->gpx1con = ioremap(GPX1CON, 4);
	pgdev->gpx1dat = ioremap(GPX1DAT, 4);
	pgdev->gpf3con = ioremap(GPF3CON, 4);
	pgdev->gpf3dat = ioremap(GPF3DAT, 4);

	/* pins to output (function 0x1), LEDs off */
	set_field(pgdev->gpx2con, 28, 0xF, 0x1);
	set_field(pgdev->gpx1con, 0, 0xF, 0x1);
	set_field(pgdev->gpf3con, 16, 0xF, 0x1);
	set_field(pgdev->gpf3con, 20, 0xF, 0x1);
	writel(readl(pgdev->gpx2dat) & ~(1 << 7), pgdev->gpx2dat);
	writel(readl(pgdev->gpx1dat) & ~(1 << 0), pgdev->gpx1dat);
	writel(readl(pgdev->gpf3dat) & ~(3 << 4), pgdev->gpf3dat);

	cdev_init(&pgdev->mydev, &allocled_fops);
	pgdev->mydev.owner = THIS_MODULE;
	ret = cdev_add(&pgdev->mydev, devno, 1);
	if (ret) {
		printk(KERN_ERR "allocled: cdev_add failed: %d\n", ret);
		goto err_unmap;
	}
	return 0;

err_unmap:
	iounmap(pgdev->gpx2con);
	iounmap(pgdev->gpx2dat);
	iounmap(pgdev->gpx1con);
	iounmap(pgdev->gpx1dat);
	iounmap(pgdev->gpf3con);
	iounmap(pgdev->gpf3dat);
	kfree(pgdev);
	unregister_chrdev_region(devno, 1);
	return ret;
}

static void __exit allocled_exit(void)
{
	dev_t devno = pgdev->devno;

	cdev_del(&pgdev->mydev);
	iounmap(pgdev->gpx2con);
	iounmap(pgdev->gpx2dat);
	iounmap(pgdev->gpx1con);
	iounmap(pgdev->gpx1dat);
	iounmap(pgdev->gpf3con);
	iounmap(pgdev->gpf3dat);
	kfree(pgdev);
	pgdev = NULL;
	unregister_chrdev_region(devno, 1);
}

MODULE_LICENSE("GPL");

module_init(allocled_init);
module_exit(allocled_exit);
