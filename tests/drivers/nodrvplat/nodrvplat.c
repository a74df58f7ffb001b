/*
 * nodrvplat.c - test fixture: a platform device no driver claims. dev_info on it names the
 * bus ("platform nodrvplat: ..."), and its parent is the platform bus device "platform".
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/device.h>

static struct platform_device *nodrvplat_pdev;

static int __init nodrvplat_init(void)
{
	nodrvplat_pdev = platform_device_register_simple("nodrvplat", -1, NULL, 0);
	if (IS_ERR(nodrvplat_pdev))
		return PTR_ERR(nodrvplat_pdev);
	dev_info(&nodrvplat_pdev->dev, "no driver bound\n");
	pr_info("nodrvplat: parent %s, bus %s\n", dev_name(nodrvplat_pdev->dev.parent),
		nodrvplat_pdev->dev.bus->name);
	return 0;
}

static void __exit nodrvplat_exit(void)
{
	platform_device_unregister(nodrvplat_pdev);
}

module_init(nodrvplat_init);
module_exit(nodrvplat_exit);
MODULE_LICENSE("GPL");
