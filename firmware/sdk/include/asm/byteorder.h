#ifndef __ASM_ARM_BYTEORDER_H
#define __ASM_ARM_BYTEORDER_H

/*
 * The board is little-endian (ARM EABI, Linux 3.14 <linux/byteorder/little_endian.h>
 * names): cpu_to_le* are identities, cpu_to_be* swap bytes; htonl() & co. are the network
 * (big-endian) forms.
 */

#include <linux/types.h>

#define __swab16(x)	((__u16)__builtin_bswap16((__u16)(x)))
#define __swab32(x)	((__u32)__builtin_bswap32((__u32)(x)))
#define __swab64(x)	((__u64)__builtin_bswap64((__u64)(x)))
#define swab16		__swab16
#define swab32		__swab32
#define swab64		__swab64

#define cpu_to_le16(x)	((__force __le16)(__u16)(x))
#define cpu_to_le32(x)	((__force __le32)(__u32)(x))
#define cpu_to_le64(x)	((__force __le64)(__u64)(x))
#define le16_to_cpu(x)	((__force __u16)(__le16)(x))
#define le32_to_cpu(x)	((__force __u32)(__le32)(x))
#define le64_to_cpu(x)	((__force __u64)(__le64)(x))
#define cpu_to_be16(x)	((__force __be16)__swab16(x))
#define cpu_to_be32(x)	((__force __be32)__swab32(x))
#define cpu_to_be64(x)	((__force __be64)__swab64(x))
#define be16_to_cpu(x)	__swab16((__force __u16)(__be16)(x))
#define be32_to_cpu(x)	__swab32((__force __u32)(__be32)(x))
#define be64_to_cpu(x)	__swab64((__force __u64)(__be64)(x))

#define htonl(x)	cpu_to_be32(x)
#define htons(x)	cpu_to_be16(x)
#define ntohl(x)	be32_to_cpu(x)
#define ntohs(x)	be16_to_cpu(x)

#endif /* __ASM_ARM_BYTEORDER_H */
