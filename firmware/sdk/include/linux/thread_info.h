#ifndef _LINUX_THREAD_INFO_H
#define _LINUX_THREAD_INFO_H

/* The kernel stack of a task on ARM Linux 3.14: 8 KiB, struct thread_info at its base. */

#include <asm/thread_info.h>

#endif /* _LINUX_THREAD_INFO_H */
