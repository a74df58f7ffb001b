/*
 * semdemo: the course's semaphore lab. Only one process may hold the device: open() takes
 * a semaphore (a second opener sleeps until the first closes; with O_NONBLOCK it gets
 * -EBUSY), release() gives it back. read() waits on a completion that the K2 interrupt
 * completes, and returns the key number (an int, 2).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/semaphore.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/uaccess.h>

#define SEM_MAJOR	251
#define KEY2_GPIO	221

static struct semaphore sem;
static DECLARE_COMPLETION(key_done);
static int irq;

static irqreturn_t key_isr(int irq, void *dev_id)
{
	complete(&key_done);
	return IRQ_HANDLED;
}

static int sem_open(struct inode *inode, struct file *filp)
{
	if (filp->f_flags & O_NONBLOCK) {
		if (down_trylock(&sem))
			return -EBUSY;
	} else if (down_interruptible(&sem)) {
		return -ERESTARTSYS;
	}
	printk(KERN_INFO "semdemo: pid %d holds the device\n", current->pid);
	return 0;
}

static ssize_t sem_read(struct file *filp, char __user *buf, size_t count, loff_t *pos)
{
	int key = 2;

	if (wait_for_completion_interruptible(&key_done))
		return -ERESTARTSYS;
	if (copy_to_user(buf, &key, sizeof(key)))
		return -EFAULT;
	return sizeof(key);
}

static int sem_release(struct inode *inode, struct file *filp)
{
	printk(KERN_INFO "semdemo: pid %d releases the device\n", current->pid);
	up(&sem);
	return 0;
}

static const struct file_operations sem_fops = {
	.owner = THIS_MODULE,
	.open = sem_open,
	.read = sem_read,
	.release = sem_release,
};

static int __init semdemo_init(void)
{
	int ret;

	sema_init(&sem, 1);
	ret = register_chrdev(SEM_MAJOR, "semdemo", &sem_fops);
	if (ret < 0)
		return ret;
	irq = gpio_to_irq(KEY2_GPIO);
	ret = request_irq(irq, key_isr, IRQF_TRIGGER_FALLING, "semdemo", NULL);
	if (ret)
		unregister_chrdev(SEM_MAJOR, "semdemo");
	return ret;
}

static void __exit semdemo_exit(void)
{
	free_irq(irq, NULL);
	unregister_chrdev(SEM_MAJOR, "semdemo");
}

module_init(semdemo_init);
module_exit(semdemo_exit);
MODULE_LICENSE("GPL");
