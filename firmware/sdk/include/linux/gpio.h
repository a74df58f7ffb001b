#ifndef __LINUX_GPIO_H
#define __LINUX_GPIO_H

/*
 * Linux 3.14 include/linux/gpio.h (asm-generic/gpio.h with GPIOLIB): the interrupt of a
 * GPIO.  The board's GPIO numbers follow 3.14's Samsung pinctrl banks in probe order
 * (pinctrl@11400000 gpa0 = 0.., pinctrl@11000000 gpk0 = 83.., gpx1 = 220.., ...).
 */

extern int __gpio_to_irq(unsigned gpio);

static inline int gpio_to_irq(unsigned int gpio)
{
	return __gpio_to_irq(gpio);
}

#endif /* __LINUX_GPIO_H */
