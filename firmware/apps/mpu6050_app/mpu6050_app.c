/*
 * mpu6050_app - read the MPU6050 through /dev/mpu6050 (mpu6050.ko) COUNT times (default 1):
 *   mpu6050_app DEV [COUNT]
 * prints "accel x y z (mg)", "gyro x y z (mdps)" and "temp T (mC)" from the raw words with
 * the datasheet's scales at the driver's ranges (+-2 g, +-250 deg/s).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mpu6050.h"

int main(int argc, char *argv[])
{
	struct mpu6050_data d;
	int fd, i, count, id;

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
	if (ioctl(fd, MPU6050_WHO_AM_I, &id) < 0) {
		perror("ioctl");
		return 3;
	}
	printf("WHO_AM_I 0x%02x\n", id);
	for (i = 0; i < count; i++) {
		if (ioctl(fd, MPU6050_READ, &d) < 0) {
			perror("ioctl");
			return 3;
		}
		printf("accel %d %d %d mg\n", d.accel[0] * 1000 / 16384, d.accel[1] * 1000 / 16384,
		       d.accel[2] * 1000 / 16384);
		printf("gyro %d %d %d mdps\n", d.gyro[0] * 1000 / 131, d.gyro[1] * 1000 / 131,
		       d.gyro[2] * 1000 / 131);
		printf("temp %d mC\n", d.temp * 100 / 34 + 36530);
		if (i + 1 < count)
			usleep(100000);
	}
	close(fd);
	return 0;
}
