#ifndef _LINUX_THREADS_H
#define _LINUX_THREADS_H

/*
 * Linux 3.14 include/linux/threads.h: the board's config has NR_CPUS 8 (the size of
 * cpumasks and __per_cpu_offset[]); the Exynos4412 has 4 cores, which is nr_cpu_ids.
 */

#include <generated/autoconf.h>

#define NR_CPUS		CONFIG_NR_CPUS

#endif /* _LINUX_THREADS_H */
