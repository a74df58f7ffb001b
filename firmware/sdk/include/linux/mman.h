#ifndef _LINUX_MMAN_H
#define _LINUX_MMAN_H

/*
 * Memory mapping protections and flags (the values of ARM's asm-generic/mman-common.h), and
 * vm_mmap()/vm_munmap() (3.14 declares them in <linux/mm.h>): map or unmap anonymous or file
 * memory in the current task's address space from kernel code.  On the emulated board the
 * current task is the process in a system call, or insmod/rmmod's own task.
 */

#include <linux/types.h>
#include <linux/mm.h>

#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define PROT_NONE	0x0

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_TYPE	0x0f
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20

/* The start address, or a negative errno cast to unsigned long (>= TASK_SIZE). */
unsigned long vm_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flag, unsigned long offset);
int vm_munmap(unsigned long start, size_t len);

#endif /* _LINUX_MMAN_H */
