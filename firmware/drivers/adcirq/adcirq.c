/*
 * adcirq.c - the FS4412 potentiometer (AIN3) through the Exynos4412 ADC, the course's
 * interrupt version (emu4412 firmware): a platform driver for the device tree's
 * "fs4412,adc" node (reg 0x126C0000, the end-of-conversion interrupt <&combiner 10 3>),
 * request_irq on it, and a misc device /dev/adc whose read() starts a conversion, sleeps in
 * wait_event_interruptible until the handler clears the interrupt and wakes it, and copies
 * the 12-bit result to user space as an int.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/interrupt.h>
#include <linux/miscdevice.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/of.h>
#include <asm/uaccess.h>

#define ADCCON     0x00
#define ADCDAT     0x0C
#define CLRINTADC  0x18
#define ADCMUX     0x1C

#define RES_12BIT  (1 << 16)
#define PRSCEN     (1 << 14)
#define PRSCVL(x)  ((x) << 6)
#define ENABLE_START (1 << 0)

static void __iomem *adc_base;
static int adc_irq;
static DECLARE_WAIT_QUEUE_HEAD(adc_wq);
static int adc_done;
static int adc_value;

static irqreturn_t adc_handler(int irq, void *dev_id)
{
	adc_value = readl(adc_base + ADCDAT) & 0xFFF;
	writel(0, adc_base + CLRINTADC);
	adc_done = 1;
	wake_up_interruptible(&adc_wq);
	return IRQ_HANDLED;
}

static ssize_t adc_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	int ret;

	if (count < sizeof(adc_value))
		return -EINVAL;
	adc_done = 0;
	writel(3, adc_base + ADCMUX);                           /* AIN3 */
	writel(RES_12BIT | PRSCEN | PRSCVL(0xFF) | ENABLE_START, adc_base + ADCCON);
	ret = wait_event_interruptible(adc_wq, adc_done);
	if (ret)
		return ret;
	if (copy_to_user(buf, &adc_value, sizeof(adc_value)))
		return -EFAULT;
	return sizeof(adc_value);
}

static const struct file_operations adc_fops = {
	.owner = THIS_MODULE,
	.read = adc_read,
};

static struct miscdevice adc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "adc",
	.fops = &adc_fops,
};

static int adc_probe(struct platform_device *pdev)
{
	struct resource *res;
	int ret;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	adc_base = devm_ioremap_resource(&pdev->dev, res);
	if (IS_ERR(adc_base))
		return PTR_ERR(adc_base);
	adc_irq = platform_get_irq(pdev, 0);
	if (adc_irq < 0)
		return adc_irq;
	ret = request_irq(adc_irq, adc_handler, 0, "adc", NULL);
	if (ret)
		return ret;
	ret = misc_register(&adc_misc);
	if (ret) {
		free_irq(adc_irq, NULL);
		return ret;
	}
	dev_info(&pdev->dev, "AIN3 on /dev/adc, end of conversion on irq %d\n", adc_irq);
	return 0;
}

static int adc_remove(struct platform_device *pdev)
{
	misc_deregister(&adc_misc);
	free_irq(adc_irq, NULL);
	writel(readl(adc_base + ADCCON) | (1 << 2), adc_base + ADCCON);   /* standby */
	return 0;
}

static const struct of_device_id adc_of_match[] = {
	{ .compatible = "fs4412,adc" },
	{ },
};

static struct platform_driver adc_driver = {
	.driver = {
		.name = "fs4412-adc",
		.owner = THIS_MODULE,
		.of_match_table = adc_of_match,
	},
	.probe = adc_probe,
	.remove = adc_remove,
};

module_platform_driver(adc_driver);
MODULE_LICENSE("GPL");
