#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

/*
 * Linux 3.14 task-state constants, and (issue 12) current, struct task_struct's fields
 * drivers use, schedule() and friends.
 */

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/wait.h>
#include <linux/signal.h>
#include <linux/jiffies.h>	/* HZ, as 3.14's sched.h has it */
#include <linux/timer.h>

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

/* -- tasks and sleeping (issue 12) -- */
#include <asm/current.h>

/*
 * The board's 3.14 struct task_struct is 960 bytes; the fields drivers read are declared at
 * their offsets (emulator/kernel/abi.py TASK_STRUCT), the rest is padding.
 */
struct task_struct {
	volatile long state;		/* -1 unrunnable, 0 runnable, >0 stopped */
	void *stack;			/* the thread_info / kernel stack */
	char __pad_stack[448];
	pid_t pid;
	pid_t tgid;
	char __pad_tgid[216];
	char comm[TASK_COMM_LEN];	/* executable name without the path */
	char __pad_comm[264];
};

#define __set_current_state(state_value)	\
	do { current->state = (state_value); } while (0)
#define set_current_state(state_value)		\
	do { current->state = (state_value); __asm__ __volatile__("dmb" : : : "memory"); } while (0)

#define TIF_SIGPENDING		0
static inline int signal_pending(struct task_struct *p)
{
	return ((struct thread_info *)p->stack)->flags & (1 << TIF_SIGPENDING);
}

static inline pid_t task_pid_nr(struct task_struct *tsk)
{
	return tsk->pid;
}

extern void schedule(void);
extern long schedule_timeout(long timeout);
extern int wake_up_process(struct task_struct *tsk);

#endif /* _LINUX_SCHED_H */
