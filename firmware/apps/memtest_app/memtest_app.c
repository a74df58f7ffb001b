/*
 * memtest_app DEV mempool N | DEV kmalloc SIZE - drive memtest.ko's ioctls.
 *
 * mempool N: take N elements from the module's mempool (then give them back) and print
 * "mempool: N elements, R from the reserve, F failed".  kmalloc SIZE: have the module
 * kmalloc SIZE bytes and print what they held (in dmesg); prints "kmalloc SIZE: ok".
 * Exit status: 0 done, 1 the ioctl failed, 2 bad arguments, 3 DEV cannot be opened.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtest.h"

int main(int argc, char *argv[])
{
	unsigned long n;
	char *end;
	long ret;
	int fd;

	if (argc != 4 || (strcmp(argv[2], "mempool") && strcmp(argv[2], "kmalloc"))) {
		fprintf(stderr, "usage: %s DEV mempool N | DEV kmalloc SIZE\n", argv[0]);
		return 2;
	}
	n = strtoul(argv[3], &end, 0);
	if (argv[3][0] == '\0' || argv[3][0] == '-' || *end != '\0') {
		fprintf(stderr, "%s: bad number '%s'\n", argv[0], argv[3]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 3;
	}
	if (strcmp(argv[2], "mempool") == 0) {
		ret = ioctl(fd, MEMTEST_MEMPOOL, n);
		if (ret < 0) {
			perror("ioctl");
			close(fd);
			return 1;
		}
		printf("mempool: %lu elements, %ld from the reserve, %ld failed\n", n, ret >> 16,
		       ret & 0xffff);
	} else {
		if (ioctl(fd, MEMTEST_KMALLOC, n) < 0) {
			perror("ioctl");
			close(fd);
			return 1;
		}
		printf("kmalloc %lu: ok\n", n);
	}
	close(fd);
	return 0;
}
