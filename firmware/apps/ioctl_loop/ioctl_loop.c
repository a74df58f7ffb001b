/*
 * ioctl_loop DEV N - benchmark of the syscall -> chrdev -> driver path.
 *
 * Opens DEV (the LED driver's device node, e.g. /dev/leddev), issues N ioctls that
 * alternate MY_LED_ON and MY_LED_OFF on LED 2 (the first one turns it on, so LED 2 ends
 * on when N is odd, off when N is even), closes DEV and prints "N ioctls".
 * Exit status: 0 done, 1 an ioctl failed, 2 bad arguments, 3 DEV cannot be opened.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

#include "leddrv.h"

#define LED_NO 2

int main(int argc, char *argv[])
{
	unsigned long n, i;
	char *end;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEV N\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[2], &end, 0);
	if (argv[2][0] == '\0' || argv[2][0] == '-' || *end != '\0') {
		fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[2]);
		return 2;
	}

	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 3;
	}

	for (i = 0; i < n; i++) {
		if (ioctl(fd, (i & 1) ? MY_LED_OFF : MY_LED_ON, LED_NO) < 0) {
			perror("ioctl");
			close(fd);
			return 1;
		}
	}

	close(fd);
	printf("%lu ioctls\n", n);
	return 0;
}
