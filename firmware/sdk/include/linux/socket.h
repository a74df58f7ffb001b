#ifndef _LINUX_SOCKET_H
#define _LINUX_SOCKET_H

/*
 * Socket address families and the generic socket address (Linux 3.14 include/linux/socket.h
 * names).  The emulated board has no network stack: these are for code that formats or
 * parses addresses (printk's %pI4/%pIS, ...).
 */

#include <linux/types.h>

typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t	sa_family;	/* address family, AF_xxx */
	char		sa_data[14];	/* 14 bytes of protocol address */
};

#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_LOCAL	1
#define AF_INET		2
#define AF_INET6	10
#define AF_PACKET	17

#define PF_UNSPEC	AF_UNSPEC
#define PF_UNIX		AF_UNIX
#define PF_LOCAL	AF_LOCAL
#define PF_INET		AF_INET
#define PF_INET6	AF_INET6
#define PF_PACKET	AF_PACKET

#endif /* _LINUX_SOCKET_H */
