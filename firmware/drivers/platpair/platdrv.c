/*
 * platdrv: the driver half of the pair. Matches "fs4412-platled" through its id_table,
 * maps the MEM resource with devm_ioremap_resource (so the region shows in /proc/iomem
 * under the device's name), keeps its state in devm_kzalloc'd memory, lights LED2 while
 * bound and turns it off in remove.
 */

#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/io.h>

struct platled {
	void __iomem *regs;
	int irq;
};

static int platdrv_probe(struct platform_device *pdev)
{
	struct platled *led;
	struct resource *res;

	led = devm_kzalloc(&pdev->dev, sizeof(*led), GFP_KERNEL);
	if (!led)
		return -ENOMEM;
	res = platform_get_resource_byname(pdev, IORESOURCE_MEM, "gpx2");
	led->regs = devm_ioremap_resource(&pdev->dev, res);
	if (IS_ERR(led->regs))
		return PTR_ERR(led->regs);
	led->irq = platform_get_irq(pdev, 0);
	platform_set_drvdata(pdev, led);
	writel((readl(led->regs) & ~(0xf << 28)) | (1 << 28), led->regs);
	writel(readl(led->regs + 4) | (1 << 7), led->regs + 4);
	dev_info(&pdev->dev, "probed (%s id %lu), irq %d\n", platform_get_device_id(pdev)->name,
		 platform_get_device_id(pdev)->driver_data, led->irq);
	return 0;
}

static int platdrv_remove(struct platform_device *pdev)
{
	struct platled *led = platform_get_drvdata(pdev);

	writel(readl(led->regs + 4) & ~(1 << 7), led->regs + 4);
	dev_info(&pdev->dev, "removed\n");
	return 0;
}

static const struct platform_device_id platdrv_ids[] = {
	{ .name = "fs4412-platled", .driver_data = 4412 },
	{ },
};

static struct platform_driver platdrv = {
	.probe = platdrv_probe,
	.remove = platdrv_remove,
	.id_table = platdrv_ids,
	.driver = { .name = "platdrv", .owner = THIS_MODULE },
};

module_platform_driver(platdrv);
MODULE_LICENSE("GPL");
