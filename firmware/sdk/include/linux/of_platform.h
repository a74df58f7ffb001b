#ifndef _LINUX_OF_PLATFORM_H
#define _LINUX_OF_PLATFORM_H

/* emu4412 SDK: Linux 3.14 include/linux/of_platform.h (the parts modules use). */

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/of.h>

#endif /* _LINUX_OF_PLATFORM_H */
