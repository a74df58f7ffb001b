/*
 * keyfasync: the FS4412 course's asynchronous-notification key driver. The interrupt
 * handler of K2/K3 (falling edge on gpx1-1/gpx1-2) records the key, wakes readers and
 * signals the owner of every file that asked for O_ASYNC (kill_fasync: SIGIO, POLL_IN).
 * read() returns the key (an int); with O_NONBLOCK and no key it fails with -EAGAIN.
 * write() of an int stands for a key press from process context (a virtual key).
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

#define KEY_MAJOR	251
#define KEY2_GPIO	221	/* gpx1-1 */
#define KEY3_GPIO	222	/* gpx1-2 */

static DECLARE_WAIT_QUEUE_HEAD(key_wq);
static struct fasync_struct *key_async;
static int key_value, have_key, irq2, irq3;

static irqreturn_t key_isr(int irq, void *dev_id)
{
	key_value = (int)(long)dev_id;
	have_key = 1;
	wake_up_interruptible(&key_wq);
	kill_fasync(&key_async, SIGIO, POLL_IN);
	return IRQ_HANDLED;
}

static ssize_t key_read(struct file *filp, char __user *buf, size_t count, loff_t *pos)
{
	if (count < sizeof(int))
		return -EINVAL;
	if (!have_key) {
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(key_wq, have_key))
			return -ERESTARTSYS;
	}
	have_key = 0;
	if (copy_to_user(buf, &key_value, sizeof(int)))
		return -EFAULT;
	return sizeof(int);
}

static ssize_t key_write(struct file *filp, const char __user *buf, size_t count,
			 loff_t *pos)
{
	if (count < sizeof(int))
		return -EINVAL;
	if (copy_from_user(&key_value, buf, sizeof(int)))
		return -EFAULT;
	have_key = 1;
	wake_up_interruptible(&key_wq);
	kill_fasync(&key_async, SIGIO, POLL_IN);
	return sizeof(int);
}

static unsigned int key_poll(struct file *filp, poll_table *wait)
{
	poll_wait(filp, &key_wq, wait);
	return have_key ? POLLIN | POLLRDNORM : 0;
}

static int key_fasync(int fd, struct file *filp, int on)
{
	printk(KERN_INFO "keyfasync: fasync fd %d %s\n", fd, on ? "on" : "off");
	return fasync_helper(fd, filp, on, &key_async);
}

static int key_release(struct inode *inode, struct file *filp)
{
	printk(KERN_INFO "keyfasync: release (async list %s)\n", key_async ? "busy" : "empty");
	return 0;
}

static const struct file_operations key_fops = {
	.owner = THIS_MODULE,
	.read = key_read,
	.write = key_write,
	.poll = key_poll,
	.fasync = key_fasync,
	.release = key_release,
};

static int __init keyfasync_init(void)
{
	int ret = register_chrdev(KEY_MAJOR, "keyfasync", &key_fops);

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
	unregister_chrdev(KEY_MAJOR, "keyfasync");
	return ret;
}

static void __exit keyfasync_exit(void)
{
	free_irq(irq3, (void *)3);
	free_irq(irq2, (void *)2);
	unregister_chrdev(KEY_MAJOR, "keyfasync");
}

module_init(keyfasync_init);
module_exit(keyfasync_exit);
MODULE_LICENSE("GPL");
