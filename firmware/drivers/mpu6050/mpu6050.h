/* /dev/mpu6050 (mpu6050.ko): ioctls returning the raw sensor words. */
#ifndef MPU6050_H
#define MPU6050_H

#define MPU6050_MAJOR 253

struct mpu6050_data {
	short accel[3];         /* +-2 g full scale: 16384 LSB/g */
	short temp;             /* degrees C = temp / 340 + 36.53 */
	short gyro[3];          /* +-250 deg/s full scale: 131 LSB/(deg/s) */
};

#define MPU6050_READ     _IOR('M', 0, struct mpu6050_data)
#define MPU6050_WHO_AM_I _IOR('M', 1, int)

#endif
