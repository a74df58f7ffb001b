/*
 * wdt.c - the Exynos4412 watchdog as the course teaches it (emu4412 firmware): at insmod
 * the counter runs with the board reset enabled; feed it through /dev/wdt (write() or the
 * WDT_KEEPALIVE ioctl) within the timeout or the board resets. rmmod stops it.
 *
 * Clock: PCLK 100 MHz / (prescaler 255 + 1) / 128 = 3051 Hz; the timeout module parameter
 * (seconds, default 2) gives WTDAT = WTCNT = timeout * 3051 (at most 21 s in 16 bits).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/io.h>

#include "wdt.h"

#define WDT_BASE   0x10060000
#define WTCON      0x00
#define WTDAT      0x04
#define WTCNT      0x08
#define WTCLRINT   0x0C

#define WTCON_PRESCALER(x) ((x) << 8)
#define WTCON_ENABLE       (1 << 5)
#define WTCON_DIV128       (3 << 3)
#define WTCON_RSTEN        (1 << 0)
#define WDT_TICK_HZ        (100000000 / 256 / 128)

static int timeout = 2;
module_param(timeout, int, 0444);

static void __iomem *wdt_base;
static struct cdev wdt_cdev;
static unsigned int wdt_count;

static void wdt_keepalive(void)
{
	writel(wdt_count, wdt_base + WTCNT);
}

static ssize_t wdt_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	wdt_keepalive();
	return count;
}

static long wdt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != WDT_KEEPALIVE)
		return -ENOTTY;
	wdt_keepalive();
	return 0;
}

static int wdt_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int wdt_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations wdt_fops = {
	.owner = THIS_MODULE,
	.open = wdt_open,
	.release = wdt_release,
	.write = wdt_write,
	.unlocked_ioctl = wdt_ioctl,
};

static int __init wdt_init(void)
{
	dev_t devno = MKDEV(WDT_MAJOR, 0);
	int ret;

	if (timeout < 1 || timeout > 21)
		return -EINVAL;
	ret = register_chrdev_region(devno, 1, "wdt");
	if (ret)
		return ret;
	cdev_init(&wdt_cdev, &wdt_fops);
	wdt_cdev.owner = THIS_MODULE;
	ret = cdev_add(&wdt_cdev, devno, 1);
	if (ret)
		goto out_region;
	wdt_base = ioremap(WDT_BASE, 0x10);
	if (!wdt_base) {
		ret = -ENOMEM;
		goto out_cdev;
	}
	wdt_count = timeout * WDT_TICK_HZ;
	writel(wdt_count, wdt_base + WTDAT);
	writel(wdt_count, wdt_base + WTCNT);
	writel(WTCON_PRESCALER(255) | WTCON_DIV128 | WTCON_ENABLE | WTCON_RSTEN, wdt_base + WTCON);
	printk(KERN_INFO "wdt: watchdog armed, %d s timeout (WTCNT %u)\n", timeout, wdt_count);
	return 0;

out_cdev:
	cdev_del(&wdt_cdev);
out_region:
	unregister_chrdev_region(devno, 1);
	return ret;
}

static void __exit wdt_exit(void)
{
	writel(0, wdt_base + WTCON);                     /* stop the watchdog */
	iounmap(wdt_base);
	cdev_del(&wdt_cdev);
	unregister_chrdev_region(MKDEV(WDT_MAJOR, 0), 1);
	printk(KERN_INFO "wdt: watchdog stopped\n");
}

module_init(wdt_init);
module_exit(wdt_exit);
MODULE_LICENSE("GPL");
