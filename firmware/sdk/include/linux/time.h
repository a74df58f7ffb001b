#ifndef _LINUX_TIME_H
#define _LINUX_TIME_H

/*
 * Time units and struct timeval (Linux 3.14 include/linux/time.h, uapi/linux/time.h).
 * struct timespec is declared in <linux/fs.h> with the inode that uses it.
 */

#include <linux/types.h>

#define MSEC_PER_SEC	1000L
#define USEC_PER_MSEC	1000L
#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L
#define USEC_PER_SEC	1000000L
#define NSEC_PER_SEC	1000000000L

struct timeval {
	long	tv_sec;		/* seconds */
	long	tv_usec;	/* microseconds */
};

struct timespec;

/* kernel/time.c: nanoseconds to seconds + remainder, rounded down (3.14's ktime_to_us of a
 * board-tree build calls ns_to_timeval) */
extern struct timespec ns_to_timespec(const s64 nsec);
extern struct timeval ns_to_timeval(const s64 nsec);

#endif /* _LINUX_TIME_H */
