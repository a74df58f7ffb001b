/*
 * unresolved.c - test fixture: a module that imports two functions the emu4412 kernel
 * does not provide, gpio_request() and usb_register_driver() (the board has no USB model).
 * They are declared here with their Linux 3.14 signatures.  The module builds (modpost
 * warns about both symbols); insmod must refuse it with "Unknown symbol" for each, and
 * init_module never runs.
 */
#include <linux/module.h>
#include <linux/kernel.h>

struct usb_driver;
extern int usb_register_driver(struct usb_driver *driver, struct module *owner,
			       const char *mod_name);
extern int gpio_request(unsigned gpio, const char *label);

#define KEY2_GPIO	(0x130 + 1)	/* some gpx1-1 number; never used */

static int __init unresolved_init(void)
{
	int ret;

	ret = gpio_request(KEY2_GPIO, "key2");
	if (ret)
		return ret;
	ret = usb_register_driver(NULL, THIS_MODULE, "unresolved");
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
