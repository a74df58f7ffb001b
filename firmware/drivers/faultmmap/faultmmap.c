/*
 * faultmmap: two pages of a kmalloc'd buffer shared with user space page by page, from a
 * vm_operations fault handler (3.14 form: vm_insert_pfn, VM_FAULT_NOPAGE), or - with the
 * minor number 1 - from the 2.6-style nopage handler seed 004 shows.  read() returns the
 * buffer, so a program sees what the kernel sees.
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

#define NPAGES 2

static int major;
static struct cdev cdev;
static char *buf;

static int faultmmap_fault(struct vm_area_struct *vma, struct vm_fault *vmf)
{
	unsigned long pfn;

	if (vmf->pgoff >= NPAGES)
		return VM_FAULT_SIGBUS;
	pfn = virt_to_phys(buf + (vmf->pgoff << PAGE_SHIFT)) >> PAGE_SHIFT;
	printk(KERN_INFO "faultmmap: fault pgoff %lu%s\n", vmf->pgoff,
	       vmf->flags & FAULT_FLAG_WRITE ? " (write)" : "");
	if (vm_insert_pfn(vma, (unsigned long)vmf->virtual_address, pfn))
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static void faultmmap_close(struct vm_area_struct *vma)
{
	printk(KERN_INFO "faultmmap: close %lx-%lx\n", vma->vm_start, vma->vm_end);
}

static void faultmmap_open(struct vm_area_struct *vma)
{
	printk(KERN_INFO "faultmmap: open %lx-%lx\n", vma->vm_start, vma->vm_end);
}

static const struct vm_operations_struct faultmmap_vm_ops = {
	.open = faultmmap_open,
	.close = faultmmap_close,
	.fault = faultmmap_fault,
};

/* The 2.6 form seed 004 shows: return the page with a reference, or NOPAGE_SIGBUS. */
static struct page *faultmmap_nopage(struct vm_area_struct *vma, unsigned long address,
				     int *type)
{
	unsigned long offset = address - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT);
	struct page *page;

	if (offset >= NPAGES * PAGE_SIZE)
		return NOPAGE_SIGBUS;
	page = virt_to_page(buf + offset);
	get_page(page);
	if (type)
		*type = VM_FAULT_MINOR;
	printk(KERN_INFO "faultmmap: nopage offset %lx\n", offset);
	return page;
}

static const struct vm_operations_struct faultmmap_nopage_vm_ops = {
	.open = faultmmap_open,
	.close = faultmmap_close,
	.nopage = faultmmap_nopage,
};

static int faultmmap_mmap(struct file *filp, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) > NPAGES + 1)
		return -EINVAL;
	if (iminor(filp->f_inode) == 1) {		/* minor 1: the legacy nopage form */
		unsigned long offset = vma->vm_pgoff << PAGE_SHIFT;

		if (offset >= __pa(high_memory) || (filp->f_flags & O_SYNC))
			vma->vm_flags |= VM_IO;
		vma->vm_flags |= VM_RESERVED;
		vma->vm_ops = &faultmmap_nopage_vm_ops;
		return 0;
	}
	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &faultmmap_vm_ops;
	return 0;
}

static ssize_t faultmmap_read(struct file *filp, char __user *ubuf, size_t count, loff_t *pos)
{
	if (*pos >= NPAGES * PAGE_SIZE)
		return 0;
	if (count > NPAGES * PAGE_SIZE - *pos)
		count = NPAGES * PAGE_SIZE - *pos;
	if (copy_to_user(ubuf, buf + *pos, count))
		return -EFAULT;
	*pos += count;
	return count;
}

static const struct file_operations faultmmap_fops = {
	.owner = THIS_MODULE,
	.mmap = faultmmap_mmap,
	.read = faultmmap_read,
};

static int __init faultmmap_init(void)
{
	dev_t dev;
	int ret;

	buf = kzalloc(NPAGES * PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, "page zero from the kernel");
	strcpy(buf + PAGE_SIZE, "page one from the kernel");
	ret = alloc_chrdev_region(&dev, 0, 2, "faultmmap");
	if (ret < 0) {
		kfree(buf);
		return ret;
	}
	major = MAJOR(dev);
	cdev_init(&cdev, &faultmmap_fops);
	cdev_add(&cdev, dev, 2);
	return 0;
}

static void __exit faultmmap_exit(void)
{
	cdev_del(&cdev);
	unregister_chrdev_region(MKDEV(major, 0), 2);
	kfree(buf);
}

module_init(faultmmap_init);
module_exit(faultmmap_exit);
MODULE_LICENSE("GPL");
