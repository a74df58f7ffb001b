/*
 * mutexlab: the course's mutex lab. Minor 0 may be open by one process at a time: open()
 * takes a mutex (a second opener sleeps until the first closes; with O_NONBLOCK it gets
 * -EBUSY from mutex_trylock), release() unlocks it. Minor 1 guards a shared value with an
 * rw-semaphore: read() holds it shared for 50 ms, write() exclusively for 50 ms, so
 * readers overlap and writers wait.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/uaccess.h>

#define LAB_MAJOR	252

static DEFINE_MUTEX(dev_lock);
static struct rw_semaphore value_sem;
static int value;

static int lab_open(struct inode *inode, struct file *filp)
{
	if (iminor(inode) == 1)
		return 0;
	if (filp->f_flags & O_NONBLOCK) {
		if (!mutex_trylock(&dev_lock))
			return -EBUSY;
	} else if (mutex_lock_interruptible(&dev_lock)) {
		printk(KERN_INFO "mutexlab: pid %d interrupted while waiting\n", current->pid);
		return -ERESTARTSYS;
	}
	printk(KERN_INFO "mutexlab: pid %d holds the device\n", current->pid);
	return 0;
}

static int lab_release(struct inode *inode, struct file *filp)
{
	if (iminor(inode) == 1)
		return 0;
	printk(KERN_INFO "mutexlab: pid %d releases the device\n", current->pid);
	mutex_unlock(&dev_lock);
	return 0;
}

static ssize_t lab_read(struct file *filp, char __user *buf, size_t count, loff_t *pos)
{
	int v;

	down_read(&value_sem);
	printk(KERN_INFO "mutexlab: pid %d reads (readers %d)\n", current->pid,
	       value_sem.activity);
	msleep(50);
	v = value;
	up_read(&value_sem);
	if (count < sizeof(v))
		return -EINVAL;
	if (copy_to_user(buf, &v, sizeof(v)))
		return -EFAULT;
	return sizeof(v);
}

static ssize_t lab_write(struct file *filp, const char __user *buf, size_t count, loff_t *pos)
{
	int v;

	if (count < sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, buf, sizeof(v)))
		return -EFAULT;
	down_write(&value_sem);
	printk(KERN_INFO "mutexlab: pid %d writes %d\n", current->pid, v);
	msleep(50);
	value = v;
	up_write(&value_sem);
	return sizeof(v);
}

static const struct file_operations lab_fops = {
	.owner = THIS_MODULE,
	.open = lab_open,
	.read = lab_read,
	.write = lab_write,
	.release = lab_release,
};

static int __init mutexlab_init(void)
{
	init_rwsem(&value_sem);
	return register_chrdev(LAB_MAJOR, "mutexlab", &lab_fops);
}

static void __exit mutexlab_exit(void)
{
	unregister_chrdev(LAB_MAJOR, "mutexlab");
}

module_init(mutexlab_init);
module_exit(mutexlab_exit);
MODULE_LICENSE("GPL");
