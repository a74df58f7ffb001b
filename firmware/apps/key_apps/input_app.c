/* input_app DEVICE [N] [poll]: print each key event an input device reports (the course's
 * /dev/input/event0 reader); stop after N key events (default: never). With "poll", wait
 * in poll() before each read. */
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct input_event ev;
	char name[64] = "?";
	int fd, n = 0, limit = argc > 2 ? atoi(argv[2]) : -1;
	int use_poll = argc > 3 && strcmp(argv[3], "poll") == 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DEVICE [N] [poll]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ioctl(fd, EVIOCGNAME(sizeof(name)), name);
	printf("%s: %s\n", argv[1], name);
	fflush(stdout);
	while (limit < 0 || n < limit) {
		if (use_poll) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, -1) != 1 || !(p.revents & POLLIN)) {
				perror("poll");
				return 1;
			}
		}
		if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			perror("read");
			return 1;
		}
		if (ev.type == EV_KEY) {
			printf("%ld.%06ld key %d %s\n", (long)ev.time.tv_sec, (long)ev.time.tv_usec,
			       ev.code, ev.value ? "pressed" : "released");
			fflush(stdout);
			n++;
		} else if (ev.type == EV_SYN && ev.code == SYN_DROPPED) {
			printf("dropped\n");
		}
	}
	close(fd);
	return 0;
}
