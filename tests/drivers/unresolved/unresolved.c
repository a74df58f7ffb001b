/*
 * unresolved.c - test fixture: a module that imports two functions the emu4412 kernel
 * does not provide, usb_register_driver() and usb_deregister() (the board has no USB
 * gadget or host drivers for modules).  They are declared here with their Linux 3.14
 * signatures.  The module builds (modpost warns about both symbols); insmod must refuse
 * it with "Unknown symbol" for each, and init_module never runs.
 */
#include <linux/module.h>
#include <linux/kernel.h>

struct usb_driver;
extern int usb_register_driver(struct usb_driver *drv, struct module *owner,
			       const char *mod_name);
extern void usb_deregister(struct usb_driver *drv);

static int __init unresolved_init(void)
{
	int ret;

	ret = usb_register_driver(NULL, THIS_MODULE, "key2");
	if (ret)
		return ret;
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
