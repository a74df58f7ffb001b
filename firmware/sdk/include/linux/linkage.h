#ifndef _LINUX_LINKAGE_H
#define _LINUX_LINKAGE_H

#include <linux/compiler.h>
#include <linux/stringify.h>

#define asmlinkage
#define __page_aligned_data	__section(.data..page_aligned) __aligned(PAGE_SIZE)
#define __page_aligned_bss	__section(.bss..page_aligned) __aligned(PAGE_SIZE)

#ifdef __ASSEMBLY__
#define ALIGN .align 0
#define ENTRY(name) \
	.globl name; \
	ALIGN; \
	name:
#define END(name) \
	.size name, .-name
#define ENDPROC(name) \
	.type name, %function; \
	END(name)
#endif

#endif /* _LINUX_LINKAGE_H */
