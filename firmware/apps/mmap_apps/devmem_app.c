/* devmem_app ADDR [VALUE]: maps the page of ADDR from /dev/mem, reads (or writes) a word. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long addr = strtoul(argv[1], NULL, 0);
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) { printf("open: %s\n", strerror(errno)); return 1; }
	volatile uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				      addr & ~4095UL);
	if (page == MAP_FAILED) { printf("mmap: %s\n", strerror(errno)); return 2; }
	volatile uint32_t *reg = (volatile uint32_t *)(page + (addr & 4095));
	if (argc > 2)
		*reg = strtoul(argv[2], NULL, 0);
	printf("%08lx: %08x\n", addr, *reg);
	return 0;
}
