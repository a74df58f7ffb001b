#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

/*
 * Linux 3.14 include/linux/mm_types.h: struct vm_area_struct (one mapping of a process),
 * fields in 3.14's order for 32-bit ARM without NUMA; trimmed after vm_private_data.
 * The emu4412 kernel builds it for fops->mmap (emulator/kernel/abi.py: VM_AREA_STRUCT).
 */

#include <linux/types.h>
#include <linux/list.h>
#include <asm/pgtable.h>

#ifndef pgoff_t
#define pgoff_t unsigned long	/* linux/types.h */
#endif

struct file;
struct mm_struct;
struct anon_vma;
struct vm_operations_struct;

/*
 * struct page: one per physical page frame, in mem_map (3.14's layout on 32-bit ARM without
 * debug options: 32 bytes).  Pointers come from alloc_pages(), virt_to_page(),
 * pfn_to_page(), vmalloc_to_page(); the emu4412 kernel keeps flags, _count and private
 * (a compound tail's first_page) up to date (emulator/kernel/mm/memmap.py).
 */
struct address_space;

struct page {
	unsigned long flags;		/* PG_* bits, zone number in the top bits */
	struct address_space *mapping;
	union {
		pgoff_t index;		/* Our offset within mapping. */
		void *freelist;		/* slab: first free object */
	};
	atomic_t _mapcount;		/* -1: mapped nowhere */
	atomic_t _count;		/* Usage count, see get_page()/put_page() */
	struct list_head lru;
	union {
		unsigned long private;
		struct page *first_page;	/* Compound tail pages */
	};
};

struct vm_rb_node {			/* struct rb_node */
	unsigned long  __rb_parent_color;
	void *rb_right;
	void *rb_left;
};

struct vm_area_struct {
	unsigned long vm_start;		/* Our start address within vm_mm. */
	unsigned long vm_end;		/* The first byte after our end address within vm_mm. */
	struct vm_area_struct *vm_next, *vm_prev;
	struct vm_rb_node vm_rb;
	unsigned long rb_subtree_gap;
	struct mm_struct *vm_mm;	/* The address space we belong to. */
	pgprot_t vm_page_prot;		/* Access permissions of this VMA. */
	unsigned long vm_flags;		/* Flags, see mm.h. */
	union {
		struct {
			struct vm_rb_node rb;
			unsigned long rb_subtree_last;
		} linear;
		struct list_head nonlinear;
	} shared;
	struct list_head anon_vma_chain;
	struct anon_vma *anon_vma;
	const struct vm_operations_struct *vm_ops;
	unsigned long vm_pgoff;		/* Offset (within vm_file) in PAGE_SIZE units */
	struct file * vm_file;		/* File we map to (can be NULL). */
	void * vm_private_data;		/* was vm_pte (shared mem) */
};

#endif /* _LINUX_MM_TYPES_H */
