#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

/*
 * Slab caches and kmalloc (Linux 3.14 include/linux/slab.h + slub_def.h).
 *
 * The emu4412 kernel exports kmem_cache_create/destroy/alloc/free/shrink/size,
 * __kmalloc(), krealloc(), kfree() and ksize() (SLUB, ARM, 64-byte L1: kmalloc caches of
 * 64, 128, 192, 256, 512, 1k, 2k, 4k and 8k bytes; larger requests go to the page
 * allocator up to KMALLOC_MAX_SIZE).  kmalloc() does not zero memory; kzalloc() and
 * __GFP_ZERO do.  /proc/slabinfo shows every cache.
 */

#include <linux/gfp.h>
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/mmzone.h>
#include <linux/slub_def.h>
#include <asm/page.h>

/*
 * Flags to pass to kmem_cache_create().
 */
#define SLAB_DEBUG_FREE		0x00000100UL	/* DEBUG: Perform (expensive) checks on free */
#define SLAB_RED_ZONE		0x00000400UL	/* DEBUG: Red zone objs in a cache */
#define SLAB_POISON		0x00000800UL	/* DEBUG: Poison objects */
#define SLAB_HWCACHE_ALIGN	0x00002000UL	/* Align objs on cache lines */
#define SLAB_CACHE_DMA		0x00004000UL	/* Use GFP_DMA memory */
#define SLAB_STORE_USER		0x00010000UL	/* DEBUG: Store the last owner for bug hunting */
#define SLAB_PANIC		0x00040000UL	/* Panic if kmem_cache_create() fails */
#define SLAB_DESTROY_BY_RCU	0x00080000UL	/* Defer freeing slabs to RCU */
#define SLAB_MEM_SPREAD		0x00100000UL	/* Spread some memory over cpuset */
#define SLAB_TRACE		0x00200000UL	/* Trace allocations and frees */
#define SLAB_DEBUG_OBJECTS	0x00400000UL
#define SLAB_NOLEAKTRACE	0x00800000UL	/* Avoid kmemleak tracing */
#define SLAB_NOTRACK		0x01000000UL
#define SLAB_FAILSLAB		0x02000000UL	/* Fault injection mark */
#define SLAB_RECLAIM_ACCOUNT	0x00020000UL	/* Objects are reclaimable */
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT	/* Objects are short-lived */

struct kmem_cache;

/* mm/slab_common.c, mm/slub.c: provided by the emu4412 kernel */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
int kmem_cache_shrink(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *objp);

/*
 * Please use this macro to create slab caches. Simply specify the
 * name of the structure and maybe some flags that are listed above.
 *
 * The alignment of the struct determines object alignment. If you
 * f.e. add ____cacheline_aligned_in_smp to the struct declaration
 * then the objects will be properly aligned in SMP configurations.
 */
#define KMEM_CACHE(__struct, __flags) kmem_cache_create(#__struct,\
		sizeof(struct __struct), __alignof__(struct __struct),\
		(__flags), NULL)

static inline void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
{
	return kmem_cache_alloc(s, flags);
}

/*
 * Shortcuts
 */
static inline void *kmem_cache_zalloc(struct kmem_cache *k, gfp_t flags)
{
	return kmem_cache_alloc(k, flags | __GFP_ZERO);
}

#define ARCH_KMALLOC_MINALIGN	64	/* ARCH_DMA_MINALIGN: L1_CACHE_BYTES on Cortex-A9 */
#define ARCH_SLAB_MINALIGN	__alignof__(unsigned long long)

/*
 * SLUB: requests up to two pages come from the kmalloc caches.  As on the board, 3.14's
 * SLUB states KMALLOC_SHIFT_MAX as MAX_ORDER + PAGE_SHIFT (8 MiB), one order beyond the
 * buddy allocator's largest block (order MAX_ORDER - 1, 4 MiB): kmalloc(KMALLOC_MAX_SIZE)
 * fails with the page allocator's warning, on the board and here.
 */
#define KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define KMALLOC_SHIFT_MAX	(MAX_ORDER + PAGE_SHIFT)
#define KMALLOC_SHIFT_LOW	6

/* Maximum allocatable size */
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)
/* Maximum size for which we actually use a slab cache */
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
/* Maximum order allocatable via the slab allocagtor */
#define KMALLOC_MAX_ORDER	(KMALLOC_SHIFT_MAX - PAGE_SHIFT)

#define KMALLOC_MIN_SIZE (1 << KMALLOC_SHIFT_LOW)

/*
 * ZERO_SIZE_PTR will be returned for zero sized kmalloc requests.
 *
 * Dereferencing ZERO_SIZE_PTR will lead to a distinct access fault.
 *
 * ZERO_SIZE_PTR can be passed to kfree though in the same way that NULL can.
 * Both make kfree a no-op.
 */
#define ZERO_SIZE_PTR ((void *)16)

#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= \
				(unsigned long)ZERO_SIZE_PTR)

/* mm/slub.c, provided by the emu4412 kernel */
void * __must_check __kmalloc(size_t size, gfp_t flags);
void * __must_check krealloc(const void *, size_t, gfp_t);
void kfree(const void *);
size_t ksize(const void *);

/**
 * kmalloc - allocate memory
 * @size: how many bytes of memory are required.
 * @flags: the type of memory to allocate (GFP_KERNEL, GFP_ATOMIC, ...).
 *
 * The memory is not zeroed.
 */
/* SLUB's kmalloc caches, by index (mm/slab_common.c): the kernel exports the array. */
extern struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];

/*
 * The cache index of a kmalloc size (3.14's kmalloc_index with ARM's 64-byte minimum):
 * 6 for sizes up to 64, 2 for the 192-byte cache, n for sizes up to 2^n; 0 for size 0.
 */
static __always_inline int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 128 && size <= 192)
		return 2;
	if (size <=          128) return 7;
	if (size <=          256) return 8;
	if (size <=          512) return 9;
	if (size <=         1024) return 10;
	if (size <=     2 * 1024) return 11;
	if (size <=     4 * 1024) return 12;
	if (size <=     8 * 1024) return 13;
	return -1;
}

extern unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);

/*
 * emu4412: kmem_cache_alloc() of a kmalloc cache with the requested size riding along in
 * r2, tagged in r3.  The board's kmem_cache_alloc() takes two arguments and ignores them
 * (the module imports the same symbol and runs there unchanged); the emulated kernel's
 * memory checker uses the size to put the redzone right after the bytes asked for.
 * kmalloc_large() passes the size to __get_free_pages() the same way.
 */
#define KMALLOC_SIZE_TAG	0x4b53495aUL

/* Larger than the biggest cache: whole (compound) pages from the page allocator. */
static __always_inline void *kmalloc_large(size_t size, gfp_t flags)
{
	unsigned long (*get_pages)(gfp_t, unsigned int, size_t, unsigned long) =
		(void *)__get_free_pages;

	return (void *)get_pages(flags | __GFP_COMP | __GFP_KMEMCG, get_order(size), size,
				 KMALLOC_SIZE_TAG);
}

static __always_inline void *__kmalloc_cache(struct kmem_cache *s, gfp_t flags, size_t size)
{
	void *(*alloc)(struct kmem_cache *, gfp_t, size_t, unsigned long) = (void *)kmem_cache_alloc;

	return alloc(s, flags, size, KMALLOC_SIZE_TAG);
}

/*
 * As on the board: a constant size picks its cache at compile time
 * (kmem_cache_alloc(kmalloc_caches[index], flags)); other sizes call __kmalloc().
 */
static __always_inline void *kmalloc(size_t size, gfp_t flags)
{
	if (__builtin_constant_p(size)) {
		if (size > KMALLOC_MAX_CACHE_SIZE)
			return kmalloc_large(size, flags);
		if (!(flags & GFP_DMA)) {
			int index = kmalloc_index(size);

			if (!index)
				return ZERO_SIZE_PTR;
			return __kmalloc_cache(kmalloc_caches[index], flags, size);
		}
	}
	return __kmalloc(size, flags);
}

static __always_inline void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	return __kmalloc(size, flags);
}

/**
 * kmalloc_array - allocate memory for an array.
 * @n: number of elements.
 * @size: element size.
 * @flags: the type of memory to allocate (see kmalloc).
 *
 * NULL if n * size overflows (checked without a division, so without a libgcc call).
 */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return __kmalloc(bytes, flags);
}

/**
 * kcalloc - allocate memory for an array. The memory is set to zero.
 * @n: number of elements.
 * @size: element size.
 * @flags: the type of memory to allocate (see kmalloc).
 */
static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

/**
 * kzalloc - allocate memory. The memory is set to zero.
 * @size: how many bytes of memory are required.
 * @flags: the type of memory to allocate (see kmalloc).
 */
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc_node(size, flags | __GFP_ZERO, node);
}

/**
 * kzfree - like kfree but zero memory
 * @p: object to free memory of
 */
static inline void kzfree(const void *p)
{
	size_t ks;
	void *mem = (void *)p;

	if (unlikely(ZERO_OR_NULL_PTR(mem)))
		return;
	ks = ksize(mem);
	memset(mem, 0, ks);
	kfree(mem);
}

/* Determine the size of a slab object (an inline on the board: SLUB's object_size). */
static inline unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

#endif	/* _LINUX_SLAB_H */
