/*
 * ledctl - the ci-example's program: switch the FS4412 LEDs through /dev/fsled.
 *
 *   ledctl DEVICE on|off N     LED N (2-5) on or off
 *   ledctl DEVICE chase        each LED on, then off, in turn
 *
 * Exit status: 0 done, 1 usage, 2 cannot open DEVICE, 3 the driver refused an ioctl.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fsled.h"

static int set(int fd, int on, int n)
{
	if (ioctl(fd, on ? FSLED_ON : FSLED_OFF, n) < 0) {
		perror("ledctl: ioctl");
		return 3;
	}
	printf("LED%d %s\n", n, on ? "on" : "off");
	return 0;
}

int main(int argc, char *argv[])
{
	int fd, n, status = 0;

	if (argc < 3 || (strcmp(argv[2], "chase") && argc < 4)) {
		fprintf(stderr, "usage: ledctl DEVICE on|off N | ledctl DEVICE chase\n");
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (!strcmp(argv[2], "chase")) {
		for (n = 2; n <= 5 && !status; n++)
			status = set(fd, 1, n) || set(fd, 0, n) ? 3 : 0;
	} else {
		status = set(fd, !strcmp(argv[2], "on"), atoi(argv[3]));
	}
	close(fd);
	return status;
}
