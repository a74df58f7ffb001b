/*
 * irqbt.c - interrupts that arrive while kernel code and user code run, for backtraces
 * through the vector stub.  K2 (gpx1-1) is requested level-high: the released key's line
 * is high, so it fires as soon as init has it, while irqbt_spin() waits with IRQs on
 * (__irq_svc).  The handler disables the line; a timer 20 ms later enables it again, so
 * it fires once more over whatever runs then (a user program: __irq_usr).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/timer.h>
#include <linux/jiffies.h>

#define KEY2_GPIO	221	/* gpx1-1 in the board's 3.14 numbering */

static int irq, hits;
static struct timer_list again;

static irqreturn_t irqbt_isr(int irq, void *dev_id)
{
	disable_irq_nosync(irq);
	hits++;
	return IRQ_HANDLED;
}

static void irqbt_again(unsigned long data)
{
	enable_irq(irq);
}

static noinline void irqbt_spin(void)
{
	while (!ACCESS_ONCE(hits))
		barrier();
}

static int __init irqbt_init(void)
{
	int ret;

	irq = gpio_to_irq(KEY2_GPIO);
	ret = request_irq(irq, irqbt_isr, IRQF_TRIGGER_HIGH, "irqbt", NULL);
	if (ret)
		return ret;
	irqbt_spin();
	printk(KERN_INFO "irqbt: interrupted init %d time(s)\n", hits);
	setup_timer(&again, irqbt_again, 0);
	mod_timer(&again, jiffies + msecs_to_jiffies(20));
	return 0;
}

static void __exit irqbt_exit(void)
{
	del_timer_sync(&again);
	free_irq(irq, NULL);
	printk(KERN_INFO "irqbt: %d interrupt(s)\n", hits);
}

module_init(irqbt_init);
module_exit(irqbt_exit);
MODULE_LICENSE("GPL");
