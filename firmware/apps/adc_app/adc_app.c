/*
 * adc_app - read the potentiometer through /dev/adc (adc.ko) COUNT times (default 1):
 *   adc_app DEV [COUNT]     prints "adc: 2048 (900 mV)" per reading
 * The FS4412's ADC reference is 1.8 V: mV = value * 1800 / 4095.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "adc.h"

int main(int argc, char *argv[])
{
	int fd, i, count, value;

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
		if (read(fd, &value, sizeof(value)) != sizeof(value)) {
			perror("read");
			close(fd);
			return 3;
		}
		printf("adc: %d (%d mV)\n", value, value * 1800 / 4095);
		if (i + 1 < count)
			usleep(100000);
	}
	close(fd);
	return 0;
}
