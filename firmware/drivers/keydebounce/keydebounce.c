/*
 * keydebounce: the course's timer lab. Each falling edge of K2 (gpx1-1) re-arms a 20 ms
 * kernel timer instead of reporting at once; when the timer fires (softirq context) the key
 * still reads pressed only after the contact has settled, so a bouncing press counts once.
 * Module parameter keep=1 leaves the timer pending at rmmod (a leak).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/io.h>
#include <linux/timer.h>
#include <linux/jiffies.h>

#define GPX1DAT		0x11000C24
#define KEY2_GPIO	221

static struct timer_list key_timer;
static void __iomem *gpx1dat;
static int irq, presses, edges;
static int keep;
module_param(keep, int, 0);

static void key_timer_fn(unsigned long data)
{
	unsigned int level = readl(gpx1dat) >> 1 & 1;

	if (level == 0) {
		presses++;
		printk(KERN_INFO "keydebounce: K2 pressed (%d) after %d edges, in_softirq %d, "
		       "in_irq %d, data %lu\n", presses, edges, in_softirq() ? 1 : 0,
		       in_irq() ? 1 : 0, data);
	}
	edges = 0;
}

static irqreturn_t key_isr(int irq, void *dev_id)
{
	edges++;
	mod_timer(&key_timer, jiffies + msecs_to_jiffies(20));
	return IRQ_HANDLED;
}

static int __init keydebounce_init(void)
{
	int ret;

	gpx1dat = ioremap(GPX1DAT, 4);
	setup_timer(&key_timer, key_timer_fn, 42);
	irq = gpio_to_irq(KEY2_GPIO);
	ret = request_irq(irq, key_isr, IRQF_TRIGGER_FALLING, "key2-debounce", NULL);
	if (ret) {
		iounmap(gpx1dat);
		return ret;
	}
	printk(KERN_INFO "keydebounce: HZ %d, 20 ms = %lu jiffies, timer pending %d\n", HZ,
	       msecs_to_jiffies(20), timer_pending(&key_timer));
	return 0;
}

static void __exit keydebounce_exit(void)
{
	free_irq(irq, NULL);
	if (!keep)
		del_timer_sync(&key_timer);
	iounmap(gpx1dat);
	printk(KERN_INFO "keydebounce: %d presses\n", presses);
}

module_init(keydebounce_init);
module_exit(keydebounce_exit);
MODULE_LICENSE("GPL");
