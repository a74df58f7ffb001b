/*
 * mpu6050.c - the MPU6050 on the FS4412's I2C5 (address 0x68), driven the way the course's
 * register-level driver does it (emu4412 firmware): I2C5's registers and GPB's pin
 * configuration mapped with ioremap, each byte polled on the interrupt-pending bit
 * I2CCON[4], master transmit/receive per the Exynos4412 manual's flow charts.
 *
 * insmod wakes the sensor (PWR_MGMT_1 = 0), sets SMPLRT_DIV, CONFIG, GYRO_CONFIG (+-250
 * deg/s) and ACCEL_CONFIG (+-2 g). MPU6050_READ burst-reads ACCEL/TEMP/GYRO_OUT.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/io.h>
#include <asm/uaccess.h>

#include "mpu6050.h"

#define GPBCON      0x11400040
#define I2C5_BASE   0x138B0000
#define I2CCON      0x00
#define I2CSTAT     0x04
#define I2CDS       0x0C

#define I2CCON_ACKEN   (1 << 7)
#define I2CCON_INTEN   (1 << 5)
#define I2CCON_PEND    (1 << 4)
#define I2CCON_BASE    (I2CCON_ACKEN | I2CCON_INTEN | 0xF)    /* PCLK/16/16 */
#define MTX_START  0xF0
#define MTX_STOP   0xD0
#define MRX_START  0xB0
#define MRX_STOP   0x90

#define MPU_ADDR     0x68
#define SMPLRT_DIV   0x19
#define CONFIG       0x1A
#define GYRO_CONFIG  0x1B
#define ACCEL_CONFIG 0x1C
#define ACCEL_XOUT_H 0x3B
#define PWR_MGMT_1   0x6B
#define WHO_AM_I     0x75

static void __iomem *i2c;
static void __iomem *gpbcon;
static struct cdev mpu_cdev;

static int wait_pending(void)
{
	int polls = 0;

	while (!(readl(i2c + I2CCON) & I2CCON_PEND))
		if (++polls > 100000)
			return -ETIMEDOUT;
	return 0;
}

static void resume(unsigned int con)
{
	writel(con & ~I2CCON_PEND, i2c + I2CCON);
}

static int mpu_write(unsigned char reg, unsigned char val)
{
	writel(I2CCON_BASE, i2c + I2CCON);
	writel(MPU_ADDR << 1, i2c + I2CDS);
	writel(MTX_START, i2c + I2CSTAT);
	if (wait_pending() || (readl(i2c + I2CSTAT) & 1))
		goto nack;
	writel(reg, i2c + I2CDS);
	resume(I2CCON_BASE);
	if (wait_pending())
		goto nack;
	writel(val, i2c + I2CDS);
	resume(I2CCON_BASE);
	if (wait_pending())
		goto nack;
	writel(MTX_STOP, i2c + I2CSTAT);
	resume(I2CCON_BASE);
	return 0;
nack:
	writel(MTX_STOP, i2c + I2CSTAT);
	resume(I2CCON_BASE);
	return -ENXIO;
}

static int mpu_read(unsigned char reg, unsigned char *buf, int len)
{
	int i;

	writel(I2CCON_BASE, i2c + I2CCON);
	writel(MPU_ADDR << 1, i2c + I2CDS);
	writel(MTX_START, i2c + I2CSTAT);
	if (wait_pending() || (readl(i2c + I2CSTAT) & 1))
		goto nack;
	writel(reg, i2c + I2CDS);
	resume(I2CCON_BASE);
	if (wait_pending())
		goto nack;
	writel(MPU_ADDR << 1 | 1, i2c + I2CDS);          /* repeated start, read */
	writel(MRX_START, i2c + I2CSTAT);
	resume(I2CCON_BASE);
	if (wait_pending() || (readl(i2c + I2CSTAT) & 1))
		goto nack;
	for (i = 0; i < len; i++) {
		/* ACK every byte but the last */
		resume(i + 1 < len ? I2CCON_BASE : I2CCON_BASE & ~I2CCON_ACKEN);
		if (wait_pending())
			goto nack;
		buf[i] = readl(i2c + I2CDS);
	}
	writel(MRX_STOP, i2c + I2CSTAT);
	resume(I2CCON_BASE);
	return 0;
nack:
	writel(MTX_STOP, i2c + I2CSTAT);
	resume(I2CCON_BASE);
	return -ENXIO;
}

static long mpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mpu6050_data data;
	unsigned char raw[14];
	int i, ret, id;

	switch (cmd) {
	case MPU6050_WHO_AM_I:
		ret = mpu_read(WHO_AM_I, raw, 1);
		if (ret)
			return ret;
		id = raw[0];
		return copy_to_user((void __user *)arg, &id, sizeof(id)) ? -EFAULT : 0;
	case MPU6050_READ:
		ret = mpu_read(ACCEL_XOUT_H, raw, 14);
		if (ret)
			return ret;
		for (i = 0; i < 3; i++) {
			data.accel[i] = raw[2 * i] << 8 | raw[2 * i + 1];
			data.gyro[i] = raw[8 + 2 * i] << 8 | raw[8 + 2 * i + 1];
		}
		data.temp = raw[6] << 8 | raw[7];
		return copy_to_user((void __user *)arg, &data, sizeof(data)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static int mpu_open(struct inode *inode, struct file *file)
{
	return 0;
}

static int mpu_release(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations mpu_fops = {
	.owner = THIS_MODULE,
	.open = mpu_open,
	.release = mpu_release,
	.unlocked_ioctl = mpu_ioctl,
};

static int __init mpu_init(void)
{
	dev_t devno = MKDEV(MPU6050_MAJOR, 0);
	unsigned char id;
	int ret;

	i2c = ioremap(I2C5_BASE, 0x14);
	gpbcon = ioremap(GPBCON, 4);
	if (!i2c || !gpbcon) {
		ret = -ENOMEM;
		goto out_unmap;
	}
	/* GPB_2 = I2C_5_SDA, GPB_3 = I2C_5_SCL (function 3) */
	writel((readl(gpbcon) & ~(0xFF << 8)) | (0x33 << 8), gpbcon);
	ret = mpu_read(WHO_AM_I, &id, 1);
	if (ret) {
		printk(KERN_ERR "mpu6050: no answer at 0x%x on i2c5\n", MPU_ADDR);
		goto out_unmap;
	}
	mpu_write(PWR_MGMT_1, 0x00);          /* wake up */
	mpu_write(SMPLRT_DIV, 0x07);
	mpu_write(CONFIG, 0x06);
	mpu_write(GYRO_CONFIG, 0x00);         /* +-250 deg/s */
	mpu_write(ACCEL_CONFIG, 0x00);        /* +-2 g */

	ret = register_chrdev_region(devno, 1, "mpu6050");
	if (ret)
		goto out_unmap;
	cdev_init(&mpu_cdev, &mpu_fops);
	mpu_cdev.owner = THIS_MODULE;
	ret = cdev_add(&mpu_cdev, devno, 1);
	if (ret) {
		unregister_chrdev_region(devno, 1);
		goto out_unmap;
	}
	printk(KERN_INFO "mpu6050: WHO_AM_I 0x%02x on i2c5\n", id);
	return 0;

out_unmap:
	if (gpbcon)
		iounmap(gpbcon);
	if (i2c)
		iounmap(i2c);
	return ret;
}

static void __exit mpu_exit(void)
{
	mpu_write(PWR_MGMT_1, 0x40);          /* back to sleep */
	cdev_del(&mpu_cdev);
	unregister_chrdev_region(MKDEV(MPU6050_MAJOR, 0), 1);
	iounmap(gpbcon);
	iounmap(i2c);
}

module_init(mpu_init);
module_exit(mpu_exit);
MODULE_LICENSE("GPL");
