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

#endif /* KMBENCH_H */
