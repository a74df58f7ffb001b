/*
 * kmbench.h - ioctl interface of the kmalloc benchmark driver (kmbench.c) and its
 * program (firmware/apps/kmbench_app).  Builds in the kernel (SDK) and in user space.
 */
#ifndef KMBENCH_H
#define KMBENCH_H

#include <linux/ioctl.h>

#define KMBENCH_MAGIC 'k'

/* arg = N: do N kmalloc + kfree pairs (sizes 64, 128, 192, 256 in turn); 0 or -ENOMEM */
#define KMBENCH_RUN _IO(KMBENCH_MAGIC, 1)

/* arg = N: N kmem_cache_alloc + kmem_cache_free pairs (128-byte objects, HWCACHE_ALIGN) */
#define KMBENCH_CACHE _IO(KMBENCH_MAGIC, 2)

/* arg = N: N alloc_pages(GFP_KERNEL, 0) + __free_pages pairs */
#define KMBENCH_PAGES _IO(KMBENCH_MAGIC, 3)

#endif /* KMBENCH_H */
