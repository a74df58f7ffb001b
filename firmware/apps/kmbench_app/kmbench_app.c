/*
 * kmbench_app DEV N [kmalloc|cache|pages] - benchmark of the emulated kernel allocators.
 *
 * Opens DEV (the device node of kmbench.ko; its major is in dmesg and /proc/devices) and
 * asks the driver, with one ioctl, to do N allocation + free pairs in the kernel: kmalloc
 * + kfree (the default), kmem_cache_alloc + kmem_cache_free, or alloc_pages + __free_pages.
 * Prints "N kmalloc/kfree pairs" (or "N kmem_cache pairs", "N page pairs").
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

#include "kmbench.h"

int main(int argc, char *argv[])
{
	static const struct { const char *name; unsigned long cmd; const char *what; } kinds[] = {
		{"kmalloc", KMBENCH_RUN, "kmalloc/kfree"},
		{"cache", KMBENCH_CACHE, "kmem_cache"},
		{"pages", KMBENCH_PAGES, "page"},
	};
	unsigned long n;
	unsigned int k = 0;
	char *end;
	int fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s DEV N [kmalloc|cache|pages]\n", argv[0]);
		return 2;
	}
	if (argc == 4) {
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(argv[3], kinds[k].name) == 0)
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0])) {
			fprintf(stderr, "%s: unknown benchmark '%s'\n", argv[0], argv[3]);
			return 2;
		}
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

	if (ioctl(fd, kinds[k].cmd, n) < 0) {
		perror("ioctl");
		close(fd);
		return 1;
	}

	close(fd);
	printf("%lu %s pairs\n", n, kinds[k].what);
	return 0;
}
