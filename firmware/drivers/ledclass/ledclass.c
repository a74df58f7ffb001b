/*
 * ledclass: an LED class driver for the FS4412's four LEDs (Linux 3.14 style).
 *
 * Registers fs4412:led2 .. fs4412:led5 with led_classdev_register; writing
 * /sys/class/leds/fs4412:ledN/brightness switches the LED through GPX2DAT/GPX1DAT/GPF3DAT,
 * mapped with ioremap. Pins are made outputs at load.
 */

#include <linux/module.h>
#include <linux/leds.h>
#include <linux/io.h>

struct fs4412_led {
	struct led_classdev cdev;
	unsigned long con;	/* physical address of the bank's CON register */
	int pin;
	void __iomem *regs;
};

static struct fs4412_led leds[] = {
	{ .cdev = { .name = "fs4412:led2" }, .con = 0x11000C40, .pin = 7 },
	{ .cdev = { .name = "fs4412:led3" }, .con = 0x11000C20, .pin = 0 },
	{ .cdev = { .name = "fs4412:led4" }, .con = 0x114001E0, .pin = 4 },
	{ .cdev = { .name = "fs4412:led5" }, .con = 0x114001E0, .pin = 5 },
};

static void fs4412_led_set(struct led_classdev *cdev, enum led_brightness value)
{
	struct fs4412_led *led = container_of(cdev, struct fs4412_led, cdev);
	u32 dat = readl(led->regs + 4);

	if (value)
		dat |= 1 << led->pin;
	else
		dat &= ~(1 << led->pin);
	writel(dat, led->regs + 4);
}

static int __init ledclass_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(leds); i++) {
		leds[i].regs = ioremap(leds[i].con, 8);
		writel((readl(leds[i].regs) & ~(0xf << (4 * leds[i].pin))) |
		       (1 << (4 * leds[i].pin)), leds[i].regs);
		leds[i].cdev.brightness_set = fs4412_led_set;
		ret = led_classdev_register(NULL, &leds[i].cdev);
		if (ret) {
			iounmap(leds[i].regs);
			while (i--) {
				led_classdev_unregister(&leds[i].cdev);
				iounmap(leds[i].regs);
			}
			return ret;
		}
	}
	pr_info("ledclass: %d LEDs, max brightness %d\n", i, leds[0].cdev.max_brightness);
	return 0;
}

static void __exit ledclass_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(leds); i++) {
		led_classdev_unregister(&leds[i].cdev);
		iounmap(leds[i].regs);
	}
}

module_init(ledclass_init);
module_exit(ledclass_exit);
MODULE_LICENSE("GPL");
