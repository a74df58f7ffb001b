#ifndef LINUX_MOD_DEVICETABLE_H
#define LINUX_MOD_DEVICETABLE_H

/*
 * emu4412 SDK: device id tables (Linux 3.14 include/linux/mod_devicetable.h, the entries
 * platform, OF and I2C drivers use). Layouts as on the FS4412 board (emulator/kernel/abi.py).
 */

#include <linux/types.h>

typedef unsigned long kernel_ulong_t;

struct of_device_id {
	char	name[32];
	char	type[32];
	char	compatible[128];
	const void *data;
};

#define PLATFORM_NAME_SIZE	20
#define PLATFORM_MODULE_PREFIX	"platform:"

struct platform_device_id {
	char name[PLATFORM_NAME_SIZE];
	kernel_ulong_t driver_data;
};

#define I2C_NAME_SIZE	20
#define I2C_MODULE_PREFIX	"i2c:"

struct i2c_device_id {
	char name[I2C_NAME_SIZE];
	kernel_ulong_t driver_data;
};

#endif /* LINUX_MOD_DEVICETABLE_H */
