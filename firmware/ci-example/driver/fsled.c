/*
 * fsled.c - the ci-example's LED driver: /dev/fsled (major 245), ioctl FSLED_ON/FSLED_OFF
 * with the LED number (2-5) as argument. init makes the four LED pins outputs, driven low.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/errno.h>

#include "fsled.h"

struct fsled {
	unsigned long con_phys, dat_phys;
	int bit;
	void __iomem *con, *dat;
};

static struct fsled leds[] = {
	{ 0x11000C40, 0x11000C44, 7 },	/* LED2: GPX2CON/GPX2DAT, gpx2-7 */
	{ 0x11000C20, 0x11000C24, 0 },	/* LED3: GPX1CON/GPX1DAT, gpx1-0 */
	{ 0x114001E0, 0x114001E4, 4 },	/* LED4: GPF3CON/GPF3DAT, gpf3-4 */
	{ 0x114001E0, 0x114001E4, 5 },	/* LED5: GPF3CON/GPF3DAT, gpf3-5 */
};
#define NLEDS (sizeof(leds) / sizeof(leds[0]))

static void fsled_set(struct fsled *led, int on)
{
	u32 v = readl(led->dat);

	writel(on ? v | (1 << led->bit) : v & ~(1 << led->bit), led->dat);
}

static long fsled_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (arg < 2 || arg > 5)
		return -EINVAL;
	switch (cmd) {
	case FSLED_ON:
		fsled_set(&leds[arg - 2], 1);
		return 0;
	case FSLED_OFF:
		fsled_set(&leds[arg - 2], 0);
		return 0;
	}
	return -ENOTTY;
}

static const struct file_operations fsled_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = fsled_ioctl,
};

static void fsled_unmap(void)
{
	int i;

	for (i = 0; i < NLEDS; i++) {
		if (leds[i].con)
			iounmap(leds[i].con);
		if (leds[i].dat)
			iounmap(leds[i].dat);
		leds[i].con = leds[i].dat = NULL;
	}
}

static int __init fsled_init(void)
{
	int i, ret;

	for (i = 0; i < NLEDS; i++) {
		struct fsled *led = &leds[i];

		led->con = ioremap(led->con_phys, 4);
		led->dat = ioremap(led->dat_phys, 4);
		if (!led->con || !led->dat) {
			fsled_unmap();
			return -ENOMEM;
		}
		writel((readl(led->con) & ~(0xF << 4 * led->bit)) | (0x1 << 4 * led->bit), led->con);
		fsled_set(led, 0);
	}
	ret = register_chrdev(FSLED_MAJOR, "fsled", &fsled_fops);
	if (ret < 0) {
		fsled_unmap();
		return ret;
	}
	printk(KERN_INFO "fsled: %d LEDs on major %d\n", (int)NLEDS, FSLED_MAJOR);
	return 0;
}

static void __exit fsled_exit(void)
{
	int i;

	for (i = 0; i < NLEDS; i++)
		fsled_set(&leds[i], 0);
	unregister_chrdev(FSLED_MAJOR, "fsled");
	fsled_unmap();
}

MODULE_LICENSE("GPL");
module_init(fsled_init);
module_exit(fsled_exit);
