/*
 * leakplat.c - test fixture: a platform driver for the board tree's fs4412-led node whose
 * exit forgets platform_driver_unregister. rmmod must report the still-registered driver
 * and the devm_kzalloc memory its bound device still holds.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/of.h>

static int leakplat_probe(struct platform_device *pdev)
{
	return devm_kzalloc(&pdev->dev, 64, GFP_KERNEL) ? 0 : -ENOMEM;
}

static const struct of_device_id leakplat_ids[] = {
	{ .compatible = "fs4412,led" },
	{ }
};

static struct platform_driver leakplat_driver = {
	.probe = leakplat_probe,
	.driver = { .name = "leakplat", .of_match_table = leakplat_ids },
};

static int __init leakplat_init(void)
{
	return platform_driver_register(&leakplat_driver);
}

static void __exit leakplat_exit(void)
{
}

module_init(leakplat_init);
module_exit(leakplat_exit);
MODULE_LICENSE("GPL");
