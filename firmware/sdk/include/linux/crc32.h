#ifndef _LINUX_CRC32_H
#define _LINUX_CRC32_H

/*
 * CRC-32 (lib/crc32.c): crc32_le/crc32() reflected (poly 0xedb88320), crc32_be normal
 * (0x04c11db7), __crc32c_le Castagnoli.  No inversion in or out: crc32(~0, p, n) ^ ~0 is
 * the CRC of zlib and Ethernet.
 */

#include <linux/types.h>

extern u32 crc32_le(u32 crc, unsigned char const *p, size_t len);
extern u32 crc32_be(u32 crc, unsigned char const *p, size_t len);
extern u32 __crc32c_le(u32 crc, unsigned char const *p, size_t len);

#define crc32(seed, data, length)  crc32_le(seed, (unsigned char const *)(data), length)
#define crc32c_le __crc32c_le

#endif /* _LINUX_CRC32_H */
