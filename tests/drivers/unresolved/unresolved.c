/*
 * unresolved.c - test fixture: a module that imports two functions the emu4412 kernel
 * does not provide, request_threaded_irq() and usb_register_driver() (the board has no USB
 * gadget or host drivers for modules).  They are declared here with their Linux 3.14
 * signatures.  The module builds (modpost warns
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
struct usb_driver;
extern int usb_register_driver(struct usb_driver *drv, struct module *owner,
			       const char *mod_name);

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

	ret = usb_register_driver(NULL, THIS_MODULE, "key2");
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
