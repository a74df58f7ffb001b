/*
 * adc.c - the FS4412 potentiometer (AIN3) through the Exynos4412 ADC, course style: the
 * registers mapped with ioremap, 12-bit conversions started with ENABLE_START and polled
 * on ECFLG (emu4412 firmware; the interrupt + wait-queue version needs the interrupt core).
 *
 * read() converts AIN3 once and copies the 12-bit result to user space as an int.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/io.h>
#include <asm/uaccess.h>

#include "adc.h"

#define ADC_BASE   0x126C0000
#define ADCCON     0x00
#define ADCDAT     0x0C
#define CLRINTADC  0x18
#define ADCMUX     0x1C

#define RES_12BIT  (1 << 16)
#define ECFLG      (1 << 15)
#define PRSCEN     (1 << 14)
#define PRSCVL(x)  ((x) << 6)
#define ENABLE_START (1 << 0)

static void __iomem *adc_base;
static struct cdev adc_cdev;

static int adc_convert(void)
{
	int polls = 0;

	writel(3, adc_base + ADCMUX);                           /* AIN3 */
	writel(RES_12BIT | PRSCEN | PRSCVL(0xFF) | ENABLE_START, adc_base + ADCCON);
	while (!(readl(adc_base + ADCCON) & ECFLG)) {
		if (++polls > 1000000)
			return -ETIMEDOUT;
	}
	writel(0, adc_base + CLRINTADC);
	return readl(adc_base + ADCDAT) & 0xFFF;
}

static ssize_t adc_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	int value;

	if (count < sizeof(value))
		return -EINVAL;
	value = adc_convert();
	if (value < 0)
		return value;
	if (copy_to_user(buf, &value, sizeof(value)))
		return -EFAULT;
	return sizeof(value);
}

static int adc_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int adc_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations adc_fops = {
	.owner = THIS_MODULE,
	.open = adc_open,
	.release = adc_release,
	.read = adc_read,
};

static int __init adc_init(void)
{
	dev_t devno = MKDEV(ADC_MAJOR, 0);
	int ret;

	ret = register_chrdev_region(devno, 1, "adc");
	if (ret)
		return ret;
	cdev_init(&adc_cdev, &adc_fops);
	adc_cdev.owner = THIS_MODULE;
	ret = cdev_add(&adc_cdev, devno, 1);
	if (ret)
		goto out_region;
	adc_base = ioremap(ADC_BASE, 0x20);
	if (!adc_base) {
		ret = -ENOMEM;
		goto out_cdev;
	}
	printk(KERN_INFO "adc: AIN3 on /dev/adc (major %d)\n", ADC_MAJOR);
	return 0;

out_cdev:
	cdev_del(&adc_cdev);
out_region:
	unregister_chrdev_region(devno, 1);
	return ret;
}

static void __exit adc_exit(void)
{
	writel(readl(adc_base + ADCCON) | (1 << 2), adc_base + ADCCON);   /* standby */
	iounmap(adc_base);
	cdev_del(&adc_cdev);
	unregister_chrdev_region(MKDEV(ADC_MAJOR, 0), 1);
}

module_init(adc_init);
module_exit(adc_exit);
MODULE_LICENSE("GPL");
