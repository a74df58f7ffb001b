#ifndef _LINUX_RBTREE_H
#define _LINUX_RBTREE_H

/* Red-black tree nodes (Linux 3.14 include/linux/rbtree.h), embedded in hrtimers. */

struct rb_node {
	unsigned long  __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT	(struct rb_root) { NULL, }

#endif /* _LINUX_RBTREE_H */
