/*
 * hrblink: the course's hrtimer lab. A CLOCK_MONOTONIC hrtimer toggles LED2 (gpx2-7, gpio
 * 235) every period_ms; its callback (hardirq context) pushes the expiry on with
 * hrtimer_forward_now() and returns HRTIMER_RESTART until it toggled `count` times. rmmod
 * cancels it.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/gpio.h>
#include <linux/hardirq.h>

#define LED2_GPIO	235

static int period_ms = 100;
static int count = 4;
module_param(period_ms, int, 0444);
module_param(count, int, 0444);

static struct hrtimer blink_timer;
static ktime_t period, start;
static int toggles, led;

static enum hrtimer_restart blink(struct hrtimer *t)
{
	u64 overruns;
	s64 since = ktime_to_us(ktime_sub(hrtimer_cb_get_time(t), start));

	led = !led;
	gpio_set_value(LED2_GPIO, led);
	toggles++;
	printk(KERN_INFO "hrblink: toggle %d at +%lld us, led %d, in_irq %d\n", toggles,
	       since, led, in_irq() ? 1 : 0);
	if (toggles >= count)
		return HRTIMER_NORESTART;
	overruns = hrtimer_forward_now(t, period);
	if (overruns != 1)
		printk(KERN_INFO "hrblink: %llu overruns\n", overruns);
	return HRTIMER_RESTART;
}

static int __init hrblink_init(void)
{
	int ret = gpio_request(LED2_GPIO, "hrblink");

	if (ret)
		return ret;
	gpio_direction_output(LED2_GPIO, 0);
	period = ktime_set(0, period_ms * NSEC_PER_MSEC);
	hrtimer_init(&blink_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	blink_timer.function = blink;
	start = ktime_get();
	hrtimer_start(&blink_timer, period, HRTIMER_MODE_REL);
	printk(KERN_INFO "hrblink: every %d ms, active %d, expires in %lld us\n", period_ms,
	       hrtimer_active(&blink_timer),
	       ktime_to_us(hrtimer_get_remaining(&blink_timer)));
	return 0;
}

static void __exit hrblink_exit(void)
{
	printk(KERN_INFO "hrblink: cancel %d after %d toggles\n", hrtimer_cancel(&blink_timer),
	       toggles);
	gpio_set_value(LED2_GPIO, 0);
	gpio_free(LED2_GPIO);
}

module_init(hrblink_init);
module_exit(hrblink_exit);
MODULE_LICENSE("GPL");
