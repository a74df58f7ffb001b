/* kbufmmap_app DEV [ro]: prints the shared page, writes to it, reads it back with read();
 * "ro" opens the device read-only and asks for a writable shared mapping (EACCES). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char back[64] = "";
	int ro = argc > 2;
	int fd = open(argv[1], ro ? O_RDONLY : O_RDWR);
	if (fd < 0) { perror("open"); return 1; }
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) { printf("mmap: %s\n", strerror(errno)); return 2; }
	printf("user sees: %s\n", p);
	strcpy(p, "hello from user space");
	read(fd, back, sizeof(back) - 1);
	printf("kernel sees: %s\n", back);
	return 0;
}
