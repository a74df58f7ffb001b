/*
 * unresolved.c - test fixture: a module that imports functions the board's kernel does
 * not export: usb_register_driver() and usb_deregister() (the board has no USB gadget or
 * host drivers for modules), declared here with their Linux 3.14 signatures;
 * of_irq_count(), which 3.14's <linux/of_irq.h> declares but does not export; and
 * __pollwait(), static in fs/select.c (the emulated kernel has it, behind the poll table's
 * _qproc, but does not export it either).  The module builds (modpost warns about each);
 * insmod must refuse it with "Unknown symbol" for each, and init_module never runs.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/of_irq.h>
#include <linux/poll.h>

struct usb_driver;
extern int usb_register_driver(struct usb_driver *drv, struct module *owner,
			       const char *mod_name);
extern void usb_deregister(struct usb_driver *drv);
extern void __pollwait(struct file *filp, wait_queue_head_t *wait_address, poll_table *p);

static int __init unresolved_init(void)
{
	int ret;

	ret = usb_register_driver(NULL, THIS_MODULE, "key2");
	if (ret)
		return ret;
	if (of_irq_count(NULL))
		__pollwait(NULL, NULL, NULL);
	printk(KERN_INFO "unresolved: loaded (this should never be printed)\n");
	return 0;
}

static void __exit unresolved_exit(void)
{
	usb_deregister(NULL);
}

MODULE_LICENSE("GPL");

module_init(unresolved_init);
module_exit(unresolved_exit);
