/*
 * platdev: the device half of a course platform_device + platform_driver pair. It
 * describes LED2's registers (GPX2CON/GPX2DAT) and a made-up interrupt as resources of
 * "fs4412-platled" id 0; platdrv.ko matches it by its id_table.
 */

#include <linux/module.h>
#include <linux/platform_device.h>

static struct resource platled_res[] = {
	[0] = { .start = 0x11000C40, .end = 0x11000C47, .name = "gpx2", .flags = IORESOURCE_MEM },
	[1] = { .start = 164, .end = 164, .name = "key2", .flags = IORESOURCE_IRQ },
};

static void platled_release(struct device *dev)
{
	pr_info("platdev: release %s\n", dev_name(dev));
}

static struct platform_device platled_device = {
	.name = "fs4412-platled",
	.id = 0,
	.num_resources = ARRAY_SIZE(platled_res),
	.resource = platled_res,
	.dev = { .release = platled_release },
};

static int __init platdev_init(void)
{
	return platform_device_register(&platled_device);
}

static void __exit platdev_exit(void)
{
	platform_device_unregister(&platled_device);
}

module_init(platdev_init);
module_exit(platdev_exit);
MODULE_LICENSE("GPL");
