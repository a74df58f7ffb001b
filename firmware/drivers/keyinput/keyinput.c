/*
 * keyinput: the course's input-subsystem key driver. K2, K3 and K4 become KEY_2, KEY_3 and
 * KEY_ENTER of an input device (/dev/input/eventN): each key's interrupt fires on both
 * edges, the handler reads the pin (pressed = low) and reports the key, then a sync.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/input.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>

struct key {
	int gpio;
	int code;
	const char *name;
	int irq;
};

static struct key keys[] = {
	{ 221, KEY_2, "keyinput-k2" },		/* gpx1-1 */
	{ 222, KEY_3, "keyinput-k3" },		/* gpx1-2 */
	{ 238, KEY_ENTER, "keyinput-k4" },	/* gpx3-2 */
};

static struct input_dev *keydev;

static irqreturn_t key_isr(int irq, void *dev_id)
{
	struct key *k = dev_id;

	input_report_key(keydev, k->code, !gpio_get_value(k->gpio));
	input_sync(keydev);
	return IRQ_HANDLED;
}

static int __init keyinput_init(void)
{
	int i, ret;

	keydev = input_allocate_device();
	if (!keydev)
		return -ENOMEM;
	keydev->name = "fs4412-keys";
	keydev->phys = "keyinput/input0";
	keydev->id.bustype = BUS_HOST;
	keydev->id.vendor = 0x4412;
	set_bit(EV_KEY, keydev->evbit);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		set_bit(keys[i].code, keydev->keybit);
	input_set_capability(keydev, EV_MSC, MSC_SCAN);
	ret = input_register_device(keydev);
	if (ret) {
		input_free_device(keydev);
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		keys[i].irq = gpio_to_irq(keys[i].gpio);
		ret = request_irq(keys[i].irq, key_isr,
				  IRQF_TRIGGER_FALLING | IRQF_TRIGGER_RISING, keys[i].name,
				  &keys[i]);
		if (ret) {
			while (--i >= 0)
				free_irq(keys[i].irq, &keys[i]);
			input_unregister_device(keydev);
			return ret;
		}
	}
	printk(KERN_INFO "keyinput: %d keys, evbit %#lx\n", (int)ARRAY_SIZE(keys),
	       keydev->evbit[0]);
	return 0;
}

static void __exit keyinput_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		free_irq(keys[i].irq, &keys[i]);
	input_unregister_device(keydev);
}

module_init(keyinput_init);
module_exit(keyinput_exit);
MODULE_LICENSE("GPL");
