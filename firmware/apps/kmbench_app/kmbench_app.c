/*
 * kmbench_app DEV N - benchmark of the emulated slab allocator.
 *
 * Opens DEV (the device node of kmbench.ko; its major is in dmesg and /proc/devices) and
 * asks the driver, with one ioctl, to do N kmalloc + kfree pairs in the kernel.  Prints
 * "N kmalloc/kfree pairs".
 * Exit status: 0 done, 1 the ioctl failed, 2 bad arguments, 3 DEV cannot be opened.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

#include "kmbench.h"

int main(int argc, char *argv[])
{
	unsigned long n;
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

	if (ioctl(fd, KMBENCH_RUN, n) < 0) {
		perror("ioctl");
		close(fd);
		return 1;
	}

	close(fd);
	printf("%lu kmalloc/kfree pairs\n", n);
	return 0;
}
