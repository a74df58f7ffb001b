#ifndef __LINUX_CPUMASK_H
#define __LINUX_CPUMASK_H

/*
 * Linux 3.14 include/linux/cpumask.h, the iteration a driver needs: all NR_CPUS (4) cores
 * are possible and online (the emulated kernel runs its code on CPU 0).
 */

#include <linux/threads.h>

#define nr_cpu_ids		NR_CPUS
#define num_possible_cpus()	NR_CPUS
#define num_online_cpus()	NR_CPUS
#define cpu_possible(cpu)	((unsigned int)(cpu) < NR_CPUS)
#define cpu_online(cpu)		cpu_possible(cpu)

#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)
#define for_each_online_cpu(cpu)   for_each_possible_cpu(cpu)
#define for_each_present_cpu(cpu)  for_each_possible_cpu(cpu)

#endif /* __LINUX_CPUMASK_H */
