/*
 * key_poll_app DEVICE poll|select N: wait for keys with poll() or select() and a one-second
 * timeout; print "timeout" when a second passes without a key, the key otherwise; stop
 * after N keys.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int wait_key(int fd, int use_select)
{
	if (use_select) {
		fd_set rfds;
		struct timeval tv = { 1, 0 };

		FD_ZERO(&rfds);
		FD_SET(fd, &rfds);
		return select(fd + 1, &rfds, NULL, NULL, &tv) > 0 && FD_ISSET(fd, &rfds);
	} else {
		struct pollfd pfd = { fd, POLLIN, 0 };

		return poll(&pfd, 1, 1000) > 0 && (pfd.revents & POLLIN);
	}
}

int main(int argc, char **argv)
{
	int fd, key, n = 0, limit = argc > 3 ? atoi(argv[3]) : 1;
	int use_select = argc > 2 && strcmp(argv[2], "select") == 0;

	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	while (n < limit) {
		if (!wait_key(fd, use_select)) {
			printf("timeout\n");
			fflush(stdout);
			continue;
		}
		if (read(fd, &key, sizeof(key)) != sizeof(key)) {
			perror("read");
			return 1;
		}
		printf("%s: key %d\n", use_select ? "select" : "poll", key);
		fflush(stdout);
		n++;
	}
	return 0;
}
