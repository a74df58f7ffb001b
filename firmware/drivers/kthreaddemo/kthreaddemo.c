/*
 * kthreaddemo: the course's kernel-thread lab. module_init starts a thread with
 * kthread_run(); it prints a tick and msleep()s a second until kthread_should_stop();
 * module_exit stops it with kthread_stop() and prints what the thread returned.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

static struct task_struct *thread;

static int ticker(void *data)
{
	int ticks = 0;

	printk(KERN_INFO "kthreaddemo: %s (pid %d) starts, data %d\n", current->comm,
	       current->pid, *(int *)data);
	while (!kthread_should_stop()) {
		ticks++;
		printk(KERN_INFO "kthreaddemo: tick %d\n", ticks);
		msleep(1000);
	}
	printk(KERN_INFO "kthreaddemo: stopping after %d ticks\n", ticks);
	return ticks;
}

static int magic = 42;

static int __init kthreaddemo_init(void)
{
	thread = kthread_run(ticker, &magic, "ticker/%d", 0);
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	return 0;
}

static void __exit kthreaddemo_exit(void)
{
	printk(KERN_INFO "kthreaddemo: kthread_stop returned %d\n", kthread_stop(thread));
}

module_init(kthreaddemo_init);
module_exit(kthreaddemo_exit);
MODULE_LICENSE("GPL");
