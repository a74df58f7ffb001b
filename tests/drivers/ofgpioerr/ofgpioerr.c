/*
 * ofgpioerr.c - test fixture: the error returns of the OF and gpiolib APIs, printed one per
 * line as "ofgpioerr: <what> = <value>" (load it while gpioled.ko holds the LED gpios).
 */
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_gpio.h>
#include <linux/gpio.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>

static const struct of_device_id ids[] = {
	{ .compatible = "fs4412,nothing" },
	{ .compatible = "fs4412,key" },
	{ }
};

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
	{
		struct device_node *key = of_find_node_by_path("/fs4412-key");
		struct device_node *pc = of_find_node_by_path("/pinctrl@11000000");
		struct resource res;
		const struct of_device_id *m = of_match_node(ids, key);

		pr_info("ofgpioerr: key irqs = %d %d %d\n", irq_of_parse_and_map(key, 0),
			irq_of_parse_and_map(key, 1), irq_of_parse_and_map(key, 2));
		pr_info("ofgpioerr: match = %s\n", m ? m->compatible : "none");
		pr_info("ofgpioerr: no reg = %d\n", of_address_to_resource(np, 0, &res));
		pr_info("ofgpioerr: reg = %d %#x-%#x %s\n", of_address_to_resource(pc, 0, &res),
			res.start, res.end, res.name);
		pr_info("ofgpioerr: child = %s\n", of_get_child_by_name(pc, "gpx2")->full_name);
	}
	return -ENODEV;		/* nothing to keep */
}

MODULE_LICENSE("GPL");
module_init(ofgpioerr_init);
