#ifndef _DEVICE_H_
#define _DEVICE_H_

/*
 * emu4412 SDK: the driver model's device, driver and class (Linux 3.14 include/linux/
 * device.h names and signatures). struct device has the FS4412 kernel's layout (296 bytes:
 * DEBUG_MUTEXES and DEBUG_SPINLOCK make its mutex 40 and its devres lock 16 bytes), so
 * modules built here and on the board's tree agree; emulator/kernel/abi.py is the table.
 */

#include <linux/ioport.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/gfp.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/uidgid.h>
#include <linux/sysfs.h>

struct device;
struct device_private;
struct device_driver;
struct driver_private;
struct class;
struct subsys_private;
struct bus_type;
struct device_node;
struct iommu_ops;
struct iommu_group;
struct attribute_group;
struct dev_pm_ops;
struct dev_pm_domain;
struct dma_map_ops;
struct device_dma_parameters;
struct dma_coherent_mem;
struct dev_pin_info;
struct kobj_uevent_env;
#ifndef __EMU4412_LOCK_CLASS_KEY
#define __EMU4412_LOCK_CLASS_KEY
struct lock_class_key { };		/* no LOCKDEP: empty, as in 3.14's lockdep.h */
#endif

struct bus_type {
	const char		*name;
	const char		*dev_name;
	struct device		*dev_root;
	struct device_attribute	*dev_attrs;
	const struct attribute_group **bus_groups;
	const struct attribute_group **dev_groups;
	const struct attribute_group **drv_groups;
	int (*match)(struct device *dev, struct device_driver *drv);
	int (*uevent)(struct device *dev, struct kobj_uevent_env *env);
	int (*probe)(struct device *dev);
	int (*remove)(struct device *dev);
	void (*shutdown)(struct device *dev);
	int (*online)(struct device *dev);
	int (*offline)(struct device *dev);
	int (*suspend)(struct device *dev, int state);
	int (*resume)(struct device *dev);
	const struct dev_pm_ops *pm;
	struct iommu_ops *iommu_ops;
	struct subsys_private *p;
};

struct device_driver {
	const char		*name;
	struct bus_type		*bus;
	struct module		*owner;
	const char		*mod_name;
	bool suppress_bind_attrs;
	const struct of_device_id	*of_match_table;
	const struct acpi_device_id	*acpi_match_table;
	int (*probe) (struct device *dev);
	int (*remove) (struct device *dev);
	void (*shutdown) (struct device *dev);
	int (*suspend) (struct device *dev, int state);
	int (*resume) (struct device *dev);
	const struct attribute_group **groups;
	const struct dev_pm_ops *pm;
	struct driver_private *p;
};

struct class {
	const char		*name;
	struct module		*owner;
	struct class_attribute		*class_attrs;
	const struct attribute_group	**dev_groups;
	struct kobject			*dev_kobj;
	int (*dev_uevent)(struct device *dev, struct kobj_uevent_env *env);
	char *(*devnode)(struct device *dev, umode_t *mode);
	void (*class_release)(struct class *class);
	void (*dev_release)(struct device *dev);
	int (*suspend)(struct device *dev, int state);
	int (*resume)(struct device *dev);
	const void *ns_type;
	const void *(*namespace)(struct device *dev);
	const struct dev_pm_ops *pm;
	struct subsys_private *p;
};

struct device_type {
	const char *name;
	const struct attribute_group **groups;
	int (*uevent)(struct device *dev, struct kobj_uevent_env *env);
	char *(*devnode)(struct device *dev, umode_t *mode, kuid_t *uid, kgid_t *gid);
	void (*release)(struct device *dev);
	const struct dev_pm_ops *pm;
};

struct device_attribute {
	struct attribute	attr;
	ssize_t (*show)(struct device *dev, struct device_attribute *attr, char *buf);
	ssize_t (*store)(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count);
};

/* A device attribute dev_attr_NAME; the _RW/_RO/_WO forms take NAME_show/NAME_store. */
#define DEVICE_ATTR(_name, _mode, _show, _store) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, _mode, _show, _store)
#define DEVICE_ATTR_RW(_name) \
	struct device_attribute dev_attr_##_name = __ATTR_RW(_name)
#define DEVICE_ATTR_RO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR_RO(_name)
#define DEVICE_ATTR_WO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR_WO(_name)

struct driver_attribute {
	struct attribute attr;
	ssize_t (*show)(struct device_driver *driver, char *buf);
	ssize_t (*store)(struct device_driver *driver, const char *buf, size_t count);
};

/* A driver attribute driver_attr_NAME, in /sys/bus/BUS/drivers/DRIVER/NAME. */
#define DRIVER_ATTR(_name, _mode, _show, _store) \
	struct driver_attribute driver_attr_##_name = __ATTR(_name, _mode, _show, _store)
#define DRIVER_ATTR_RW(_name) \
	struct driver_attribute driver_attr_##_name = __ATTR_RW(_name)
#define DRIVER_ATTR_RO(_name) \
	struct driver_attribute driver_attr_##_name = __ATTR_RO(_name)
#define DRIVER_ATTR_WO(_name) \
	struct driver_attribute driver_attr_##_name = __ATTR_WO(_name)

_Static_assert(sizeof(struct device_attribute) == 16, "struct device_attribute: the board's");
_Static_assert(__builtin_offsetof(struct device_attribute, show) == 8, "device_attribute.show");
_Static_assert(sizeof(struct driver_attribute) == 16, "struct driver_attribute: the board's");

extern int __must_check device_create_file(struct device *device,
					   const struct device_attribute *entry);
extern void device_remove_file(struct device *dev, const struct device_attribute *attr);
extern int __must_check driver_create_file(struct device_driver *driver,
					   const struct driver_attribute *attr);
extern void driver_remove_file(struct device_driver *driver,
			       const struct driver_attribute *attr);

struct klist_node {
	void			*n_klist;
	struct list_head	n_node;
	struct kref		n_ref;
};

struct dev_archdata {
	struct dma_map_ops	*dma_ops;
};

/* struct dev_pm_info of the board's config: 76 bytes the emulated kernel does not use. */
struct dev_pm_info {
	unsigned char __opaque[76];
};

struct device {
	struct device		*parent;
	struct device_private	*p;
	struct kobject kobj;
	const char		*init_name;
	const struct device_type *type;
	union {
		struct mutex	mutex;
		unsigned char	__mutex_space[40];
	};
	struct bus_type	*bus;
	struct device_driver *driver;
	void		*platform_data;
	struct dev_pm_info	power;
	struct dev_pm_domain	*pm_domain;
	struct dev_pin_info	*pins;
	u64		*dma_mask;
	u64		coherent_dma_mask;
	struct device_dma_parameters *dma_parms;
	struct list_head	dma_pools;
	struct dma_coherent_mem	*dma_mem;
	struct dev_archdata	archdata;
	struct device_node	*of_node;
	dev_t			devt;
	u32			id;
	union {
		spinlock_t	devres_lock;
		unsigned char	__devres_lock_space[16];
	};
	struct list_head	devres_head;
	struct klist_node	knode_class;
	struct class		*class;
	const struct attribute_group **groups;
	void	(*release)(struct device *dev);
	struct iommu_group	*iommu_group;
	bool			offline_disabled:1;
	bool			offline:1;
};

_Static_assert(sizeof(struct device) == 296, "struct device: the board's layout");
_Static_assert(__builtin_offsetof(struct device, of_node) == 220, "device.of_node");
_Static_assert(__builtin_offsetof(struct device, devt) == 224, "device.devt");

static inline const char *dev_name(const struct device *dev)
{
	if (dev->init_name)
		return dev->init_name;
	return kobject_name(&dev->kobj);
}

extern int bus_for_each_dev(struct bus_type *bus, struct device *start, void *data,
			    int (*fn)(struct device *dev, void *data));
extern int driver_for_each_device(struct device_driver *drv, struct device *start,
				  void *data, int (*fn)(struct device *dev, void *));

extern __printf(2, 3) int dev_set_name(struct device *dev, const char *name, ...);
extern void *dev_get_drvdata(const struct device *dev);
extern int dev_set_drvdata(struct device *dev, void *data);

extern int __must_check device_register(struct device *dev);
extern void device_unregister(struct device *dev);
extern void device_initialize(struct device *dev);
extern int __must_check device_add(struct device *dev);
extern void device_del(struct device *dev);
extern struct device *get_device(struct device *dev);
extern void put_device(struct device *dev);

extern struct class * __must_check __class_create(struct module *owner, const char *name,
						  struct lock_class_key *key);
extern void class_destroy(struct class *cls);

#define class_create(owner, name)		\
({						\
	static struct lock_class_key __key;	\
	__class_create(owner, name, &__key);	\
})

extern __printf(5, 6) struct device *device_create(struct class *cls, struct device *parent,
						   dev_t devt, void *drvdata,
						   const char *fmt, ...);
extern void device_destroy(struct class *cls, dev_t devt);

/* managed resources */
extern void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);
static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | __GFP_ZERO);
}
extern void devm_kfree(struct device *dev, void *p);
extern void __iomem *devm_ioremap_resource(struct device *dev, struct resource *res);
extern void __iomem *devm_ioremap(struct device *dev, resource_size_t offset,
				  unsigned long size);
extern void __iomem *devm_ioremap_nocache(struct device *dev, resource_size_t offset,
					  unsigned long size);
extern void devm_iounmap(struct device *dev, void __iomem *addr);
extern struct resource *__devm_request_region(struct device *dev, struct resource *parent,
					      resource_size_t start, resource_size_t n,
					      const char *name);
#define devm_request_mem_region(dev, start, n, name) \
	__devm_request_region(dev, &iomem_resource, (start), (n), (name))

/* dev_printk: "<driver> <device>: message", as Linux prints it */
extern __printf(3, 4) int dev_printk(const char *level, const struct device *dev,
				     const char *fmt, ...);
extern __printf(2, 3) int dev_emerg(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int dev_alert(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int dev_crit(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int dev_err(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int dev_warn(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int dev_notice(const struct device *dev, const char *fmt, ...);
extern __printf(2, 3) int _dev_info(const struct device *dev, const char *fmt, ...);

#define dev_info(dev, fmt, arg...) _dev_info(dev, fmt, ##arg)

#ifdef DEBUG
#define dev_dbg(dev, format, arg...) dev_printk(KERN_DEBUG, dev, format, ##arg)
#else
#define dev_dbg(dev, format, arg...)				\
({								\
	if (0)							\
		dev_printk(KERN_DEBUG, dev, format, ##arg);	\
	0;							\
})
#endif

#endif /* _DEVICE_H_ */
