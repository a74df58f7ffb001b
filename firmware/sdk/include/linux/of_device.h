#ifndef _LINUX_OF_DEVICE_H
#define _LINUX_OF_DEVICE_H

/* emu4412 SDK: Linux 3.14 include/linux/of_device.h. */

#include <linux/platform_device.h>
#include <linux/of_platform.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>

extern const struct of_device_id *of_match_device(const struct of_device_id *matches,
						  const struct device *dev);

static inline int of_driver_match_device(struct device *dev,
					 const struct device_driver *drv)
{
	return of_match_device(drv->of_match_table, dev) != NULL;
}

#endif /* _LINUX_OF_DEVICE_H */
