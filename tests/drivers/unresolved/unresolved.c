/*
 * unresolved.c - test fixture: a module that imports two functions the emu4412 kernel
 * does not provide, request_threaded_irq() and gpio_request() (a key driver would use
 * them for K2 on gpx1-1).  The SDK has no <linux/interrupt.h> or <linux/gpio.h>, so they
 * are declared here with their Linux 3.14 signatures.  The module builds (modpost warns
 * about both symbols); insmod must refuse it with "Unknown symbol" for each, and
 * init_module never runs.
 */
#include <linux/module.h>
#include <linux/kernel.h>

typedef int irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int, void *);

extern int request_threaded_irq(unsigned int irq, irq_handler_t handler,
				irq_handler_t thread_fn, unsigned long flags,
				const char *name, void *dev);
extern int gpio_request(unsigned gpio, const char *label);

#define KEY2_GPIO	(0x130 + 1)	/* some gpx1-1 number; never used */
#define KEY2_IRQ	57

static int key_count;

static irqreturn_t key_isr(int irq, void *dev)
{
	key_count++;
	return 1;	/* IRQ_HANDLED */
}

static int __init unresolved_init(void)
{
	int ret;

	ret = gpio_request(KEY2_GPIO, "key2");
	if (ret)
		return ret;
	ret = request_threaded_irq(KEY2_IRQ, key_isr, NULL, 0, "key2", &key_count);
	if (ret)
		return ret;
	printk(KERN_INFO "unresolved: loaded (this should never be printed)\n");
	return 0;
}

static void __exit unresolved_exit(void)
{
}

MODULE_LICENSE("GPL");

module_init(unresolved_init);
module_exit(unresolved_exit);
