/*
 * mpu6050i2c.c - the FS4412's MPU6050 as the course's I2C client driver (emu4412 firmware):
 * an i2c_driver matched by the device tree's "invensense,mpu6050" child of i2c@138B0000
 * (or by the id "mpu6050"), probe() wakes and configures the sensor over SMBus, and a misc
 * device /dev/mpu6050 returns accelerometer, gyroscope and temperature words by ioctl,
 * each read as one burst (register address written, then a repeated START and 6 reads).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/i2c.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/of.h>
#include <asm/uaccess.h>

#include "mpu6050i2c.h"

#define SMPLRT_DIV	0x19
#define CONFIG		0x1A
#define GYRO_CONFIG	0x1B
#define ACCEL_CONFIG	0x1C
#define ACCEL_XOUT_H	0x3B
#define TEMP_OUT_H	0x41
#define GYRO_XOUT_H	0x43
#define PWR_MGMT_1	0x6B
#define WHO_AM_I	0x75

static struct i2c_client *mpu6050_client;

/* one register address written, then len bytes read after a repeated START */
static int mpu6050_read(struct i2c_client *client, u8 reg, u8 *buf, int len)
{
	struct i2c_msg msgs[2] = {
		{ .addr = client->addr, .flags = 0, .len = 1, .buf = &reg },
		{ .addr = client->addr, .flags = I2C_M_RD, .len = len, .buf = buf },
	};
	int ret = i2c_transfer(client->adapter, msgs, 2);

	return ret == 2 ? 0 : (ret < 0 ? ret : -EIO);
}

static int mpu6050_words(u8 reg, short *words, int n)
{
	u8 buf[6];
	int i, ret = mpu6050_read(mpu6050_client, reg, buf, 2 * n);

	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		words[i] = (short)(buf[2 * i] << 8 | buf[2 * i + 1]);
	return 0;
}

static long mpu6050_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union mpu6050_data data;
	short words[3];
	int ret;

	switch (cmd) {
	case GET_ACCEL:
		ret = mpu6050_words(ACCEL_XOUT_H, words, 3);
		data.accel.x = words[0];
		data.accel.y = words[1];
		data.accel.z = words[2];
		break;
	case GET_GYRO:
		ret = mpu6050_words(GYRO_XOUT_H, words, 3);
		data.gyro.x = words[0];
		data.gyro.y = words[1];
		data.gyro.z = words[2];
		break;
	case GET_TEMP:
		ret = i2c_smbus_read_word_swapped(mpu6050_client, TEMP_OUT_H);
		data.temp = ret;
		ret = ret < 0 ? ret : 0;
		break;
	default:
		return -ENOTTY;
	}
	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, &data, sizeof(data)))
		return -EFAULT;
	return 0;
}

static const struct file_operations mpu6050_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mpu6050_ioctl,
};

static struct miscdevice mpu6050_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mpu6050",
	.fops = &mpu6050_fops,
};

static int mpu6050_probe(struct i2c_client *client, const struct i2c_device_id *id)
{
	int who, ret;

	if (!i2c_check_functionality(client->adapter, I2C_FUNC_I2C | I2C_FUNC_SMBUS_BYTE_DATA))
		return -EIO;
	who = i2c_smbus_read_byte_data(client, WHO_AM_I);
	if (who < 0)
		return who;
	if (who != 0x68) {
		dev_err(&client->dev, "WHO_AM_I 0x%02x: not an MPU6050\n", who);
		return -ENODEV;
	}
	i2c_smbus_write_byte_data(client, PWR_MGMT_1, 0x00);    /* wake up, internal clock */
	i2c_smbus_write_byte_data(client, SMPLRT_DIV, 0x07);    /* 1 kHz / 8 */
	i2c_smbus_write_byte_data(client, CONFIG, 0x06);        /* DLPF 5 Hz */
	i2c_smbus_write_byte_data(client, GYRO_CONFIG, 0xF8);   /* +-2000 deg/s */
	i2c_smbus_write_byte_data(client, ACCEL_CONFIG, 0x19);  /* +-16 g */
	mpu6050_client = client;
	i2c_set_clientdata(client, &mpu6050_misc);
	ret = misc_register(&mpu6050_misc);
	if (ret)
		return ret;
	dev_info(&client->dev, "mpu6050 at 0x%02x on %s (%s), irq %d\n", client->addr,
		 client->adapter->name, id ? id->name : "of", client->irq);
	return 0;
}

static int mpu6050_remove(struct i2c_client *client)
{
	misc_deregister(i2c_get_clientdata(client));
	i2c_smbus_write_byte_data(client, PWR_MGMT_1, 0x40);    /* back to sleep */
	return 0;
}

static const struct of_device_id mpu6050_of_match[] = {
	{ .compatible = "invensense,mpu6050" },
	{ },
};

static const struct i2c_device_id mpu6050_id[] = {
	{ "mpu6050", 0 },
	{ },
};

static struct i2c_driver mpu6050_driver = {
	.driver = {
		.name = "mpu6050",
		.owner = THIS_MODULE,
		.of_match_table = mpu6050_of_match,
	},
	.probe = mpu6050_probe,
	.remove = mpu6050_remove,
	.id_table = mpu6050_id,
};

module_i2c_driver(mpu6050_driver);
MODULE_LICENSE("GPL");
