/*
 * keytasklet: the course's bottom-half lab. The K2 interrupt handler (top half) only
 * counts and schedules a tasklet; the tasklet (bottom half, softirq context) reports.
 * A second press while the tasklet is disabled is reported once it is enabled again.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>

#define KEY2_GPIO	221

static int irq, presses;

static void key_tasklet_fn(unsigned long data)
{
	printk(KERN_INFO "keytasklet: bottom half for press %d, in_softirq %d, in_irq %d, "
	       "data %lu\n", presses, in_softirq() ? 1 : 0, in_irq() ? 1 : 0, data);
}

static DECLARE_TASKLET(key_tasklet, key_tasklet_fn, 7);

static irqreturn_t key_isr(int irq, void *dev_id)
{
	presses++;
	printk(KERN_INFO "keytasklet: top half, press %d\n", presses);
	if (presses == 2)
		tasklet_disable_nosync(&key_tasklet);
	tasklet_schedule(&key_tasklet);
	if (presses == 3)
		tasklet_enable(&key_tasklet);
	return IRQ_HANDLED;
}

static int __init keytasklet_init(void)
{
	irq = gpio_to_irq(KEY2_GPIO);
	return request_irq(irq, key_isr, IRQF_TRIGGER_FALLING, "keytasklet", NULL);
}

static void __exit keytasklet_exit(void)
{
	free_irq(irq, NULL);
	tasklet_kill(&key_tasklet);
}

module_init(keytasklet_init);
module_exit(keytasklet_exit);
MODULE_LICENSE("GPL");
