/*
 * i2cdevbad - /dev/i2c-5's ioctls and read/write with bad arguments (issue 13); prints one
 * "name: result" line per call (the return value, or -errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>

static void *volatile bad = (void *)16;		/* an unmapped user address */

static void show(const char *name, long ret)
{
	printf("%s: %ld\n", name, ret < 0 ? -(long)errno : ret);
}

int main(void)
{
	unsigned char reg = 0x75, val = 0;
	struct i2c_msg msgs[2] = {
		{ .addr = 0x68, .flags = 0, .len = 1, .buf = &reg },
		{ .addr = 0x68, .flags = I2C_M_RD, .len = 1, .buf = &val },
	};
	struct i2c_rdwr_ioctl_data rdwr = { msgs, 2 };
	union i2c_smbus_data data;
	struct i2c_smbus_ioctl_data smbus = { I2C_SMBUS_READ, 0x75, I2C_SMBUS_BYTE_DATA, &data };
	unsigned long funcs = 0;
	int fd = open("/dev/i2c-5", O_RDWR);

	if (fd < 0) {
		perror("/dev/i2c-5");
		return 1;
	}
	show("slave 0x80", ioctl(fd, I2C_SLAVE, 0x80));
	show("funcs", ioctl(fd, I2C_FUNCS, &funcs));
	printf("funcs value: %08lx\n", funcs);
	show("funcs bad pointer", ioctl(fd, I2C_FUNCS, bad));
	show("rdwr", ioctl(fd, I2C_RDWR, &rdwr));
	printf("rdwr value: 0x%02x\n", val);
	rdwr.nmsgs = 43;
	show("rdwr 43 messages", ioctl(fd, I2C_RDWR, &rdwr));
	rdwr.nmsgs = 0;
	show("rdwr no message", ioctl(fd, I2C_RDWR, &rdwr));
	rdwr.nmsgs = 2;
	rdwr.msgs = bad;
	show("rdwr bad msgs", ioctl(fd, I2C_RDWR, &rdwr));
	rdwr.msgs = msgs;
	msgs[1].len = 9000;
	show("rdwr 9000 bytes", ioctl(fd, I2C_RDWR, &rdwr));
	msgs[1].len = 1;
	msgs[0].buf = bad;
	show("rdwr bad buffer", ioctl(fd, I2C_RDWR, &rdwr));
	show("rdwr bad arg", ioctl(fd, I2C_RDWR, bad));
	show("slave 0x68", ioctl(fd, I2C_SLAVE, 0x68));
	show("smbus", ioctl(fd, I2C_SMBUS, &smbus));
	printf("smbus value: 0x%02x\n", data.byte);
	smbus.size = 99;
	show("smbus size 99", ioctl(fd, I2C_SMBUS, &smbus));
	smbus.size = I2C_SMBUS_BYTE_DATA;
	smbus.data = NULL;
	show("smbus no data", ioctl(fd, I2C_SMBUS, &smbus));
	show("write", write(fd, &reg, 1));
	show("read", read(fd, &val, 1));
	printf("read value: 0x%02x\n", val);
	show("read bad buffer", read(fd, bad, 1));
	show("slave 0x69", ioctl(fd, I2C_SLAVE, 0x69));
	show("read 0x69", read(fd, &val, 1));
	show("unknown ioctl", ioctl(fd, 0x1234, 0));
	close(fd);
	return 0;
}
