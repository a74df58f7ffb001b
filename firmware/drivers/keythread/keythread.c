/*
 * keythread: threaded interrupts for the board's keys, as a platform driver bound to the
 * "fs4412,key" node (interrupts: K2, K3). K2: a primary handler counts the edge and wakes
 * the thread (IRQ_WAKE_THREAD); the thread sleeps 10 ms (it may: process context). K3 is
 * level-low with no primary handler (IRQF_ONESHOT): the line stays masked until the thread
 * ran, so a held key gives one thread run every 20 ms instead of an interrupt storm. Both
 * are devm_ requests: unbinding the driver frees them and stops the threads.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/platform_device.h>
#include <linux/interrupt.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <linux/hardirq.h>

static int k2_edges, k2_runs, k3_runs;

static irqreturn_t k2_primary(int irq, void *dev_id)
{
	k2_edges++;
	return IRQ_WAKE_THREAD;
}

static irqreturn_t k2_thread(int irq, void *dev_id)
{
	k2_runs++;
	printk(KERN_INFO "keythread: K2 thread run %d (edges %d) in %s, in_interrupt %d\n",
	       k2_runs, k2_edges, current->comm, in_interrupt() ? 1 : 0);
	msleep(10);
	return IRQ_HANDLED;
}

static irqreturn_t k3_thread(int irq, void *dev_id)
{
	k3_runs++;
	printk(KERN_INFO "keythread: K3 thread run %d in %s\n", k3_runs, current->comm);
	msleep(20);
	return IRQ_HANDLED;
}

static int keythread_probe(struct platform_device *pdev)
{
	int irq2 = platform_get_irq(pdev, 0), irq3 = platform_get_irq(pdev, 1), ret;

	ret = devm_request_threaded_irq(&pdev->dev, irq2, k2_primary, k2_thread,
					IRQF_TRIGGER_FALLING, "key2-thread", pdev);
	if (ret)
		return ret;
	/* handler NULL without IRQF_ONESHOT is refused (-EINVAL) */
	ret = devm_request_threaded_irq(&pdev->dev, irq3, NULL, k3_thread, IRQF_TRIGGER_LOW,
					"key3-level", pdev);
	dev_info(&pdev->dev, "NULL handler without ONESHOT: %d\n", ret);
	ret = devm_request_threaded_irq(&pdev->dev, irq3, NULL, k3_thread,
					IRQF_TRIGGER_LOW | IRQF_ONESHOT, "key3-level", pdev);
	if (ret)
		return ret;
	dev_info(&pdev->dev, "K2 irq %d, K3 irq %d threaded\n", irq2, irq3);
	return 0;
}

static int keythread_remove(struct platform_device *pdev)
{
	printk(KERN_INFO "keythread: remove: K2 %d edges %d runs, K3 %d runs\n",
	       k2_edges, k2_runs, k3_runs);
	return 0;
}

static const struct of_device_id keythread_of_match[] = {
	{ .compatible = "fs4412,key" },
	{ }
};
MODULE_DEVICE_TABLE(of, keythread_of_match);

static struct platform_driver keythread_driver = {
	.probe = keythread_probe,
	.remove = keythread_remove,
	.driver = {
		.name = "keythread",
		.owner = THIS_MODULE,
		.of_match_table = keythread_of_match,
	},
};

module_platform_driver(keythread_driver);
MODULE_LICENSE("GPL");
