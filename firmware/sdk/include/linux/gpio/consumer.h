#ifndef __LINUX_GPIO_CONSUMER_H
#define __LINUX_GPIO_CONSUMER_H

/* emu4412 SDK: the descriptor gpio API (Linux 3.14 include/linux/gpio/consumer.h). */

#include <linux/err.h>
#include <linux/kernel.h>

struct device;
struct gpio_chip;

struct gpio_desc;

int gpiod_direction_input(struct gpio_desc *desc);
int gpiod_direction_output(struct gpio_desc *desc, int value);

int gpiod_get_value(const struct gpio_desc *desc);
void gpiod_set_value(struct gpio_desc *desc, int value);
int gpiod_get_raw_value(const struct gpio_desc *desc);
void gpiod_set_raw_value(struct gpio_desc *desc, int value);

int gpiod_get_value_cansleep(const struct gpio_desc *desc);
void gpiod_set_value_cansleep(struct gpio_desc *desc, int value);
int gpiod_get_raw_value_cansleep(const struct gpio_desc *desc);
void gpiod_set_raw_value_cansleep(struct gpio_desc *desc, int value);

int gpiod_is_active_low(const struct gpio_desc *desc);
int gpiod_to_irq(const struct gpio_desc *desc);

#endif /* __LINUX_GPIO_CONSUMER_H */
