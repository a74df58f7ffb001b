#ifndef _LINUX_CRC16_H
#define _LINUX_CRC16_H

/* CRC-16 (lib/crc16.c): polynomial x^16 + x^15 + x^2 + 1, reflected (0xa001). */

#include <linux/types.h>

extern u16 crc16(u16 crc, const u8 *buffer, size_t len);

#endif /* _LINUX_CRC16_H */
