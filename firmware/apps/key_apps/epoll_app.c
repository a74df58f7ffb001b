/*
 * epoll_app DEVICE N: wait for keys with epoll (a one-second epoll_wait timeout) and stop
 * after N keys; print "timeout" when a second passes without a key, the event, its data
 * and the key otherwise.  First it checks epoll_ctl's errors (EEXIST, ENOENT, EPERM,
 * EINVAL; EPOLLET, which the emulator refuses) and prints them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static void check(const char *what, int ret)
{
	printf("%s: %d (%s)\n", what, ret, ret < 0 ? strerror(errno) : "ok");
}

int main(int argc, char **argv)
{
	struct epoll_event ev, ready[4];
	int fd, ep, file, key, n = 0, limit = argc > 2 ? atoi(argv[2]) : 1;

	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("epoll_create1");
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = 0x1234567800000000ULL | (unsigned)fd;
	check("add", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	check("add again", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	check("del unknown", epoll_ctl(ep, EPOLL_CTL_DEL, 0 == fd ? 1 : 0, &ev));
	file = open(argv[0], O_RDONLY);	/* a regular file: no ->poll */
	check("add regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev));
	check("add itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	check("create(0)", epoll_create(0));
	ev.events = EPOLLIN | EPOLLET;
	check("mod EPOLLET", epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
	fflush(stdout);
	while (n < limit) {
		int got = epoll_wait(ep, ready, 4, 1000);

		if (got < 0) {
			perror("epoll_wait");
			return 1;
		}
		if (got == 0) {
			printf("timeout\n");
			fflush(stdout);
			continue;
		}
		if (read(fd, &key, sizeof(key)) != sizeof(key)) {
			perror("read");
			return 1;
		}
		printf("epoll: %d ready, events %#x, data %#llx: key %d\n", got, ready[0].events,
		       (unsigned long long)ready[0].data.u64, key);
		fflush(stdout);
		n++;
	}
	return 0;
}
