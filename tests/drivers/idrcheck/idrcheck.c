/*
 * idrcheck.c - test fixture for the idr/ida services (issue 16): allocates, finds, walks,
 * replaces and removes ids at init and prints one "idrcheck: ..." line per step, for the test
 * to compare with what 3.14's lib/idr.c answers.  Everything it allocates is released again.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/err.h>

static DEFINE_IDR(objs);
static DEFINE_IDA(minors);
static int things[8];

static int add_up(int id, void *p, void *data)
{
	*(int *)data += id;
	return p == &things[7] ? 7 : 0;			/* stop at things[7] */
}

static int drop(int id, void *p, void *data)
{
	idr_remove(data, id);				/* removing while walking */
	return 0;
}

static int __init idrcheck_init(void)
{
	/* The board's struct idr is 40 bytes, its ida 44: room for either. */
	struct idr *dyn = kzalloc(64, GFP_KERNEL);
	struct ida *ids = kzalloc(64, GFP_KERNEL);
	int a, b, c, d, sum = 0, id, r, i;
	void *p;

	if (!dyn || !ids)
		return -ENOMEM;
	a = idr_alloc(&objs, &things[0], 0, 0, GFP_KERNEL);
	b = idr_alloc(&objs, &things[1], 0, 0, GFP_KERNEL);
	c = idr_alloc(&objs, &things[2], 10, 20, GFP_KERNEL);
	d = idr_alloc(&objs, &things[3], 10, 11, GFP_KERNEL);	/* 10 is taken */
	pr_info("idrcheck: alloc %d %d %d %d\n", a, b, c, d);
	pr_info("idrcheck: find %d %d %d\n", idr_find(&objs, 1) == &things[1],
		idr_find(&objs, 10) == &things[2], idr_find(&objs, 2) == NULL);
	idr_remove(&objs, 0);
	a = idr_alloc(&objs, &things[4], 0, 0, GFP_KERNEL);	/* the lowest free: 0 again */
	b = idr_alloc(&objs, &things[5], 300, 0, GFP_KERNEL);	/* a second leaf */
	c = idr_alloc(&objs, &things[6], 70000, 0, GFP_KERNEL);	/* a third layer */
	pr_info("idrcheck: alloc %d %d %d\n", a, b, c);
	pr_info("idrcheck: find %d %d %d %d\n", idr_find(&objs, 300) == &things[5],
		idr_find(&objs, 70000) == &things[6], idr_find(&objs, 0) == &things[4],
		idr_find(&objs, 69999) == NULL);
	pr_info("idrcheck: bad %d %d\n", idr_alloc(&objs, NULL, -1, 0, GFP_KERNEL),
		idr_alloc(&objs, NULL, 5, 5, GFP_KERNEL));
	r = idr_for_each(&objs, add_up, &sum);
	pr_info("idrcheck: for_each sum %d ret %d\n", sum, r);
	d = idr_alloc(&objs, &things[7], 20, 0, GFP_KERNEL);
	sum = 0;
	r = idr_for_each(&objs, add_up, &sum);
	pr_info("idrcheck: for_each sum %d ret %d (stopped at %d)\n", sum, r, d);
	idr_for_each_entry(&objs, p, id)
		pr_info("idrcheck: entry %d things[%d]\n", id, (int)((int *)p - things));
	p = idr_replace(&objs, &things[1], 300);
	pr_info("idrcheck: replace %d %d %d\n", p == &things[5],
		idr_find(&objs, 300) == &things[1], (int)PTR_ERR(idr_replace(&objs, NULL, 301)));
	idr_remove(&objs, 301);				/* never allocated: a WARNING */
	idr_for_each(&objs, drop, &objs);
	pr_info("idrcheck: emptied %d %d\n", idr_find(&objs, 70000) == NULL,
		idr_alloc(&objs, &things[0], 0, 0, GFP_KERNEL));
	idr_destroy(&objs);

	idr_init(dyn);
	for (i = 0; i < 300; i++)
		idr_alloc_cyclic(dyn, &things[i & 7], 0, 260, GFP_KERNEL);
	idr_remove(dyn, 3);
	pr_info("idrcheck: cyclic %d %d\n", idr_alloc_cyclic(dyn, dyn, 0, 260, GFP_KERNEL),
		idr_alloc_cyclic(dyn, dyn, 0, 260, GFP_KERNEL));
	idr_preload(GFP_KERNEL);
	a = idr_alloc(dyn, dyn, 0, 0, GFP_NOWAIT);
	idr_preload_end();
	pr_info("idrcheck: preload %d preempt %d\n", a, preempt_count());
	idr_destroy(dyn);

	a = ida_simple_get(&minors, 0, 0, GFP_KERNEL);
	b = ida_simple_get(&minors, 0, 0, GFP_KERNEL);
	c = ida_simple_get(&minors, 0, 0, GFP_KERNEL);
	ida_simple_remove(&minors, b);
	b = ida_simple_get(&minors, 0, 0, GFP_KERNEL);
	d = ida_simple_get(&minors, 5000, 0, GFP_KERNEL);	/* another chunk (992 ids each) */
	pr_info("idrcheck: ida %d %d %d %d %d\n", a, b, c, d,
		ida_simple_get(&minors, 1, 3, GFP_KERNEL));	/* 1 and 2 taken: -ENOSPC */
	ida_remove(&minors, 4);				/* not allocated: a WARNING */
	for (i = 0; i < 3; i++)
		ida_simple_remove(&minors, i);
	ida_simple_remove(&minors, 5000);
	ida_destroy(&minors);

	ida_init(ids);
	for (i = 0; i < 1000; i++)
		ida_simple_get(ids, 0, 0, GFP_KERNEL);
	if (ida_pre_get(ids, GFP_KERNEL) && !ida_get_new_above(ids, 10, &id))
		pr_info("idrcheck: ida_get_new_above %d\n", id);
	ida_simple_remove(ids, 500);
	pr_info("idrcheck: ida refill %d\n", ida_simple_get(ids, 0, 0, GFP_KERNEL));
	for (i = 0; i < 1001; i++)
		ida_simple_remove(ids, i);
	ida_destroy(ids);
	kfree(ids);
	kfree(dyn);
	return 0;
}

static void __exit idrcheck_exit(void)
{
}

module_init(idrcheck_init);
module_exit(idrcheck_exit);
MODULE_LICENSE("GPL");
