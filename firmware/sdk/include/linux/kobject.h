#ifndef _KOBJECT_H_
#define _KOBJECT_H_

/*
 * Linux 3.14 struct kobject (embedded in struct cdev).  The kobject/sysfs functions are
 * not exported by the emu4412 kernel.  The five state bits of 3.14 are kept, overlaid by
 * state_flags so the layout is addressable (emulator/kernel/abi.py).
 */

#include <linux/types.h>
#include <linux/list.h>
#include <linux/compiler.h>
#include <linux/kref.h>

struct kset;
struct kobj_type;
struct sysfs_dirent;

struct kobject {
	const char		*name;
	struct list_head	entry;
	struct kobject		*parent;
	struct kset		*kset;
	struct kobj_type	*ktype;
	struct sysfs_dirent	*sd;
	struct kref		kref;
	union {
		unsigned int	state_flags;
		struct {
			unsigned int state_initialized:1;
			unsigned int state_in_sysfs:1;
			unsigned int state_add_uevent_sent:1;
			unsigned int state_remove_uevent_sent:1;
			unsigned int uevent_suppress:1;
		};
	};
};

static inline const char *kobject_name(const struct kobject *kobj)
{
	return kobj->name;
}

#endif /* _KOBJECT_H_ */
