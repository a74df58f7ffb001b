/* killread DEVICE: one blocking read; report what read() returned (unbuffered). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[64];
	int key, fd = open(argv[1], O_RDONLY);
	int n = read(fd, &key, sizeof(key));

	snprintf(line, sizeof(line), "read returned %d\n", n);
	write(1, line, strlen(line));
	return 0;
}
