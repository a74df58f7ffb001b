#ifndef __LINUX_LEDS_H_INCLUDED
#define __LINUX_LEDS_H_INCLUDED

/*
 * emu4412 SDK: the LED class (Linux 3.14 include/linux/leds.h). struct led_classdev has the
 * 3.14 layout (104 bytes); the blink timer and the brightness work are opaque here (no
 * triggers or blinking are built). Note: the FS4412 kernel's .config has no NEW_LEDS.
 */

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;

enum led_brightness {
	LED_OFF		= 0,
	LED_HALF	= 127,
	LED_FULL	= 255,
};

struct led_classdev {
	const char		*name;
	enum led_brightness	 brightness;
	enum led_brightness	 max_brightness;
	int			 flags;

#define LED_SUSPENDED		(1 << 0)
#define LED_CORE_SUSPENDRESUME	(1 << 16)
#define LED_BLINK_ONESHOT	(1 << 17)
#define LED_BLINK_ONESHOT_STOP	(1 << 18)
#define LED_BLINK_INVERT	(1 << 19)

	void		(*brightness_set)(struct led_classdev *led_cdev,
					  enum led_brightness brightness);
	enum led_brightness (*brightness_get)(struct led_classdev *led_cdev);
	int		(*blink_set)(struct led_classdev *led_cdev,
				     unsigned long *delay_on,
				     unsigned long *delay_off);

	struct device		*dev;
	struct list_head	 node;
	const char		*default_trigger;

	unsigned long		 blink_delay_on, blink_delay_off;
	struct { unsigned char __opaque[28]; } blink_timer;	/* struct timer_list */
	int			 blink_brightness;
	struct { unsigned char __opaque[16]; } set_brightness_work;	/* struct work_struct */
	int			 delayed_set_value;
};

_Static_assert(sizeof(struct led_classdev) == 104, "struct led_classdev: 3.14 layout");

extern int led_classdev_register(struct device *parent, struct led_classdev *led_cdev);
extern void led_classdev_unregister(struct led_classdev *led_cdev);
extern void led_set_brightness(struct led_classdev *led_cdev,
			       enum led_brightness brightness);

#endif /* __LINUX_LEDS_H_INCLUDED */
