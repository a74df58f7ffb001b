#ifndef __ASM_ARM_MEMORY_H
#define __ASM_ARM_MEMORY_H

/*
 * The ARM Linux 3.14 kernel virtual memory map of the emulated FS4412 (1 GiB of RAM at
 * physical 0x40000000, 3G/1G split):
 *   0x00000000-0xBEFFFFFF  user space (TASK_SIZE)
 *   0xBF000000-0xBFDFFFFF  modules
 *   0xBFE00000-0xBFFFFFFF  kmap (pkmap) window
 *   0xC0000000-0xEF7FFFFF  lowmem, linear map of physical 0x40000000-0x6F7FFFFF
 *   0xF0000000-0xFF7FFFFF  vmalloc / ioremap
 *   0xFFF00000-0xFFFDFFFF  fixmap (kmap_atomic)
 * virt_to_phys()/phys_to_virt() are valid for lowmem only.  As on the board
 * (CONFIG_ARM_PATCH_PHYS_VIRT), each conversion is one add/sub instruction whose address
 * goes to the .pv_table section; the module loader patches the phys-virt offset into its
 * immediate, and PHYS_OFFSET is the kernel's variable __pv_phys_offset.
 */

#include <linux/const.h>
#include <linux/types.h>
#include <linux/sizes.h>

#define PAGE_OFFSET		UL(0xC0000000)
#define TASK_SIZE		(UL(CONFIG_PAGE_OFFSET) - UL(SZ_16M))
#define TASK_UNMAPPED_BASE	ALIGN(TASK_SIZE / 3, SZ_16M)
#define MODULES_VADDR		(PAGE_OFFSET - SZ_16M)
#define MODULES_END		(PAGE_OFFSET - SZ_2M)
#define PKMAP_BASE		(PAGE_OFFSET - SZ_2M)
#define VMALLOC_START		UL(0xF0000000)	/* high_memory + 8 MiB, rounded (pgtable.h) */
#define VMALLOC_END		UL(0xFF800000)
#define IOREMAP_MAX_ORDER	24

#ifndef __ASSEMBLY__

extern u64 __pv_phys_offset;
extern u64 __pv_offset;
#define PHYS_OFFSET		__pv_phys_offset
#define PHYS_PFN_OFFSET		((unsigned long)(PHYS_OFFSET >> PAGE_SHIFT))

/* The immediate the loader replaces: bits 31-24 of the offset (imm8 0x81, rotation 4). */
#define __PV_BITS_31_24	0x81000000

/* One instruction `INSTR to, from, #imm`, listed in .pv_table for the loader's fix-up. */
#define __pv_stub(from, to, instr, type)		\
	__asm__("@ __pv_stub\n"				\
	"1:	" instr "	%0, %1, %2\n"		\
	"	.pushsection .pv_table,\"a\"\n"		\
	"	.long	1b\n"				\
	"	.popsection\n"				\
	: "=r" (to)					\
	: "r" (from), "I" (type))

static inline phys_addr_t __virt_to_phys(unsigned long x)
{
	phys_addr_t t;

	__pv_stub(x, t, "add", __PV_BITS_31_24);
	return t;
}

static inline unsigned long __phys_to_virt(phys_addr_t x)
{
	unsigned long t;

	__pv_stub(x, t, "sub", __PV_BITS_31_24);
	return t;
}

#define __pa(x)			__virt_to_phys((unsigned long)(x))
#define __va(x)			((void *)__phys_to_virt((phys_addr_t)(x)))
#define pfn_to_kaddr(pfn)	__va((phys_addr_t)(pfn) << PAGE_SHIFT)

static inline phys_addr_t virt_to_phys(const volatile void *x)
{
	return __virt_to_phys((unsigned long)(x));
}

static inline void *phys_to_virt(phys_addr_t x)
{
	return (void *)__phys_to_virt(x);
}

extern void *high_memory;
extern int pfn_valid(unsigned long pfn);
#define virt_addr_valid(kaddr)	(((unsigned long)(kaddr) >= PAGE_OFFSET && \
				  (unsigned long)(kaddr) < (unsigned long)high_memory) \
				 && pfn_valid(__pa(kaddr) >> PAGE_SHIFT))

#define __virt_to_bus	__virt_to_phys
#define __bus_to_virt	__phys_to_virt
#define virt_to_bus(x)	__virt_to_bus((unsigned long)(x))
#define bus_to_virt(x)	((void *)__bus_to_virt(x))

#endif /* __ASSEMBLY__ */

#endif /* __ASM_ARM_MEMORY_H */
