/*
 * memtest.h - ioctl interface of the memory-management self test (memtest.c) and its
 * program (firmware/apps/memtest_app).  Builds in the kernel (SDK) and in user space.
 */
#ifndef MEMTEST_H
#define MEMTEST_H

#include <linux/ioctl.h>

#define MEMTEST_MAGIC 'm'

/*
 * arg = N: take N elements from the test's mempool (min_nr MEMTEST_POOL_MIN elements of a
 * slab cache) and give them back; returns (from_reserve << 16) | failed, and prints one
 * dmesg line per element.  With `fail slab ...` armed, the reserve is what is left.
 */
#define MEMTEST_MEMPOOL _IO(MEMTEST_MAGIC, 1)

/* arg = size: kmalloc(size), report its first bytes in dmesg (not zeroed), kfree */
#define MEMTEST_KMALLOC _IO(MEMTEST_MAGIC, 2)

#define MEMTEST_POOL_MIN 3

#endif /* MEMTEST_H */
