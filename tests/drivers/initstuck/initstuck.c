/*
 * initstuck.c - a broken driver whose init waits on a wait queue nothing ever wakes
 * (the condition's setter is missing): insmod would hang on the board.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/wait.h>
#include <linux/sched.h>

static DECLARE_WAIT_QUEUE_HEAD(initstuck_wq);
static int ready;

static int __init initstuck_init(void)
{
	printk(KERN_INFO "initstuck: waiting\n");
	wait_event(initstuck_wq, ready);
	printk(KERN_INFO "initstuck: never here\n");
	return 0;
}

static void __exit initstuck_exit(void)
{
}

module_init(initstuck_init);
module_exit(initstuck_exit);
MODULE_LICENSE("GPL");
