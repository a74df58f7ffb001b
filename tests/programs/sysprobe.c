/*
 * sysprobe - exercises the emulated kernel's system calls and reports what it sees, one
 * line per check, so tests can compare with what Linux does.
 *   sysprobe errno PATH      open(PATH) and print the errno name (or "ok")
 *   sysprobe efault          write(1) from an unmapped address: expect EFAULT
 *   sysprobe proc PATH       read a /proc file through open/read and print it
 *   sysprobe writev          two iovecs to stdout
 *   sysprobe segv ADDR       read a word at ADDR (hex): a kernel address must kill us
 *   sysprobe ioctl PATH CMD  ioctl(PATH, CMD) and print the result and errno name
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *name(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case EFAULT: return "EFAULT";
	case ENOTTY: return "ENOTTY";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	default: return "other";
	}
}

int main(int argc, char *argv[])
{
	if (argc >= 3 && !strcmp(argv[1], "errno")) {
		int fd = open(argv[2], O_RDONLY);
		printf("open %s: %s\n", argv[2], fd < 0 ? name(errno) : "ok");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "efault")) {
		ssize_t n = write(1, (void *)0x1000, 4);
		printf("write: %zd %s\n", n, n < 0 ? name(errno) : "ok");
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "proc")) {
		char buf[4096];
		int fd = open(argv[2], O_RDONLY);
		ssize_t n;
		if (fd < 0) {
			printf("open: %s\n", name(errno));
			return 1;
		}
		while ((n = read(fd, buf, sizeof buf)) > 0)
			fwrite(buf, 1, n, stdout);
		close(fd);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "writev")) {
		struct iovec iov[2] = { { "hello, ", 7 }, { "world\n", 6 } };
		fflush(stdout);
		printf("writev: %zd\n", writev(1, iov, 2));
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "segv")) {
		volatile unsigned int *p = (unsigned int *)strtoul(argv[2], NULL, 16);
		printf("reading %p\n", (void *)p);
		fflush(stdout);
		printf("read %x\n", *p);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "ioctl")) {
		int fd = open(argv[2], O_RDONLY);
		int r = ioctl(fd, strtoul(argv[3], NULL, 0), 2);
		printf("ioctl: %d %s\n", r, r < 0 ? name(errno) : "ok");
		return 0;
	}
	fprintf(stderr, "usage: sysprobe errno|efault|proc|writev|segv|ioctl ...\n");
	return 2;
}
