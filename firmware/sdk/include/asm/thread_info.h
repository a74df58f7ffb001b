#ifndef __ASM_ARM_THREAD_INFO_H
#define __ASM_ARM_THREAD_INFO_H

/*
 * Linux 3.14 arch/arm/include/asm/thread_info.h: struct thread_info sits at the base of
 * the 8 KiB kernel stack, so current_thread_info() is sp & ~(THREAD_SIZE - 1).  The
 * emu4412 kernel keeps preempt_count there (spinlocks, kmap_atomic and the SDK's
 * preempt_disable() change it) and runs everything on CPU 0.  Trimmed after cpu_domain.
 */

#include <linux/compiler.h>
#include <linux/types.h>

#define THREAD_SIZE_ORDER	1
#define THREAD_SIZE		8192
#define THREAD_START_SP		(THREAD_SIZE - 8)

#ifndef __ASSEMBLY__
struct task_struct;
struct exec_domain;

typedef unsigned long mm_segment_t;

struct thread_info {
	unsigned long		flags;		/* low level flags */
	int			preempt_count;	/* 0 => preemptable, <0 => bug */
	mm_segment_t		addr_limit;	/* address limit */
	struct task_struct	*task;		/* main task structure */
	struct exec_domain	*exec_domain;	/* execution domain */
	__u32			cpu;		/* cpu */
	__u32			cpu_domain;	/* cpu domain */
};

static inline struct thread_info *current_thread_info(void) __attribute_const__;

static inline struct thread_info *current_thread_info(void)
{
	register unsigned long sp asm ("sp");
	return (struct thread_info *)(sp & ~(THREAD_SIZE - 1));
}
#endif

#endif /* __ASM_ARM_THREAD_INFO_H */
