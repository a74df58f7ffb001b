#ifndef _ARCH_ARM_GPIO_H
#define _ARCH_ARM_GPIO_H

/* emu4412 SDK: Linux 3.14 arch/arm/include/asm/gpio.h (CONFIG_ARCH_NR_GPIO=512). */

#ifndef ARCH_NR_GPIOS
#define ARCH_NR_GPIOS	512	/* CONFIG_ARCH_NR_GPIO */
#endif

#include <asm-generic/gpio.h>

#define gpio_get_value	__gpio_get_value
#define gpio_set_value	__gpio_set_value
#define gpio_cansleep	__gpio_cansleep
#define gpio_to_irq	__gpio_to_irq

#endif /* _ARCH_ARM_GPIO_H */
