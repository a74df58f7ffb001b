#ifndef __ASM_ARM_THREAD_INFO_H
#define __ASM_ARM_THREAD_INFO_H

/*
 * Linux 3.14 arch/arm/include/asm/thread_info.h: struct thread_info sits at the base of
 * the 8 KiB kernel stack, so current_thread_info() is sp & ~(THREAD_SIZE - 1).  The
 * emu4412 kernel keeps preempt_count there (spinlocks, kmap_atomic and the SDK's
 * preempt_disable() change it) and runs everything on CPU 0.  The board's size: 576 bytes
 * (the FP/VFP save areas are opaque here).
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

struct cpu_context_save {
	__u32	r4, r5, r6, r7, r8, r9, sl, fp, sp, pc;
	__u32	extra[2];		/* Xscale 'acc' register, etc */
};

struct thread_info {
	unsigned long		flags;		/* low level flags */
	int			preempt_count;	/* 0 => preemptable, <0 => bug */
	mm_segment_t		addr_limit;	/* address limit */
	struct task_struct	*task;		/* main task structure */
	struct exec_domain	*exec_domain;	/* execution domain */
	__u32			cpu;		/* cpu */
	__u32			cpu_domain;	/* cpu domain */
	struct cpu_context_save	cpu_context;	/* cpu context */
	__u32			syscall;	/* syscall number */
	__u8			used_cp[16];	/* thread used copro */
	unsigned long		tp_value[2];	/* TLS registers */
	/* fpstate (FPE state, 144 bytes), vfpstate (280), restart_block (40) */
	__u8			__board_fp_vfp_restart[464];
	struct {
		unsigned long long	arm_restart_block;
	} arm_restart_block;
};

static inline struct thread_info *current_thread_info(void) __attribute_const__;

static inline struct thread_info *current_thread_info(void)
{
	register unsigned long sp asm ("sp");
	return (struct thread_info *)(sp & ~(THREAD_SIZE - 1));
}
#endif

#endif /* __ASM_ARM_THREAD_INFO_H */
