#ifndef _ASM_ARM_CURRENT_H
#define _ASM_ARM_CURRENT_H

/* Linux 3.14 include/asm-generic/current.h as ARM uses it: the task of the kernel stack. */

#include <linux/thread_info.h>

#define get_current()	(current_thread_info()->task)
#define current		get_current()

#endif /* _ASM_ARM_CURRENT_H */
