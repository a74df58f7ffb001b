#ifndef __LINUX_PERCPU_H
#define __LINUX_PERCPU_H

/*
 * Linux 3.14 include/linux/percpu.h: per-CPU variables, one copy for each of the 4
 * possible cores (nr_cpu_ids).  alloc_percpu() returns a per-CPU pointer: per_cpu_ptr(p, cpu) is CPU cpu's
 * copy, this_cpu_ptr(p) the running CPU's, get_cpu_ptr()/put_cpu_ptr() (and
 * get_cpu_var()/put_cpu_var() on a per-CPU lvalue such as *p) bracket a use with
 * preemption disabled.  New areas are zeroed.
 *
 * As on the board, per_cpu_ptr() adds __per_cpu_offset[cpu] (the copies are
 * PCPU_UNIT_SIZE bytes apart on the emulated board).  Static per-CPU variables
 * (DEFINE_PER_CPU) need the module loader to replicate the module's .data..percpu section
 * per CPU, which the emulator does not do: use alloc_percpu() in modules.
 */

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/cpumask.h>

#define PCPU_UNIT_SIZE		(32 << 10)	/* bytes of each CPU's copy of the area */
#define PCPU_MIN_UNIT_SIZE	PCPU_UNIT_SIZE

/* asm-generic/percpu.h: each CPU's offset from the kernel's table */
extern unsigned long __per_cpu_offset[NR_CPUS];
#define per_cpu_offset(x)	(__per_cpu_offset[x])

/* arch/arm/include/asm/percpu.h: this CPU's offset is in TPIDRPRW */
static inline unsigned long __my_cpu_offset(void)
{
	unsigned long off;
	register unsigned long *sp asm ("sp");

	asm("mrc p15, 0, %0, c13, c0, 4" : "=r" (off) : "Q" (*sp));
	return off;
}

/* CONFIG_DEBUG_PREEMPT: this CPU through smp_processor_id(), which checks the context */
#define my_cpu_offset		per_cpu_offset(smp_processor_id())

#define SHIFT_PERCPU_PTR(__p, __offset)	({				\
	(typeof(__p)) ((unsigned long)(__p) + (__offset));		\
})

#define per_cpu_ptr(ptr, cpu)	SHIFT_PERCPU_PTR((ptr), per_cpu_offset((cpu)))
#define this_cpu_ptr(ptr)	SHIFT_PERCPU_PTR(ptr, my_cpu_offset)
#define __this_cpu_ptr(ptr)	SHIFT_PERCPU_PTR(ptr, __my_cpu_offset())
#define raw_cpu_ptr(ptr)	__this_cpu_ptr(ptr)

/* per_cpu()/get_cpu_var() work on a per-CPU lvalue, e.g. *p for p from alloc_percpu() */
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define __get_cpu_var(var)	(*this_cpu_ptr(&(var)))

#define get_cpu_var(var) (*({				\
	preempt_disable();				\
	this_cpu_ptr(&var); }))

#define put_cpu_var(var) do {				\
	(void)&(var);					\
	preempt_enable();				\
} while (0)

#define get_cpu_ptr(var) ({				\
	preempt_disable();				\
	this_cpu_ptr(var); })

#define put_cpu_ptr(var) do {				\
	(void)(var);					\
	preempt_enable();				\
} while (0)

/* asm-generic/percpu.h's generic forms: the access with preemption off */
#define this_cpu_read(pcp)						\
	({ typeof(pcp) __ret; preempt_disable();			\
	   __ret = *__this_cpu_ptr(&(pcp)); preempt_enable(); __ret; })
#define this_cpu_write(pcp, val)					\
	do { preempt_disable(); *__this_cpu_ptr(&(pcp)) = (val);	\
	     preempt_enable(); } while (0)
#define this_cpu_add(pcp, val)						\
	do { preempt_disable(); *__this_cpu_ptr(&(pcp)) += (val);	\
	     preempt_enable(); } while (0)
#define this_cpu_inc(pcp)		this_cpu_add((pcp), 1)
#define this_cpu_dec(pcp)		this_cpu_add((pcp), -1)

#define DEFINE_PER_CPU(type, name) \
	_Static_assert(0, "DEFINE_PER_CPU(" #name ") in a module is not supported by emu4412: " \
		       "use alloc_percpu()")
#define DECLARE_PER_CPU(type, name)	DEFINE_PER_CPU(type, name)

/* mm/percpu.c: provided by the emu4412 kernel */
extern void __percpu *__alloc_percpu(size_t size, size_t align);
extern void free_percpu(void __percpu *__pdata);

#define alloc_percpu(type)	\
	(typeof(type) __percpu *)__alloc_percpu(sizeof(type), __alignof__(type))

#endif /* __LINUX_PERCPU_H */
