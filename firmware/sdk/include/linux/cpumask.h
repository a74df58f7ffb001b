#ifndef __LINUX_CPUMASK_H
#define __LINUX_CPUMASK_H

/*
 * Linux 3.14 include/linux/cpumask.h, what a driver iterates with: the kernel exports the
 * masks of possible/online/present CPUs and nr_cpu_ids (the Exynos4412's 4 cores of the
 * board config's NR_CPUS 8); iteration and counting use the kernel's bit search and
 * population count, as on the board.
 */

#include <linux/threads.h>
#include <linux/bitops.h>

typedef struct cpumask { unsigned long bits[BITS_TO_LONGS(NR_CPUS)]; } cpumask_t;

#define cpumask_bits(maskp)	((maskp)->bits)
#define nr_cpumask_bits		NR_CPUS

extern int nr_cpu_ids;

extern const struct cpumask *const cpu_possible_mask;
extern const struct cpumask *const cpu_online_mask;
extern const struct cpumask *const cpu_present_mask;
extern const struct cpumask *const cpu_active_mask;

static inline unsigned int cpumask_check(unsigned int cpu)
{
	return cpu;
}

static inline unsigned int cpumask_first(const struct cpumask *srcp)
{
	return find_first_bit(cpumask_bits(srcp), nr_cpumask_bits);
}

static inline unsigned int cpumask_next(int n, const struct cpumask *srcp)
{
	return find_next_bit(cpumask_bits(srcp), nr_cpumask_bits, n + 1);
}

static inline int cpumask_test_cpu(int cpu, const struct cpumask *cpumask)
{
	return test_bit(cpumask_check(cpu), cpumask_bits((cpumask)));
}

static inline unsigned int cpumask_weight(const struct cpumask *srcp)
{
	return hweight_long(cpumask_bits(srcp)[0] & ((1UL << NR_CPUS) - 1));
}

#define for_each_cpu(cpu, mask)				\
	for ((cpu) = -1;				\
		(cpu) = cpumask_next((cpu), (mask)),	\
		(cpu) < nr_cpu_ids;)

#define num_possible_cpus()	cpumask_weight(cpu_possible_mask)
#define num_online_cpus()	cpumask_weight(cpu_online_mask)
#define num_present_cpus()	cpumask_weight(cpu_present_mask)
#define cpu_possible(cpu)	cpumask_test_cpu((cpu), cpu_possible_mask)
#define cpu_online(cpu)		cpumask_test_cpu((cpu), cpu_online_mask)
#define cpu_present(cpu)	cpumask_test_cpu((cpu), cpu_present_mask)

#define for_each_possible_cpu(cpu) for_each_cpu((cpu), cpu_possible_mask)
#define for_each_online_cpu(cpu)   for_each_cpu((cpu), cpu_online_mask)
#define for_each_present_cpu(cpu)  for_each_cpu((cpu), cpu_present_mask)

#endif /* __LINUX_CPUMASK_H */
