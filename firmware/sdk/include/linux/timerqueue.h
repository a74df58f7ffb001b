#ifndef _LINUX_TIMERQUEUE_H
#define _LINUX_TIMERQUEUE_H

/* A time-ordered queue node (Linux 3.14 include/linux/timerqueue.h): the hrtimer's node. */

#include <linux/rbtree.h>
#include <linux/ktime.h>

struct timerqueue_node {
	struct rb_node node;
	ktime_t expires;
};

struct timerqueue_head {
	struct rb_root head;
	struct timerqueue_node *next;
};

#endif /* _LINUX_TIMERQUEUE_H */
