/*
 * fasync_app DEVICE N [SIG [self]]: the course's SIGIO app. It asks the driver for asynchronous
 * notification (fcntl F_SETOWN + O_ASYNC; F_SETSIG SIG with a SA_SIGINFO handler when SIG
 * is given), then waits; the handler reads each key the driver signals, without blocking
 * (O_NONBLOCK), and the program ends after N keys. With "self" it first writes key 7 to
 * the device itself (the driver signals it from that write: the handler runs before
 * write() returns).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;
static volatile sig_atomic_t keys;

static void on_sigio(int signo, siginfo_t *info, void *uc)
{
	char line[96];
	int key;

	if (read(fd, &key, sizeof(key)) != sizeof(key))
		return;
	keys++;
	snprintf(line, sizeof(line), "signal %d (si_code %d, band %#lx, fd %d): key %d pressed\n",
		 signo, info->si_code, (long)info->si_band, info->si_fd, key);
	write(1, line, strlen(line));
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int n, sig, key, flags;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEVICE N [SIG]\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	sig = argc > 3 ? atoi(argv[3]) : SIGIO;
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigio;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
	fcntl(fd, F_SETOWN, getpid());
	if (argc > 3)
		fcntl(fd, F_SETSIG, sig);
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK);
	printf("owner %d, flags %#x, sig %d\n", fcntl(fd, F_GETOWN), fcntl(fd, F_GETFL),
	       fcntl(fd, F_GETSIG));
	if (read(fd, &key, sizeof(key)) < 0)
		printf("no key yet: %s\n", strerror(errno));
	fflush(stdout);
	if (argc > 4 && !strcmp(argv[4], "self")) {
		key = 7;
		write(fd, &key, sizeof(key));
		printf("after write\n");
		fflush(stdout);
	}
	while (keys < n)
		pause();
	fcntl(fd, F_SETFL, flags);
	close(fd);
	printf("done after %d keys\n", keys);
	return 0;
}
