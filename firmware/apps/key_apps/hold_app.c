/* hold_app DEVICE SECONDS [r|w VALUE]: open DEVICE (blocking), hold it SECONDS, close it;
 * with r: read an int from it first, with w VALUE: write VALUE to it first. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, v;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEVICE SECONDS [r|w VALUE]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("%d: opened\n", getpid());
	fflush(stdout);
	if (argc > 3 && argv[3][0] == 'r') {
		if (read(fd, &v, sizeof(v)) != sizeof(v)) {
			perror("read");
			return 1;
		}
		printf("%d: read %d\n", getpid(), v);
	} else if (argc > 4 && argv[3][0] == 'w') {
		v = atoi(argv[4]);
		if (write(fd, &v, sizeof(v)) != sizeof(v)) {
			perror("write");
			return 1;
		}
		printf("%d: wrote %d\n", getpid(), v);
	}
	fflush(stdout);
	sleep(atoi(argv[2]));
	close(fd);
	printf("%d: closed\n", getpid());
	return 0;
}
