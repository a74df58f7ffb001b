#ifndef _LINUX_SLUB_DEF_H
#define _LINUX_SLUB_DEF_H

/*
 * Linux 3.14 include/linux/slub_def.h: SLUB's struct kmem_cache with the board's layout
 * (116 bytes; emulator/kernel/abi.py: KMEM_CACHE).  Modules only hold pointers to it
 * (kmalloc_caches[], kmem_cache_create()) and read object_size through kmem_cache_size();
 * the emu4412 kernel keeps size and object_size where SLUB has them.
 */

#include <linux/types.h>
#include <linux/kobject.h>

struct kmem_cache_cpu;
struct kmem_cache_node;

struct kmem_cache_order_objects {
	unsigned long x;
};

struct kmem_cache {
	struct kmem_cache_cpu __percpu *cpu_slab;
	/* Used for retriving partial slabs etc */
	unsigned long flags;
	unsigned long min_partial;
	int size;		/* The size of an object including meta data */
	int object_size;	/* The size of an object without meta data */
	int offset;		/* Free pointer offset. */
	int cpu_partial;	/* Number of per cpu partial objects to keep around */
	struct kmem_cache_order_objects oo;

	/* Allocation and freeing of slabs */
	struct kmem_cache_order_objects max;
	struct kmem_cache_order_objects min;
	gfp_t allocflags;	/* gfp flags to use on each alloc */
	int refcount;		/* Refcount for slab cache destroy */
	void (*ctor)(void *);
	int inuse;		/* Offset to metadata */
	int align;		/* Alignment */
	int reserved;		/* Reserved bytes at the end of slabs */
	const char *name;	/* Name (only for display!) */
	struct list_head list;	/* List of slab caches */
	struct kobject kobj;	/* For sysfs */
	struct kmem_cache_node *node[1];
};

#endif /* _LINUX_SLUB_DEF_H */
