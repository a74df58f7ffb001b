/* key_app DEVICE [N]: print each key the driver reports; stop after N keys (default: never). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, key, n, limit = argc > 2 ? atoi(argv[2]) : -1;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DEVICE [N]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (n = 0; limit < 0 || n < limit; n++) {
		if (read(fd, &key, sizeof(key)) != sizeof(key)) {
			perror("read");
			return 1;
		}
		printf("key %d pressed\n", key);
		fflush(stdout);
	}
	close(fd);
	return 0;
}
