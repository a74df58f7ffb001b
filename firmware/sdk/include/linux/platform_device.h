#ifndef _PLATFORM_DEVICE_H_
#define _PLATFORM_DEVICE_H_

/*
 * emu4412 SDK: the platform bus (Linux 3.14 include/linux/platform_device.h), with the
 * FS4412 kernel's layouts (platform_device 328, platform_driver 88 bytes).
 */

#include <linux/device.h>
#include <linux/mod_devicetable.h>

#define PLATFORM_DEVID_NONE	(-1)
#define PLATFORM_DEVID_AUTO	(-2)

struct mfd_cell;

struct pdev_archdata {
};

struct platform_device {
	const char	*name;
	int		id;
	bool		id_auto;
	struct device	dev;
	u32		num_resources;
	struct resource	*resource;
	const struct platform_device_id	*id_entry;
	struct mfd_cell *mfd_cell;
	struct pdev_archdata	archdata;
};

_Static_assert(sizeof(struct platform_device) == 328, "struct platform_device: board layout");

#define platform_get_device_id(pdev)	((pdev)->id_entry)
#define to_platform_device(x) container_of((x), struct platform_device, dev)

extern struct device platform_bus;
extern struct bus_type platform_bus_type;

extern int platform_device_register(struct platform_device *);
extern void platform_device_unregister(struct platform_device *);
extern struct resource *platform_get_resource(struct platform_device *, unsigned int,
					      unsigned int);
extern int platform_get_irq(struct platform_device *, unsigned int);
extern struct resource *platform_get_resource_byname(struct platform_device *, unsigned int,
						     const char *);
extern int platform_get_irq_byname(struct platform_device *, const char *);

struct acpi_dev_node {
};					/* no ACPI on the board: empty */

struct platform_device_info {
	struct device *parent;
	struct acpi_dev_node acpi_node;
	const char *name;
	int id;
	const struct resource *res;
	unsigned int num_res;
	const void *data;
	size_t size_data;
	u64 dma_mask;
};

_Static_assert(sizeof(struct platform_device_info) == 40,
	       "struct platform_device_info: board layout");

extern struct platform_device *platform_device_register_full(
		const struct platform_device_info *pdevinfo);

static inline struct platform_device *platform_device_register_resndata(
		struct device *parent, const char *name, int id,
		const struct resource *res, unsigned int num,
		const void *data, size_t size)
{
	struct platform_device_info pdevinfo = {
		.parent = parent, .name = name, .id = id, .res = res, .num_res = num,
		.data = data, .size_data = size, .dma_mask = 0,
	};

	return platform_device_register_full(&pdevinfo);
}

static inline struct platform_device *platform_device_register_simple(
		const char *name, int id, const struct resource *res, unsigned int num)
{
	return platform_device_register_resndata(NULL, name, id, res, num, NULL, 0);
}

static inline struct platform_device *platform_device_register_data(
		struct device *parent, const char *name, int id, const void *data, size_t size)
{
	return platform_device_register_resndata(parent, name, id, NULL, 0, data, size);
}

extern struct platform_device *platform_device_alloc(const char *name, int id);
extern int platform_device_add_resources(struct platform_device *pdev,
					 const struct resource *res, unsigned int num);
extern int platform_device_add_data(struct platform_device *pdev, const void *data,
				    size_t size);
extern int platform_device_add(struct platform_device *pdev);
extern void platform_device_del(struct platform_device *pdev);
extern void platform_device_put(struct platform_device *pdev);

struct platform_driver {
	int (*probe)(struct platform_device *);
	int (*remove)(struct platform_device *);
	void (*shutdown)(struct platform_device *);
	int (*suspend)(struct platform_device *, int state);
	int (*resume)(struct platform_device *);
	struct device_driver driver;
	const struct platform_device_id *id_table;
	bool prevent_deferred_probe;
};

_Static_assert(sizeof(struct platform_driver) == 88, "struct platform_driver: board layout");

#define platform_driver_register(drv) \
	__platform_driver_register(drv, THIS_MODULE)
extern int __platform_driver_register(struct platform_driver *, struct module *);
extern void platform_driver_unregister(struct platform_driver *);

static inline void *platform_get_drvdata(const struct platform_device *pdev)
{
	return dev_get_drvdata(&pdev->dev);
}

static inline void platform_set_drvdata(struct platform_device *pdev, void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}

#define module_driver(__driver, __register, __unregister, ...) \
static int __init __driver##_init(void) \
{ \
	return __register(&(__driver) , ##__VA_ARGS__); \
} \
module_init(__driver##_init); \
static void __exit __driver##_exit(void) \
{ \
	__unregister(&(__driver) , ##__VA_ARGS__); \
} \
module_exit(__driver##_exit);

#define module_platform_driver(__platform_driver) \
	module_driver(__platform_driver, platform_driver_register, \
			platform_driver_unregister)

#endif /* _PLATFORM_DEVICE_H_ */
