/*
 * beeper_app - drive /dev/beeper (beeper.ko):
 *   beeper_app DEV on [FREQ]    sound FREQ Hz (default 1000)
 *   beeper_app DEV off          silence
 *   beeper_app DEV music        play a scale and a short tune, then stop
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "beeper.h"

/* C4 major scale up, then "Twinkle, twinkle" (notes in Hz, 0 = rest), 200 ms each. */
static const int tune[] = {
	262, 294, 330, 349, 392, 440, 494, 523, 0,
	262, 262, 392, 392, 440, 440, 392, 0,
	349, 349, 330, 330, 294, 294, 262, 0,
};

static int play(int fd)
{
	unsigned int i;

	for (i = 0; i < sizeof(tune) / sizeof(tune[0]); i++) {
		if (tune[i]) {
			if (ioctl(fd, BEEP_FREQ, tune[i]) < 0 || ioctl(fd, BEEP_ON) < 0)
				return -1;
		} else if (ioctl(fd, BEEP_OFF) < 0) {
			return -1;
		}
		usleep(200000);
	}
	return ioctl(fd, BEEP_OFF);
}

int main(int argc, char *argv[])
{
	int fd, ret = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEV on [FREQ] | off | music\n", argv[0]);
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (!strcmp(argv[2], "on")) {
		int freq = argc > 3 ? atoi(argv[3]) : 1000;
		ret = ioctl(fd, BEEP_FREQ, freq) | ioctl(fd, BEEP_ON);
	} else if (!strcmp(argv[2], "off")) {
		ret = ioctl(fd, BEEP_OFF);
	} else if (!strcmp(argv[2], "music")) {
		ret = play(fd);
	} else {
		fprintf(stderr, "%s: unknown command %s\n", argv[0], argv[2]);
		ret = 1;
	}
	if (ret)
		perror("ioctl");
	close(fd);
	return ret ? 3 : 0;
}
