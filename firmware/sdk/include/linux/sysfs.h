#ifndef _SYSFS_H_
#define _SYSFS_H_

/*
 * emu4412 SDK: sysfs attributes (Linux 3.14 include/linux/sysfs.h names and semantics).
 * The board's .config has no DEBUG_LOCK_ALLOC, so struct attribute is a name and a mode
 * (8 bytes); the emulated kernel reads it (emulator/kernel/base/attrs.py).
 */

#include <linux/types.h>
#include <linux/stat.h>
#include <linux/stringify.h>
#include <linux/compiler.h>

struct kobject;

struct attribute {
	const char		*name;
	umode_t			mode;
};

_Static_assert(sizeof(struct attribute) == 8, "struct attribute: the board's layout");

struct attribute_group {
	const char		*name;
	umode_t			(*is_visible)(struct kobject *kobj, struct attribute *attr,
					      int index);
	struct attribute	**attrs;
	struct bin_attribute	**bin_attrs;
};

/* An attribute initialiser for the xxx_attribute structs: name, mode, show, store. */
#define __ATTR(_name, _mode, _show, _store) {				\
	.attr	= { .name = __stringify(_name), .mode = (_mode) },	\
	.show	= _show,						\
	.store	= _store,						\
}

/* Read-only (0444) with NAME_show, write-only (0200) with NAME_store, 0644 with both. */
#define __ATTR_RO(_name) {						\
	.attr	= { .name = __stringify(_name), .mode = S_IRUGO },	\
	.show	= _name##_show,						\
}

#define __ATTR_WO(_name) {						\
	.attr	= { .name = __stringify(_name), .mode = S_IWUSR },	\
	.store	= _name##_store,					\
}

#define __ATTR_RW(_name)						\
	__ATTR(_name, (S_IWUSR | S_IRUGO), _name##_show, _name##_store)

#define __ATTR_NULL { .attr = { .name = NULL } }

extern int __must_check sysfs_create_group(struct kobject *kobj,
					   const struct attribute_group *grp);
extern void sysfs_remove_group(struct kobject *kobj, const struct attribute_group *grp);

/* No lockdep on the board: nothing to initialise for a dynamic attribute. */
#define sysfs_attr_init(attr) do {} while (0)

#endif /* _SYSFS_H_ */
