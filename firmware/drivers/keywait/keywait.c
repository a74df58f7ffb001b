/*
 * keywait: the FS4412 course's key driver with a blocking read. The interrupt handler of
 * K2/K3 (falling edge on gpx1-1/gpx1-2) records which key was pressed and wakes the
 * readers; read() sleeps on the wait queue until a key arrives and returns its number
 * (an int: 2 or 3). A signal interrupts the sleep (-ERESTARTSYS). poll()/select() report
 * POLLIN while a key is waiting to be read.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/uaccess.h>
#include <linux/poll.h>

#define KEY_MAJOR	250
#define KEY2_GPIO	221	/* gpx1-1 in the board's 3.14 numbering */
#define KEY3_GPIO	222	/* gpx1-2 */

static DECLARE_WAIT_QUEUE_HEAD(key_wq);
static int key_value;
static int have_key;
static int irq2, irq3;

static irqreturn_t key_isr(int irq, void *dev_id)
{
	key_value = (int)(long)dev_id;
	have_key = 1;
	wake_up_interruptible(&key_wq);
	return IRQ_HANDLED;
}

static int key_open(struct inode *inode, struct file *filp)
{
	printk(KERN_INFO "keywait: opened by %s (pid %d)\n", current->comm, current->pid);
	return 0;
}

static ssize_t key_read(struct file *filp, char __user *buf, size_t count, loff_t *pos)
{
	int ret;

	if (count < sizeof(int))
		return -EINVAL;
	ret = wait_event_interruptible(key_wq, have_key);
	if (ret) {
		printk(KERN_INFO "keywait: read interrupted by a signal\n");
		return ret;
	}
	have_key = 0;
	if (copy_to_user(buf, &key_value, sizeof(int)))
		return -EFAULT;
	return sizeof(int);
}

static unsigned int key_poll(struct file *filp, poll_table *wait)
{
	unsigned int mask = 0;

	poll_wait(filp, &key_wq, wait);
	if (have_key)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static int key_release(struct inode *inode, struct file *filp)
{
	return 0;
}

static const struct file_operations key_fops = {
	.owner = THIS_MODULE,
	.open = key_open,
	.read = key_read,
	.poll = key_poll,
	.release = key_release,
};

static int __init keywait_init(void)
{
	int ret = register_chrdev(KEY_MAJOR, "keywait", &key_fops);

	if (ret < 0)
		return ret;
	irq2 = gpio_to_irq(KEY2_GPIO);
	irq3 = gpio_to_irq(KEY3_GPIO);
	ret = request_irq(irq2, key_isr, IRQF_TRIGGER_FALLING, "key2", (void *)2);
	if (ret)
		goto out_chrdev;
	ret = request_irq(irq3, key_isr, IRQF_TRIGGER_FALLING, "key3", (void *)3);
	if (ret)
		goto out_irq2;
	return 0;
out_irq2:
	free_irq(irq2, (void *)2);
out_chrdev:
	unregister_chrdev(KEY_MAJOR, "keywait");
	return ret;
}

static void __exit keywait_exit(void)
{
	free_irq(irq3, (void *)3);
	free_irq(irq2, (void *)2);
	unregister_chrdev(KEY_MAJOR, "keywait");
}

module_init(keywait_init);
module_exit(keywait_exit);
MODULE_LICENSE("GPL");
