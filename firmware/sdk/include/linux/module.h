#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

/*
 * Dynamic loading of modules into the kernel (Linux 3.14 include/linux/module.h).
 *
 * struct module is trimmed to the fields the emu4412 loader and modpost use; its layout is
 * shared with the emulator (emulator/kernel/abi.py): __this_module, which modpost puts in
 * .gnu.linkonce.this_module, is read by insmod for name, init and exit.
 */

#include <linux/list.h>
#include <linux/stat.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/stringify.h>
#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/atomic.h>

#define MODULE_SUPPORTED_DEVICE(name)

#define MODULE_NAME_LEN MAX_PARAM_PREFIX_LEN

/* Generic info of form tag = "info" */
#define MODULE_INFO(tag, info) __MODULE_INFO(tag, tag, info)

/* For userspace: you can also call me... */
#define MODULE_ALIAS(_alias) MODULE_INFO(alias, _alias)

/* Soft module dependencies. See man modprobe.d for details.
 * Example: MODULE_SOFTDEP("pre: module-foo module-bar post: module-baz")
 */
#define MODULE_SOFTDEP(_softdep) MODULE_INFO(softdep, _softdep)

/*
 * The following license idents are currently accepted as indicating free
 * software modules
 *
 *	"GPL"				[GNU Public License v2 or later]
 *	"GPL v2"			[GNU Public License v2]
 *	"GPL and additional rights"	[GNU Public License v2 rights and more]
 *	"Dual BSD/GPL"			[GNU Public License v2
 *					 or BSD license choice]
 *	"Dual MIT/GPL"			[GNU Public License v2
 *					 or MIT license choice]
 *	"Dual MPL/GPL"			[GNU Public License v2
 *					 or Mozilla license choice]
 *
 * The following other idents are available
 *
 *	"Proprietary"			[Non free products]
 */
#define MODULE_LICENSE(_license) MODULE_INFO(license, _license)

/*
 * Author(s), use "Name <email>" or just "Name", for multiple
 * authors use multiple MODULE_AUTHOR() statements/lines.
 */
#define MODULE_AUTHOR(_author) MODULE_INFO(author, _author)

/* What your module does. */
#define MODULE_DESCRIPTION(_description) MODULE_INFO(description, _description)

#define MODULE_DEVICE_TABLE(type, name)					\
  extern typeof(name) __mod_##type##__##name##_device_table		\
  __attribute__ ((unused, alias(__stringify(name))))

/* Version of form [<epoch>:]<version>[-<extra-version>]. */
#define MODULE_VERSION(_version) MODULE_INFO(version, _version)

/* Optional firmware file (or files) needed by the module
 * format is simply firmware file name.  Multiple firmware
 * files require multiple MODULE_FIRMWARE() specifiers */
#define MODULE_FIRMWARE(_firmware) MODULE_INFO(firmware, _firmware)

enum module_state {
	MODULE_STATE_LIVE,	/* Normal state. */
	MODULE_STATE_COMING,	/* Full formed, running module_init. */
	MODULE_STATE_GOING,	/* Going away. */
	MODULE_STATE_UNFORMED,	/* Still setting it up. */
};

struct module {
	enum module_state state;

	/* Member of list of modules */
	struct list_head list;

	/* Unique handle for this module */
	char name[MODULE_NAME_LEN];

	/* Startup function. */
	int (*init)(void);

	/* Destruction function. */
	void (*exit)(void);

	/* Here is the actual code + data, vfree'd on unload. */
	void *module_core;

	/* Size of the code + data of the core section. */
	unsigned int core_size;

	/* References held by users (try_module_get, open files). */
	atomic_t refcnt;
};

#ifdef MODULE
/* module_init()/module_exit() alias these; modpost's .mod.c refers to them. */
extern int init_module(void);
extern void cleanup_module(void);
#endif

static inline int module_is_live(struct module *mod)
{
	return mod->state != MODULE_STATE_GOING;
}

static inline void __module_get(struct module *module)
{
	if (module)
		atomic_inc(&module->refcnt);
}

static inline bool try_module_get(struct module *module)
{
	bool ret = true;

	if (module) {
		if (likely(module_is_live(module)))
			atomic_inc(&module->refcnt);
		else
			ret = false;
	}
	return ret;
}

static inline void module_put(struct module *module)
{
	if (module)
		atomic_dec(&module->refcnt);
}

static inline const char *module_name(struct module *mod)
{
	return mod ? mod->name : "kernel";
}

#define symbol_put(x) do { } while (0)

#endif /* _LINUX_MODULE_H */
