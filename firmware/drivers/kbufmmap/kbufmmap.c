/*
 * kbufmmap: one kmalloc'd page shared with user space through remap_pfn_range() (RAM,
 * not device memory); read() returns the page, so a program sees its own stores arrive.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static int major;
static struct cdev cdev;
static char *buf;

static int kbufmmap_mmap(struct file *filp, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || size != PAGE_SIZE)
		return -EINVAL;
	if (remap_pfn_range(vma, vma->vm_start, virt_to_phys(buf) >> PAGE_SHIFT, size,
			    vma->vm_page_prot))
		return -EAGAIN;
	printk(KERN_INFO "kbufmmap: mapped %lx flags %lx\n", vma->vm_start, vma->vm_flags);
	return 0;
}

static ssize_t kbufmmap_read(struct file *filp, char __user *ubuf, size_t count, loff_t *pos)
{
	size_t n = strnlen(buf, PAGE_SIZE);

	if (count > n)
		count = n;
	if (copy_to_user(ubuf, buf, count))
		return -EFAULT;
	return count;
}

static const struct file_operations kbufmmap_fops = {
	.owner = THIS_MODULE,
	.mmap = kbufmmap_mmap,
	.read = kbufmmap_read,
};

static int __init kbufmmap_init(void)
{
	dev_t dev;
	int ret;

	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, "hello from the kernel");
	ret = alloc_chrdev_region(&dev, 0, 1, "kbufmmap");
	if (ret < 0) {
		kfree(buf);
		return ret;
	}
	major = MAJOR(dev);
	cdev_init(&cdev, &kbufmmap_fops);
	cdev_add(&cdev, dev, 1);
	return 0;
}

static void __exit kbufmmap_exit(void)
{
	cdev_del(&cdev);
	unregister_chrdev_region(MKDEV(major, 0), 1);
	kfree(buf);
}

module_init(kbufmmap_init);
module_exit(kbufmmap_exit);
MODULE_LICENSE("GPL");
