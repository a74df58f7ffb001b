#ifndef _LINUX_MM_VMA_H
#define _LINUX_MM_VMA_H

/*
 * The mapping half of Linux 3.14 include/linux/mm.h (included from there): struct
 * vm_operations_struct, struct vm_fault, the VM_FAULT_* codes and the functions a driver's
 * mmap uses.  emu4412 additions, for the older drivers the course texts show:
 *  - vm_operations_struct.nopage (2.6.x), called on first access to a page when .fault is
 *    NULL; NOPAGE_SIGBUS / NOPAGE_OOM as 2.6.x defined them.  3.14 has no such member and
 *    the struct keeps the board's 24 bytes: nopage shares the slot of remap_pages (which
 *    a character driver never sets), and the emu4412 kernel calls it only for a module
 *    whose DWARF names that slot nopage (README, "mmap");
 *  - VM_RESERVED, removed in 3.7, as VM_DONTEXPAND | VM_DONTDUMP (what 3.7 replaced it with).
 */

#include <linux/mm_types.h>
#include <asm/pgtable.h>

struct page;

#define VM_LOCKED	0x00002000
#define VM_DONTCOPY	0x00020000	/* Do not copy this vma on fork */
#define VM_MIXEDMAP	0x10000000	/* Can contain "struct page" and pure PFN pages */
#define VM_RESERVED	(VM_DONTEXPAND | VM_DONTDUMP)

#define FAULT_FLAG_WRITE	0x01	/* Fault was a write access */
#define FAULT_FLAG_MKWRITE	0x02	/* Fault was mkwrite of existing pte */
#define FAULT_FLAG_ALLOW_RETRY	0x04	/* Retry fault if blocking */
#define FAULT_FLAG_RETRY_NOWAIT	0x08	/* Don't drop mmap_sem and wait when retrying */
#define FAULT_FLAG_KILLABLE	0x10	/* The fault task is in SIGKILL killable region */
#define FAULT_FLAG_TRIED	0x20	/* second try */
#define FAULT_FLAG_USER		0x40	/* The fault originated in userspace */

struct vm_fault {
	unsigned int flags;		/* FAULT_FLAG_xxx flags */
	pgoff_t pgoff;			/* Logical page offset based on vma */
	void __user *virtual_address;	/* Faulting virtual address */
	struct page *page;		/* ->fault handlers should return a
					 * page here, unless VM_FAULT_NOPAGE
					 * is set (which is also implied by
					 * VM_FAULT_ERROR).
					 */
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct * area);
	void (*close)(struct vm_area_struct * area);
	int (*fault)(struct vm_area_struct *vma, struct vm_fault *vmf);
	int (*page_mkwrite)(struct vm_area_struct *vma, struct vm_fault *vmf);
	int (*access)(struct vm_area_struct *vma, unsigned long addr,
		      void *buf, int len, int write);
	union {
		int (*remap_pages)(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long size, pgoff_t pgoff);
		/* emu4412: the 2.6.x form, used when .fault is NULL */
		struct page *(*nopage)(struct vm_area_struct *area, unsigned long address,
				       int *type);
	};
};

#define VM_FAULT_MINOR	0 /* For backwards compat. Remove me quickly. */

#define VM_FAULT_OOM	0x0001
#define VM_FAULT_SIGBUS	0x0002
#define VM_FAULT_MAJOR	0x0004
#define VM_FAULT_WRITE	0x0008	/* Special case for get_user_pages */
#define VM_FAULT_HWPOISON 0x0010	/* Hit poisoned small page */
#define VM_FAULT_HWPOISON_LARGE 0x0020  /* Hit poisoned large page. Index encoded in upper bits */

#define VM_FAULT_NOPAGE	0x0100	/* ->fault installed the pte, not return page */
#define VM_FAULT_LOCKED	0x0200	/* ->fault locked the returned page */
#define VM_FAULT_RETRY	0x0400	/* ->fault blocked, must retry */
#define VM_FAULT_FALLBACK 0x0800	/* huge page fault failed, fall back to small */

#define VM_FAULT_ERROR	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_HWPOISON | \
			 VM_FAULT_FALLBACK | VM_FAULT_HWPOISON_LARGE)

#define NOPAGE_SIGBUS	(NULL)
#define NOPAGE_OOM	((struct page *) (-1))

extern void *high_memory;	/* the end of lowmem (mm/memory.c) */

int remap_pfn_range(struct vm_area_struct *, unsigned long addr,
			unsigned long pfn, unsigned long size, pgprot_t);
int vm_insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			unsigned long pfn);

/* asm-generic/pgtable.h: ARM has no special I/O mapping */
#define io_remap_pfn_range remap_pfn_range

#endif /* _LINUX_MM_VMA_H */
