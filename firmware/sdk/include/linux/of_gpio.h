#ifndef __LINUX_OF_GPIO_H
#define __LINUX_OF_GPIO_H

/*
 * emu4412 SDK: gpios from the device tree (Linux 3.14 include/linux/of_gpio.h):
 * `led2-gpio = <&gpx2 7 0>;` gives gpio 235 on the FS4412.
 */

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gpio.h>
#include <linux/of.h>

struct device_node;

enum of_gpio_flags {
	OF_GPIO_ACTIVE_LOW = 0x1,
};

extern struct gpio_desc *of_get_named_gpiod_flags(struct device_node *np,
		const char *list_name, int index, enum of_gpio_flags *flags);
extern int of_count_phandle_with_args(const struct device_node *np, const char *list_name,
				      const char *cells_name);

static inline int of_get_named_gpio_flags(struct device_node *np, const char *list_name,
					  int index, enum of_gpio_flags *flags)
{
	struct gpio_desc *desc;

	desc = of_get_named_gpiod_flags(np, list_name, index, flags);
	if (IS_ERR(desc))
		return PTR_ERR(desc);
	else
		return desc_to_gpio(desc);
}

static inline int of_gpio_named_count(struct device_node *np, const char *propname)
{
	return of_count_phandle_with_args(np, propname, "#gpio-cells");
}

static inline int of_gpio_count(struct device_node *np)
{
	return of_gpio_named_count(np, "gpios");
}

static inline int of_get_gpio_flags(struct device_node *np, int index,
				    enum of_gpio_flags *flags)
{
	return of_get_named_gpio_flags(np, "gpios", index, flags);
}

static inline int of_get_named_gpio(struct device_node *np, const char *propname, int index)
{
	return of_get_named_gpio_flags(np, propname, index, NULL);
}

static inline int of_get_gpio(struct device_node *np, int index)
{
	return of_get_gpio_flags(np, index, NULL);
}

#endif /* __LINUX_OF_GPIO_H */
