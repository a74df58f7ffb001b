#ifndef _LINUX_HEXDUMP_H
#define _LINUX_HEXDUMP_H

/*
 * Hex dumps (lib/hexdump.c), as Linux 3.14 declares them in <linux/printk.h> (which
 * includes this file): one row of 16 or 32 bytes per line, grouped by 1, 2, 4 or 8 bytes,
 * optionally followed by the printable characters.
 */

#include <linux/types.h>

enum {
	DUMP_PREFIX_NONE,
	DUMP_PREFIX_ADDRESS,
	DUMP_PREFIX_OFFSET
};

extern void hex_dump_to_buffer(const void *buf, size_t len, int rowsize, int groupsize,
			       char *linebuf, size_t linebuflen, bool ascii);
extern void print_hex_dump(const char *level, const char *prefix_str, int prefix_type,
			   int rowsize, int groupsize, const void *buf, size_t len, bool ascii);
extern void print_hex_dump_bytes(const char *prefix_str, int prefix_type,
				 const void *buf, size_t len);

#endif /* _LINUX_HEXDUMP_H */
