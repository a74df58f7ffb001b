/*
 * gpioled: a course-style gpiolib LED behind a misc device (FS4412, Linux 3.14).
 *
 * The tree's node (board fs4412.dts has it):
 *     fs4412-led { compatible = "fs4412,led"; led2 = <&gpx2 7 0>; led3 = <&gpx1 0 0>; ... };
 * The module finds it with of_find_compatible_node, gets gpio numbers with of_get_named_gpio,
 * requests and drives them through gpiolib, and registers /dev/gpioled (misc, dynamic minor).
 * ioctl(fd, LED_ON/LED_OFF, n) switches LEDn (2..5) (testled_app /dev/gpioled 1 2);
 * read() gives one '0'/'1' per LED.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/of.h>
#include <linux/of_gpio.h>
#include <linux/gpio.h>
#include <linux/uaccess.h>

/* the seed's ioctl numbers (leddrv.h), so testled_app drives this device too */
#define LED_ON	_IO('g', 1)
#define LED_OFF	_IO('g', 0)

static const char *const names[] = { "led2", "led3", "led4", "led5" };
static int gpios[4];

static long gpioled_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct miscdevice *misc = file->private_data;

	if (arg < 2 || arg > 5)
		return -EINVAL;
	switch (cmd) {
	case LED_ON:
		gpio_set_value(gpios[arg - 2], 1);
		break;
	case LED_OFF:
		gpio_set_value(gpios[arg - 2], 0);
		break;
	default:
		return -ENOTTY;
	}
	pr_info("%s: LED%lu %s (gpio %d)\n", misc->name, arg, cmd == LED_ON ? "on" : "off",
		gpios[arg - 2]);
	return 0;
}

static ssize_t gpioled_read(struct file *file, char __user *buf, size_t n, loff_t *pos)
{
	char state[5];
	int i;

	if (*pos || n < 4)
		return 0;
	for (i = 0; i < 4; i++)
		state[i] = gpio_get_value(gpios[i]) ? '1' : '0';
	state[4] = '\n';
	if (copy_to_user(buf, state, 5))
		return -EFAULT;
	*pos = 5;
	return 5;
}

static const struct file_operations gpioled_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gpioled_ioctl,
	.read = gpioled_read,
};

static struct miscdevice gpioled_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "gpioled",
	.fops = &gpioled_fops,
};

static int __init gpioled_init(void)
{
	struct device_node *np;
	int i, ret;

	np = of_find_compatible_node(NULL, NULL, "fs4412,led");
	if (!np) {
		pr_err("gpioled: no fs4412,led node in the device tree\n");
		return -ENODEV;
	}
	for (i = 0; i < 4; i++) {
		gpios[i] = of_get_named_gpio(np, names[i], 0);
		if (!gpio_is_valid(gpios[i])) {
			pr_err("gpioled: %s: no gpio (%d)\n", names[i], gpios[i]);
			ret = -EINVAL;
			goto fail;
		}
		ret = gpio_request(gpios[i], names[i]);
		if (ret) {
			pr_err("gpioled: gpio %d busy (%d)\n", gpios[i], ret);
			goto fail;
		}
		gpio_direction_output(gpios[i], 0);
	}
	ret = misc_register(&gpioled_misc);
	if (ret)
		goto fail;
	pr_info("gpioled: LEDs on gpios %d %d %d %d, /dev/%s minor %d\n", gpios[0], gpios[1],
		gpios[2], gpios[3], gpioled_misc.name, gpioled_misc.minor);
	return 0;
fail:
	while (i--)
		gpio_free(gpios[i]);
	return ret;
}

static void __exit gpioled_exit(void)
{
	int i;

	misc_deregister(&gpioled_misc);
	for (i = 0; i < 4; i++) {
		gpio_set_value(gpios[i], 0);
		gpio_free(gpios[i]);
	}
}

module_init(gpioled_init);
module_exit(gpioled_exit);
MODULE_LICENSE("GPL");
