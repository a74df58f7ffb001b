/* faultmmap_app DEV [beyond]: touches page 1, then page 0 of the mapping; writes to page 1,
 * reads the buffer back through read(); "beyond" touches the third page (SIGBUS). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char back[8192];
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) { perror("open"); return 1; }
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) { perror("mmap"); return 2; }
	printf("page1: %s\n", p + 4096);
	printf("page0: %s\n", p);
	strcpy(p + 4096, "written by user");
	if (argc > 2)
		printf("beyond: %d\n", p[2 * 4096]);
	munmap(p + 4096, 4096);		/* split: the VMA loses its middle page */
	read(fd, back, sizeof(back));
	printf("kernel sees: %s\n", back + 4096);
	munmap(p, 3 * 4096);
	close(fd);
	return 0;
}
