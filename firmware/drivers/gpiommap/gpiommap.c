/*
 * gpiommap: the GPIO registers of block 0x11000000 (gpx0-3 at 0xC00) mapped into user
 * space with io_remap_pfn_range(), as seed 004 teaches; a program lights LEDs by storing
 * to the mapping.  The gpx2 bank is claimed with request_mem_region() first (seed 000).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/ioport.h>

#define GPIO_BASE	0x11000000
#define GPX2_BASE	(GPIO_BASE + 0xC40)
#define GPX2_SIZE	0x20

static int major;
static struct cdev cdev;
static struct resource *gpx2;

static void gpiommap_vma_open(struct vm_area_struct *vma)
{
	printk(KERN_NOTICE "gpiommap: VMA open, virt %lx, phys %lx\n",
	       vma->vm_start, vma->vm_pgoff << PAGE_SHIFT);
}

static void gpiommap_vma_close(struct vm_area_struct *vma)
{
	printk(KERN_NOTICE "gpiommap: VMA close.\n");
}

static struct vm_operations_struct gpiommap_vm_ops = {
	.open = gpiommap_vma_open,
	.close = gpiommap_vma_close,
};

static int gpiommap_mmap(struct file *filp, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || size > PAGE_SIZE)
		return -EINVAL;
	vma->vm_flags |= VM_IO;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_pgoff = GPIO_BASE >> PAGE_SHIFT;
	if (io_remap_pfn_range(vma, vma->vm_start, GPIO_BASE >> PAGE_SHIFT, size,
			       vma->vm_page_prot))
		return -EAGAIN;
	vma->vm_ops = &gpiommap_vm_ops;
	gpiommap_vma_open(vma);
	return 0;
}

static int gpiommap_release(struct inode *inode, struct file *filp)
{
	printk(KERN_INFO "gpiommap: release\n");
	return 0;
}

static const struct file_operations gpiommap_fops = {
	.owner = THIS_MODULE,
	.mmap = gpiommap_mmap,
	.release = gpiommap_release,
};

static int __init gpiommap_init(void)
{
	dev_t dev;
	int ret;

	gpx2 = request_mem_region(GPX2_BASE, GPX2_SIZE, "gpiommap-gpx2");
	if (!gpx2)
		return -EBUSY;
	printk(KERN_INFO "gpiommap: claimed %08x-%08x\n", gpx2->start, gpx2->end);
	if (!request_mem_region(GPX2_BASE + 4, 4, "gpiommap-again"))
		printk(KERN_INFO "gpiommap: second request of %08x is busy\n", GPX2_BASE + 4);
	ret = alloc_chrdev_region(&dev, 0, 1, "gpiommap");
	if (ret < 0)
		goto fail;
	major = MAJOR(dev);
	cdev_init(&cdev, &gpiommap_fops);
	ret = cdev_add(&cdev, dev, 1);
	if (ret < 0) {
		unregister_chrdev_region(dev, 1);
		goto fail;
	}
	printk(KERN_INFO "gpiommap: major %d\n", major);
	return 0;
fail:
	release_mem_region(GPX2_BASE, GPX2_SIZE);
	return ret;
}

static void __exit gpiommap_exit(void)
{
	cdev_del(&cdev);
	unregister_chrdev_region(MKDEV(major, 0), 1);
	release_mem_region(GPX2_BASE, GPX2_SIZE);
}

module_init(gpiommap_init);
module_exit(gpiommap_exit);
MODULE_LICENSE("GPL");
