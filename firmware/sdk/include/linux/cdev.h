#ifndef _LINUX_CDEV_H
#define _LINUX_CDEV_H

/*
 * Linux 3.14 include/linux/cdev.h.  The layout is shared with the emulator
 * (emulator/kernel/abi.py): the chrdev bridge reads ops from the cdev found for an
 * opened device number.
 */

#include <linux/kobject.h>
#include <linux/kdev_t.h>
#include <linux/list.h>

struct file_operations;
struct inode;
struct module;

struct cdev {
	struct kobject kobj;
	struct module *owner;
	const struct file_operations *ops;
	struct list_head list;
	dev_t dev;
	unsigned int count;
};

/* fs/char_dev.c, provided by the emu4412 kernel */
void cdev_init(struct cdev *, const struct file_operations *);

struct cdev *cdev_alloc(void);

int cdev_add(struct cdev *, dev_t, unsigned);

void cdev_del(struct cdev *);

#endif
