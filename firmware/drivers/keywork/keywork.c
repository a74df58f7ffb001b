/*
 * keywork: the course's workqueue lab. The K2 interrupt queues a work item on system_wq
 * (it sleeps: process context), a delayed work 50 ms later, and work on the module's own
 * single-threaded workqueue. module_exit cancels and destroys what it made.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched.h>

#define KEY2_GPIO	221

static int irq, presses;
static struct workqueue_struct *key_wq;
static struct work_struct key_work, own_work;
static struct delayed_work key_dwork;

static void key_work_fn(struct work_struct *work)
{
	printk(KERN_INFO "keywork: work for press %d in %s, in_interrupt %d\n", presses,
	       current->comm, in_interrupt() ? 1 : 0);
	msleep(10);
	printk(KERN_INFO "keywork: work slept 10 ms\n");
}

static void own_work_fn(struct work_struct *work)
{
	printk(KERN_INFO "keywork: own workqueue runs in %s\n", current->comm);
}

static void key_dwork_fn(struct work_struct *work)
{
	printk(KERN_INFO "keywork: delayed work, pending %d\n",
	       delayed_work_pending(to_delayed_work(work)) ? 1 : 0);
}

static irqreturn_t key_isr(int irq, void *dev_id)
{
	presses++;
	schedule_work(&key_work);
	schedule_delayed_work(&key_dwork, msecs_to_jiffies(50));
	queue_work(key_wq, &own_work);
	return IRQ_HANDLED;
}

static int __init keywork_init(void)
{
	INIT_WORK(&key_work, key_work_fn);
	INIT_WORK(&own_work, own_work_fn);
	INIT_DELAYED_WORK(&key_dwork, key_dwork_fn);
	key_wq = create_singlethread_workqueue("keywq");
	if (!key_wq)
		return -ENOMEM;
	irq = gpio_to_irq(KEY2_GPIO);
	return request_irq(irq, key_isr, IRQF_TRIGGER_FALLING, "keywork", NULL);
}

static void __exit keywork_exit(void)
{
	free_irq(irq, NULL);
	printk(KERN_INFO "keywork: cancel_delayed_work_sync %d\n",
	       cancel_delayed_work_sync(&key_dwork) ? 1 : 0);
	cancel_work_sync(&key_work);
	destroy_workqueue(key_wq);
}

module_init(keywork_init);
module_exit(keywork_exit);
MODULE_LICENSE("GPL");
