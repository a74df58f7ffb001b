#ifndef _LINUX_THREADS_H
#define _LINUX_THREADS_H

/* Linux 3.14 include/linux/threads.h: the Exynos4412 has 4 Cortex-A9 cores (CONFIG_NR_CPUS). */

#define CONFIG_NR_CPUS	4
#define NR_CPUS		CONFIG_NR_CPUS

#endif /* _LINUX_THREADS_H */
