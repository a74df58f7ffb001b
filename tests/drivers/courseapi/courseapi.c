/*
 * courseapi.c - test fixture: kernel APIs the FS4412 course drivers use that the project's
 * own drivers did not: init_waitqueue_head() on a kzalloc'd struct (and a wait on it),
 * bus_for_each_dev() over platform_bus_type and i2c_bus_type, driver_for_each_device() on
 * a bound platform driver, the device tree walked from of_allnodes, WARN_ON() and WARN().
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/i2c.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/bug.h>

struct courseapi_state {
	wait_queue_head_t wq;
	int ready;
};

static struct courseapi_state *state;

static int courseapi_count(struct device *dev, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int courseapi_find_led(struct device *dev, void *data)
{
	if (strcmp(dev_name(dev), "fs4412-led.0"))
		return 0;
	*(struct device **)data = dev;
	return 7;
}

static int courseapi_bound(struct device *dev, void *data)
{
	pr_info("courseapi: bound to %s\n", dev_name(dev));
	return 0;
}

static int courseapi_probe(struct platform_device *pdev)
{
	return 0;
}

static int courseapi_remove(struct platform_device *pdev)
{
	return 0;
}

static const struct of_device_id courseapi_ids[] = {
	{ .compatible = "fs4412,led" },
	{ }
};

static struct platform_driver courseapi_driver = {
	.probe = courseapi_probe,
	.remove = courseapi_remove,
	.driver = { .name = "courseapi", .of_match_table = courseapi_ids },
};

static int __init courseapi_init(void)
{
	struct device_node *child;
	struct device *led = NULL;
	int n = 0, ret;
	long left;

	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;
	init_waitqueue_head(&state->wq);
	left = wait_event_timeout(state->wq, state->ready, HZ / 10);
	pr_info("courseapi: queue active %d, wait returned %ld\n",
		waitqueue_active(&state->wq), left);

	bus_for_each_dev(&platform_bus_type, NULL, &n, courseapi_count);
	pr_info("courseapi: %d platform devices\n", n);
	ret = bus_for_each_dev(&platform_bus_type, NULL, &led, courseapi_find_led);
	pr_info("courseapi: find returned %d, found %s, parent %s\n", ret,
		led ? dev_name(led) : "nothing",
		led && led->parent ? dev_name(led->parent) : "none");
	n = 0;
	bus_for_each_dev(&i2c_bus_type, NULL, &n, courseapi_count);
	pr_info("courseapi: %d i2c devices\n", n);

	n = 0;
	for_each_child_of_node(of_allnodes, child)
		n++;
	pr_info("courseapi: root %s has %d children\n", of_allnodes->full_name, n);

	ret = platform_driver_register(&courseapi_driver);
	if (ret) {
		kfree(state);
		return ret;
	}
	driver_for_each_device(&courseapi_driver.driver, NULL, NULL, courseapi_bound);

	WARN_ON(n > 0);
	WARN(1, "courseapi: warn %d\n", 42);
	return 0;
}

static void __exit courseapi_exit(void)
{
	platform_driver_unregister(&courseapi_driver);
	kfree(state);
}

module_init(courseapi_init);
module_exit(courseapi_exit);
MODULE_LICENSE("GPL");
