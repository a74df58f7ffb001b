/*
 * ofgpioerr.c - test fixture: the error returns of the OF and gpiolib APIs, printed one per
 * line as "ofgpioerr: <what> = <value>" (load it while gpioled.ko holds the LED gpios).
 */
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_gpio.h>
#include <linux/gpio.h>

static int __init ofgpioerr_init(void)
{
	struct device_node *np = of_find_node_by_path("/fs4412-led");
	u32 value = 0;
	const char *text = NULL;
	enum of_gpio_flags flags;

	pr_info("ofgpioerr: bad compatible = %p\n", of_find_compatible_node(NULL, NULL, "no,such"));
	pr_info("ofgpioerr: bad path = %p\n", of_find_node_by_path("/no-such-node"));
	pr_info("ofgpioerr: node name = %s full %s\n", np->name, np->full_name);
	pr_info("ofgpioerr: missing u32 = %d\n", of_property_read_u32(np, "nope", &value));
	pr_info("ofgpioerr: short u32 array = %d\n",
		of_property_read_u32_array(np, "led2", &value, 4));
	pr_info("ofgpioerr: string = %d %s\n", of_property_read_string(np, "compatible", &text),
		text);
	pr_info("ofgpioerr: bool = %d %d\n", of_property_read_bool(np, "led2"),
		of_property_read_bool(np, "nope"));
	pr_info("ofgpioerr: missing gpio = %d\n", of_get_named_gpio(np, "nope", 0));
	pr_info("ofgpioerr: led3 gpio = %d flags %d\n",
		of_get_named_gpio_flags(np, "led3", 0, &flags), flags);
	pr_info("ofgpioerr: gpio count = %d\n", of_gpio_named_count(np, "led2"));
	pr_info("ofgpioerr: busy = %d\n", gpio_request(235, "again"));
	pr_info("ofgpioerr: no chip = %d\n", gpio_request(300, "x"));
	pr_info("ofgpioerr: valid 600 = %d\n", gpio_is_valid(600));
	pr_info("ofgpioerr: out of range = %d\n", gpio_request(600, "x"));
	pr_info("ofgpioerr: direction no chip = %d\n", gpio_direction_output(300, 1));
	pr_info("ofgpioerr: export = %d\n", gpio_export(235, 0));
	pr_info("ofgpioerr: key irq = %d\n", gpio_to_irq(221));
	return -ENODEV;		/* nothing to keep */
}

MODULE_LICENSE("GPL");
module_init(ofgpioerr_init);
