/*
 * mpu6050i2c_app - read the MPU6050 through /dev/mpu6050 (mpu6050i2c.ko) COUNT times
 * (default 1):   mpu6050i2c_app DEV [COUNT]
 * prints "accel x y z mg", "gyro x y z mdps" and "temp T mC", scaled for the ranges the
 * driver sets (+-16 g: 2048 LSB/g; +-2000 deg/s: 16.4 LSB/(deg/s)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mpu6050i2c.h"

int main(int argc, char *argv[])
{
	union mpu6050_data d;
	int fd, i, count;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DEV [COUNT]\n", argv[0]);
		return 1;
	}
	count = argc > 2 ? atoi(argv[2]) : 1;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < count; i++) {
		if (ioctl(fd, GET_ACCEL, &d) < 0) {
			printf("GET_ACCEL: %s\n", strerror(errno));
			return 3;
		}
		printf("accel %d %d %d mg\n", d.accel.x * 1000 / 2048, d.accel.y * 1000 / 2048,
		       d.accel.z * 1000 / 2048);
		if (ioctl(fd, GET_GYRO, &d) < 0) {
			printf("GET_GYRO: %s\n", strerror(errno));
			return 3;
		}
		printf("gyro %d %d %d mdps\n", d.gyro.x * 10000 / 164, d.gyro.y * 10000 / 164,
		       d.gyro.z * 10000 / 164);
		if (ioctl(fd, GET_TEMP, &d) < 0) {
			printf("GET_TEMP: %s\n", strerror(errno));
			return 3;
		}
		printf("temp %d mC\n", (short)d.temp * 100 / 34 + 36530);
		if (i + 1 < count)
			usleep(100000);
	}
	close(fd);
	return 0;
}
