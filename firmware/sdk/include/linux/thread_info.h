#ifndef _LINUX_THREAD_INFO_H
#define _LINUX_THREAD_INFO_H

/* The kernel stack of a task on ARM Linux 3.14: 8 KiB, struct thread_info at its base. */

#define THREAD_SIZE_ORDER	1
#define THREAD_SIZE		8192
#define THREAD_START_SP		(THREAD_SIZE - 8)

#endif /* _LINUX_THREAD_INFO_H */
