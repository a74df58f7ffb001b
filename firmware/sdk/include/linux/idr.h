#ifndef __IDR_H__
#define __IDR_H__

/*
 * Small integer ids mapped to pointers (lib/idr.c of Linux 3.14), and the ida, which hands
 * out ids alone.  The tree is laid out as the board's kernel has it: a layer holds 256 slots
 * and a 256-bit map (leaf: slot taken; above: subtree full), the struct idr remembers the leaf
 * it last allocated from, and idr_find() looks there inline before asking the kernel.
 * idr_alloc() gives the lowest free id in [start, end) (end <= 0: no upper bound) or
 * -ENOSPC / -ENOMEM / -EINVAL; the ida packs 992 ids into each 128-byte bitmap it keeps in
 * the tree's slots.
 */

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

#define IDR_BITS 8
#define IDR_SIZE (1 << IDR_BITS)
#define IDR_MASK ((1 << IDR_BITS) - 1)

struct idr_layer {
	int			prefix;		/* the ids this layer covers, low bits clear */
	DECLARE_BITMAP(bitmap, IDR_SIZE);	/* set: taken (leaf) or full (interior) */
	struct idr_layer	*ary[1 << IDR_BITS];
	int			count;		/* slots in use; freed at zero */
	int			layer;		/* 0 for a leaf */
	struct rcu_head		rcu_head;
};

struct idr {
	struct idr_layer	*hint;		/* the leaf of the last allocation */
	struct idr_layer	*top;
	struct idr_layer	*id_free;
	int			layers;
	int			id_free_cnt;
	int			cur;		/* next start for idr_alloc_cyclic() */
	spinlock_t		lock;
};

#define IDR_INIT(name)	{ .lock = __SPIN_LOCK_UNLOCKED(name.lock) }
#define DEFINE_IDR(name)	struct idr name = IDR_INIT(name)

void *idr_find_slowpath(struct idr *idp, int id);
void idr_preload(gfp_t gfp_mask);
int idr_alloc(struct idr *idp, void *ptr, int start, int end, gfp_t gfp_mask);
int idr_alloc_cyclic(struct idr *idr, void *ptr, int start, int end, gfp_t gfp_mask);
int idr_for_each(struct idr *idp, int (*fn)(int id, void *p, void *data), void *data);
void *idr_get_next(struct idr *idp, int *nextid);
void *idr_replace(struct idr *idp, void *ptr, int id);
void idr_remove(struct idr *idp, int id);
void idr_destroy(struct idr *idp);
void idr_init(struct idr *idp);

/* idr_preload() disabled preemption; this enables it again. */
static inline void idr_preload_end(void)
{
	preempt_enable();
}

/* The pointer stored under id, or NULL: the hinted leaf first, then the kernel's walk. */
static inline void *idr_find(struct idr *idr, int id)
{
	struct idr_layer *hint = ACCESS_ONCE(idr->hint);

	if (hint && (id & ~IDR_MASK) == hint->prefix)
		return ACCESS_ONCE(hint->ary[id & IDR_MASK]);
	return idr_find_slowpath(idr, id);
}

/* Every non-NULL entry in id order; id is left one past the last one. */
#define idr_for_each_entry(idp, entry, id)			\
	for (id = 0; ((entry) = idr_get_next(idp, &(id))) != NULL; ++id)

/* The interface 3.14 deprecates, still exported. */
int __idr_pre_get(struct idr *idp, gfp_t gfp_mask);
int __idr_get_new_above(struct idr *idp, void *ptr, int starting_id, int *id);
void __idr_remove_all(struct idr *idp);

static inline int __deprecated idr_pre_get(struct idr *idp, gfp_t gfp_mask)
{
	return __idr_pre_get(idp, gfp_mask);
}

static inline int __deprecated idr_get_new_above(struct idr *idp, void *ptr,
						 int starting_id, int *id)
{
	return __idr_get_new_above(idp, ptr, starting_id, id);
}

static inline int __deprecated idr_get_new(struct idr *idp, void *ptr, int *id)
{
	return __idr_get_new_above(idp, ptr, 0, id);
}

static inline void __deprecated idr_remove_all(struct idr *idp)
{
	__idr_remove_all(idp);
}

/* ida: 128-byte chunks, a busy count and 31 words of bits each. */
#define IDA_CHUNK_SIZE		128
#define IDA_BITMAP_LONGS	(IDA_CHUNK_SIZE / sizeof(long) - 1)
#define IDA_BITMAP_BITS		(IDA_BITMAP_LONGS * sizeof(long) * 8)

struct ida_bitmap {
	long			nr_busy;
	unsigned long		bitmap[IDA_BITMAP_LONGS];
};

struct ida {
	struct idr		idr;
	struct ida_bitmap	*free_bitmap;
};

#define IDA_INIT(name)		{ .idr = IDR_INIT((name).idr), .free_bitmap = NULL, }
#define DEFINE_IDA(name)	struct ida name = IDA_INIT(name)

int ida_pre_get(struct ida *ida, gfp_t gfp_mask);
int ida_get_new_above(struct ida *ida, int starting_id, int *p_id);
void ida_remove(struct ida *ida, int id);
void ida_destroy(struct ida *ida);
void ida_init(struct ida *ida);

int ida_simple_get(struct ida *ida, unsigned int start, unsigned int end, gfp_t gfp_mask);
void ida_simple_remove(struct ida *ida, unsigned int id);

/* The lowest free id >= 0 into *p_id: 0, or -EAGAIN (call ida_pre_get() again) / -ENOSPC. */
static inline int ida_get_new(struct ida *ida, int *p_id)
{
	return ida_get_new_above(ida, 0, p_id);
}

#endif /* __IDR_H__ */
