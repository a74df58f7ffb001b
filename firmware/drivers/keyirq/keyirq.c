/*
 * keyirq: the FS4412 course's interrupt lab. K2 (gpx1-1) and K3 (gpx1-2) short their line
 * to ground: a falling edge on XEINT9/XEINT10 is a press. The handler runs in hardirq
 * context and reports which key it was and the level it reads.
 *
 * Module parameters: leak=1 forgets free_irq for K3 at rmmod; none=1 makes the K2 handler
 * return IRQ_NONE.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/io.h>

#define GPX1_BASE	0x11000C20
#define KEY2_GPIO	221	/* gpx1-1 in the board's 3.14 numbering */
#define KEY3_GPIO	222	/* gpx1-2 */

struct key_desc {
	const char *name;
	int gpio;
	int pin;
	int irq;
	int count;
};

static struct key_desc keys[] = {
	{ "key2", KEY2_GPIO, 1 },
	{ "key3", KEY3_GPIO, 2 },
};

static int leak;
static int none;
module_param(leak, int, 0);
module_param(none, int, 0);

static void __iomem *gpx1;

static irqreturn_t key_handler(int irq, void *dev_id)
{
	struct key_desc *key = dev_id;
	unsigned int level = readl(gpx1 + 4) >> key->pin & 1;

	key->count++;
	printk(KERN_INFO "%s: irq %d, press %d, level %u, in_irq %d, irqs_disabled %d\n",
	       key->name, irq, key->count, level, in_irq() ? 1 : 0, irqs_disabled() ? 1 : 0);
	if (none && key == &keys[0])
		return IRQ_NONE;
	return IRQ_HANDLED;
}

static int __init keyirq_init(void)
{
	int i, ret;

	gpx1 = ioremap(GPX1_BASE, 0x10);
	if (!gpx1)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		keys[i].irq = gpio_to_irq(keys[i].gpio);
		ret = request_irq(keys[i].irq, key_handler, IRQF_TRIGGER_FALLING,
				  keys[i].name, &keys[i]);
		if (ret) {
			printk(KERN_ERR "keyirq: request_irq %d failed: %d\n", keys[i].irq, ret);
			while (--i >= 0)
				free_irq(keys[i].irq, &keys[i]);
			iounmap(gpx1);
			return ret;
		}
		printk(KERN_INFO "keyirq: %s on gpio %d is irq %d\n", keys[i].name,
		       keys[i].gpio, keys[i].irq);
	}
	return 0;
}

static void __exit keyirq_exit(void)
{
	free_irq(keys[0].irq, &keys[0]);
	if (!leak)
		free_irq(keys[1].irq, &keys[1]);
	iounmap(gpx1);
	printk(KERN_INFO "keyirq: key2 %d presses, key3 %d presses\n", keys[0].count,
	       keys[1].count);
}

module_init(keyirq_init);
module_exit(keyirq_exit);
MODULE_LICENSE("GPL");
