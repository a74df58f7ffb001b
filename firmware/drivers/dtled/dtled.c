/*
 * dtled: a course-style platform + device tree LED driver (FS4412, Linux 3.14).
 *
 * The user's tree adds   fs4412-dtled { compatible = "fs4412,dtled"; reg = <0x11000C40 0x8>; };
 * (GPX2CON/GPX2DAT: LED2 on gpx2-7). probe maps the registers with of_iomap, makes
 * /dev/dtled through class_create/device_create, lights LED2; write "0"/"1" switches it;
 * remove turns it off and undoes everything. The "fs4412,dtled-bad" node exercises a
 * failing probe: its devm allocation must be released and the driver stay registered.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/io.h>
#include <linux/uaccess.h>

#define GPX2CON 0
#define GPX2DAT 4

static void __iomem *regs;
static int major;
static struct class *cls;

static ssize_t dtled_write(struct file *file, const char __user *buf, size_t n, loff_t *pos)
{
	char c;

	if (n < 1 || copy_from_user(&c, buf, 1))
		return -EFAULT;
	if (c == '1')
		writel(readl(regs + GPX2DAT) | (1 << 7), regs + GPX2DAT);
	else
		writel(readl(regs + GPX2DAT) & ~(1 << 7), regs + GPX2DAT);
	return n;
}

static const struct file_operations dtled_fops = {
	.owner = THIS_MODULE,
	.write = dtled_write,
};

static int dtled_probe(struct platform_device *pdev)
{
	struct device_node *np = pdev->dev.of_node;
	struct resource *res;
	u32 reg[2];
	const char *compat;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res) {
		dev_err(&pdev->dev, "no registers\n");
		return -ENODEV;
	}
	if (of_property_read_u32_array(np, "reg", reg, 2) ||
	    of_property_read_string(np, "compatible", &compat))
		return -EINVAL;
	dev_info(&pdev->dev, "%s: reg %#x size %u, resource %#x-%#x, irq %d\n", compat,
		 reg[0], reg[1], res->start, res->end, platform_get_irq(pdev, 0));

	if (of_device_is_compatible(np, "fs4412,dtled-bad")) {
		void *scratch = devm_kzalloc(&pdev->dev, 100, GFP_KERNEL);
		dev_err(&pdev->dev, "refusing this node (scratch %s)\n", scratch ? "ok" : "none");
		return -EINVAL;
	}

	regs = of_iomap(np, 0);
	if (!regs)
		return -ENOMEM;
	major = register_chrdev(0, "dtled", &dtled_fops);
	cls = class_create(THIS_MODULE, "dtled");
	device_create(cls, &pdev->dev, MKDEV(major, 0), NULL, "dtled%d", 0);
	writel((readl(regs + GPX2CON) & ~(0xf << 28)) | (1 << 28), regs + GPX2CON);
	writel(readl(regs + GPX2DAT) | (1 << 7), regs + GPX2DAT);
	return 0;
}

static int dtled_remove(struct platform_device *pdev)
{
	writel(readl(regs + GPX2DAT) & ~(1 << 7), regs + GPX2DAT);
	device_destroy(cls, MKDEV(major, 0));
	class_destroy(cls);
	unregister_chrdev(major, "dtled");
	iounmap(regs);
	dev_info(&pdev->dev, "removed\n");
	return 0;
}

static const struct of_device_id dtled_of_match[] = {
	{ .compatible = "fs4412,dtled" },
	{ .compatible = "fs4412,dtled-bad" },
	{ },
};

static struct platform_driver dtled_driver = {
	.probe = dtled_probe,
	.remove = dtled_remove,
	.driver = {
		.name = "fs4412-dtled",
		.owner = THIS_MODULE,
		.of_match_table = dtled_of_match,
	},
};

module_platform_driver(dtled_driver);
MODULE_LICENSE("GPL");
