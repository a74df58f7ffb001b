#ifndef _LINUX_IN_H
#define _LINUX_IN_H

/*
 * IPv4 addresses (Linux 3.14 include/uapi/linux/in.h names): struct in_addr and the 16-byte
 * struct sockaddr_in, in network byte order.
 */

#include <linux/types.h>
#include <linux/socket.h>
#include <asm/byteorder.h>

enum {
	IPPROTO_IP = 0,
	IPPROTO_ICMP = 1,
	IPPROTO_TCP = 6,
	IPPROTO_UDP = 17,
};

struct in_addr {
	__be32	s_addr;
};

#define __SOCK_SIZE__	16		/* sizeof(struct sockaddr) */

struct sockaddr_in {
	sa_family_t	sin_family;	/* AF_INET */
	__be16		sin_port;	/* port number */
	struct in_addr	sin_addr;	/* internet address */
	unsigned char	__pad[__SOCK_SIZE__ - sizeof(short int) -
			      sizeof(unsigned short int) - sizeof(struct in_addr)];
};

#define INADDR_ANY		((unsigned long int) 0x00000000)
#define INADDR_BROADCAST	((unsigned long int) 0xffffffff)
#define INADDR_LOOPBACK		0x7f000001	/* 127.0.0.1 */

#endif /* _LINUX_IN_H */
