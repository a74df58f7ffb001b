#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

/*
 * Linux 3.14 task-state constants.  The emu4412 kernel does not export the scheduler
 * (schedule(), current, signal_pending(), ...), so only these are available.
 */

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/wait.h>

struct task_struct;

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2
#define __TASK_STOPPED		4
#define __TASK_TRACED		8
#define EXIT_ZOMBIE		16
#define EXIT_DEAD		32
#define TASK_DEAD		64
#define TASK_WAKEKILL		128
#define TASK_WAKING		256
#define TASK_PARKED		512
#define TASK_STATE_MAX		1024

#define TASK_KILLABLE		(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_STOPPED		(TASK_WAKEKILL | __TASK_STOPPED)
#define TASK_TRACED		(TASK_WAKEKILL | __TASK_TRACED)

#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_ALL		(TASK_NORMAL | __TASK_STOPPED | __TASK_TRACED)

#define TASK_COMM_LEN 16

#define	MAX_SCHEDULE_TIMEOUT	LONG_MAX

/* Modules run to completion on the emulated board: nothing to yield to. */
#define cond_resched()		({ 0; })

#endif /* _LINUX_SCHED_H */
