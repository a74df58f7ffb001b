/* /dev/mpu6050 (mpu6050i2c.ko): the course's ioctls, each returning three raw words. */
#ifndef MPU6050I2C_H
#define MPU6050I2C_H

union mpu6050_data {
	struct {
		short x, y, z;
	} accel;                /* +-16 g full scale (ACCEL_CONFIG 0x19): 2048 LSB/g */
	struct {
		short x, y, z;
	} gyro;                 /* +-2000 deg/s full scale (GYRO_CONFIG 0xF8): 16.4 LSB/(deg/s) */
	unsigned short temp;    /* degrees C = (short)temp / 340 + 36.53 */
};

#define MPU6050_MAGIC	'K'
#define GET_ACCEL	_IOR(MPU6050_MAGIC, 0, union mpu6050_data)
#define GET_GYRO	_IOR(MPU6050_MAGIC, 1, union mpu6050_data)
#define GET_TEMP	_IOR(MPU6050_MAGIC, 2, union mpu6050_data)

#endif
