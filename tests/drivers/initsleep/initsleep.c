/*
 * initsleep.c - a course-style driver whose init and exit sleep, as insmod and rmmod do on
 * the board: msleep(100), wait_event_timeout() woken by a timer 50 ms later, one that times
 * out (20 ms), wait_for_completion() completed by a timer, down() on a semaphore a timer
 * ups, mutex_lock() contended by a kernel thread holding the mutex for 50 ms, and
 * schedule() yielding until another kernel thread ran; exit msleep(20)s.  Every step prints its jiffies so dmesg's timestamps show the virtual time.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/completion.h>
#include <linux/semaphore.h>
#include <linux/mutex.h>
#include <linux/kthread.h>

static DECLARE_WAIT_QUEUE_HEAD(initsleep_wq);
static DECLARE_COMPLETION(initsleep_done);
static struct semaphore initsleep_sem;
static DEFINE_MUTEX(initsleep_mutex);
static struct timer_list wake_timer, done_timer, up_timer;
static int flag;

static void wake_fn(unsigned long data)
{
	flag = 1;
	wake_up(&initsleep_wq);
}

static void done_fn(unsigned long data)
{
	complete(&initsleep_done);
}

static void up_fn(unsigned long data)
{
	up(&initsleep_sem);
}

static int setter(void *data)
{
	flag = 3;
	return 0;
}

static int holder(void *data)
{
	mutex_lock(&initsleep_mutex);
	printk(KERN_INFO "initsleep: holder has the mutex (pid %d)\n", current->pid);
	msleep(50);
	mutex_unlock(&initsleep_mutex);
	return 0;
}

static int __init initsleep_init(void)
{
	unsigned long start = jiffies;
	long left;

	printk(KERN_INFO "initsleep: init in %s\n", current->comm);
	msleep(100);
	printk(KERN_INFO "initsleep: msleep(100) took %lu jiffies\n", jiffies - start);

	setup_timer(&wake_timer, wake_fn, 0);
	mod_timer(&wake_timer, jiffies + msecs_to_jiffies(50));
	left = wait_event_timeout(initsleep_wq, flag, HZ);
	printk(KERN_INFO "initsleep: woken with %ld jiffies left\n", left);

	left = wait_event_interruptible_timeout(initsleep_wq, flag == 2, msecs_to_jiffies(20));
	printk(KERN_INFO "initsleep: timed out: %ld\n", left);

	setup_timer(&done_timer, done_fn, 0);
	mod_timer(&done_timer, jiffies + msecs_to_jiffies(30));
	wait_for_completion(&initsleep_done);
	printk(KERN_INFO "initsleep: completed\n");

	sema_init(&initsleep_sem, 0);
	setup_timer(&up_timer, up_fn, 0);
	mod_timer(&up_timer, jiffies + msecs_to_jiffies(10));
	down(&initsleep_sem);
	printk(KERN_INFO "initsleep: semaphore taken\n");

	kthread_run(holder, NULL, "initsleep_holder");
	msleep(10);
	mutex_lock(&initsleep_mutex);
	printk(KERN_INFO "initsleep: mutex taken\n");
	mutex_unlock(&initsleep_mutex);
	kthread_run(setter, NULL, "initsleep_setter");
	while (flag != 3)
		schedule();			/* a yield: the setter runs */
	printk(KERN_INFO "initsleep: yielded to the setter\n");
	printk(KERN_INFO "initsleep: init done after %lu jiffies\n", jiffies - start);
	return 0;
}

static void __exit initsleep_exit(void)
{
	unsigned long start = jiffies;

	msleep(20);
	printk(KERN_INFO "initsleep: exit in %s slept %lu jiffies\n", current->comm,
	       jiffies - start);
}

module_init(initsleep_init);
module_exit(initsleep_exit);
MODULE_LICENSE("GPL");
