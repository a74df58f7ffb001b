/* A probe that never returns (as the FS4412 course's fs4412_ds18b20.c polls its sensor in
 * probe): module init registers a device and its driver, the probe loops on msleep. On the
 * board insmod never comes back; here the time limit stops the run. */
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>

static struct platform_device *pdev;

static int probeloop_probe(struct platform_device *dev)
{
	int n = 0;

	for (;;) {
		msleep(500);
		pr_info("probeloop: poll %d\n", ++n);
	}
	return 0;
}

static struct platform_driver probeloop_driver = {
	.probe = probeloop_probe,
	.driver = { .name = "probeloop" },
};

static int __init probeloop_init(void)
{
	pdev = platform_device_register_simple("probeloop", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	return platform_driver_register(&probeloop_driver);
}

static void __exit probeloop_exit(void)
{
	platform_driver_unregister(&probeloop_driver);
	platform_device_unregister(pdev);
}

module_init(probeloop_init);
module_exit(probeloop_exit);
MODULE_LICENSE("GPL");
