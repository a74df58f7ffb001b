#ifndef __LINUX_PERCPU_H
#define __LINUX_PERCPU_H

/*
 * Linux 3.14 include/linux/percpu.h: per-CPU variables, one copy for each of the NR_CPUS
 * (4) cores.  alloc_percpu() returns a per-CPU pointer: per_cpu_ptr(p, cpu) is CPU cpu's
 * copy, this_cpu_ptr(p) the running CPU's, get_cpu_ptr()/put_cpu_ptr() (and
 * get_cpu_var()/put_cpu_var() on a per-CPU lvalue such as *p) bracket a use with
 * preemption disabled.  New areas are zeroed.
 *
 * emu4412: the copies of a per-CPU area are PCPU_UNIT_SIZE bytes apart, so per_cpu_ptr()
 * adds a constant (Linux adds __per_cpu_offset[cpu]).  Static per-CPU variables
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

#define per_cpu_offset(cpu)	((unsigned long)(cpu) * PCPU_UNIT_SIZE)
#define SHIFT_PERCPU_PTR(__p, __offset)	({				\
	(typeof(__p)) ((unsigned long)(__p) + (__offset));		\
})

#define per_cpu_ptr(ptr, cpu)	SHIFT_PERCPU_PTR((ptr), per_cpu_offset((cpu)))
#define raw_cpu_ptr(ptr)	per_cpu_ptr(ptr, raw_smp_processor_id())
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, smp_processor_id())
#define __this_cpu_ptr(ptr)	this_cpu_ptr(ptr)

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

#define this_cpu_read(pcp)		(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, val)	do { *this_cpu_ptr(&(pcp)) = (val); } while (0)
#define this_cpu_add(pcp, val)		do { *this_cpu_ptr(&(pcp)) += (val); } while (0)
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
