/* gpiommap_app DEV [on|off|big]: lights LED2 (gpx2-7) by storing to the mmap'd GPIO page. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 2 ? argv[2] : "on";
	int fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0) { perror("open"); return 1; }
	size_t len = strcmp(what, "big") == 0 ? 2 * 4096 : 4096;
	volatile uint8_t *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) { printf("mmap: %s\n", strerror(errno)); return 2; }
	volatile uint32_t *con = (volatile uint32_t *)(base + 0xC40);
	volatile uint32_t *dat = (volatile uint32_t *)(base + 0xC44);
	*con = (*con & ~0xF0000000u) | 0x10000000u;
	if (strcmp(what, "on") == 0)
		*dat |= 0x80;
	else
		*dat &= ~0x80u;
	printf("GPX2CON=%08x GPX2DAT=%02x\n", *con, *dat & 0xFF);
	close(fd);			/* the mapping keeps the file open */
	*dat = *dat;			/* still mapped after close */
	munmap((void *)base, len);
	return 0;
}
