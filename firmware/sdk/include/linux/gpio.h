#ifndef __LINUX_GPIO_H
#define __LINUX_GPIO_H

/*
 * emu4412 SDK: the legacy integer gpio API (Linux 3.14 include/linux/gpio.h). Numbers are the
 * board kernel's: the Exynos4x12 banks in pinctrl-samsung order (gpx2-7 is 235, gpx1-0 220,
 * gpf3-4 68, ...). The value and direction calls are inlines over gpiod_* as in 3.14, so a
 * module imports gpio_to_desc and gpiod_* exactly as one built on the board's tree does.
 */

#include <linux/errno.h>

#define GPIOF_DIR_OUT	(0 << 0)
#define GPIOF_DIR_IN	(1 << 0)

#define GPIOF_INIT_LOW	(0 << 1)
#define GPIOF_INIT_HIGH	(1 << 1)

#define GPIOF_IN		(GPIOF_DIR_IN)
#define GPIOF_OUT_INIT_LOW	(GPIOF_DIR_OUT | GPIOF_INIT_LOW)
#define GPIOF_OUT_INIT_HIGH	(GPIOF_DIR_OUT | GPIOF_INIT_HIGH)

#define GPIOF_OPEN_DRAIN	(1 << 3)
#define GPIOF_OPEN_SOURCE	(1 << 4)

#define GPIOF_EXPORT		(1 << 5)
#define GPIOF_EXPORT_CHANGEABLE	(1 << 6)
#define GPIOF_EXPORT_DIR_FIXED	(GPIOF_EXPORT)
#define GPIOF_EXPORT_DIR_CHANGEABLE (GPIOF_EXPORT | GPIOF_EXPORT_CHANGEABLE)

struct gpio {
	unsigned	gpio;
	unsigned long	flags;
	const char	*label;
};

#include <asm/gpio.h>

struct device;

int devm_gpio_request(struct device *dev, unsigned gpio, const char *label);
int devm_gpio_request_one(struct device *dev, unsigned gpio, unsigned long flags,
			  const char *label);
void devm_gpio_free(struct device *dev, unsigned int gpio);

#endif /* __LINUX_GPIO_H */
