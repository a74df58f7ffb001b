#ifndef _LINUX_MISCDEVICE_H
#define _LINUX_MISCDEVICE_H

/*
 * emu4412 SDK: misc character devices (Linux 3.14 include/linux/miscdevice.h): major 10,
 * /dev/NAME made by devtmpfs, file->private_data = the miscdevice at open.
 */

#include <linux/major.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/fs.h>

#define PSMOUSE_MINOR		1
#define WATCHDOG_MINOR		130
#define MISC_DYNAMIC_MINOR	255

struct device;

struct miscdevice  {
	int minor;
	const char *name;
	const struct file_operations *fops;
	struct list_head list;
	struct device *parent;
	struct device *this_device;
	const char *nodename;
	umode_t mode;
};

_Static_assert(sizeof(struct miscdevice) == 36, "struct miscdevice: board layout");

extern int misc_register(struct miscdevice *misc);
extern int misc_deregister(struct miscdevice *misc);

#define MODULE_ALIAS_MISCDEV(minor)

#endif /* _LINUX_MISCDEVICE_H */
