/*
 * wdt_app - feed the watchdog through /dev/wdt (wdt.ko) once a second, FEEDS times, then
 * stop feeding and exit (the board resets when the timeout runs out):
 *   wdt_app DEV FEEDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wdt.h"

int main(int argc, char *argv[])
{
	int fd, i, feeds;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEV FEEDS\n", argv[0]);
		return 1;
	}
	feeds = atoi(argv[2]);
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < feeds; i++) {
		if (ioctl(fd, WDT_KEEPALIVE) < 0) {
			perror("ioctl");
			return 3;
		}
		printf("wdt: fed %d\n", i + 1);
		sleep(1);
	}
	printf("wdt: no more feeding\n");
	close(fd);
	return 0;
}
