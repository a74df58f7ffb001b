#ifndef _ASMARM_BUG_H
#define _ASMARM_BUG_H

#include <linux/compiler.h>
#include <linux/stringify.h>

/*
 * Linux 3.14 arch/arm/include/asm/bug.h: BUG() executes the permanently undefined
 * instruction BUG_INSTR_VALUE (0xe7f001f2, ARM state) and records the file and line in
 * the __bug_table section (struct bug_entry: bug_addr, file, line, flags).  The kernel's
 * undefined-instruction handler turns it into "kernel BUG at file:line!" and an oops.
 */
#define BUG_INSTR_VALUE 0xe7f001f2
#define BUG_INSTR(__value) __stringify(.word __value)

#define BUG() _BUG(__FILE__, __LINE__, BUG_INSTR_VALUE)
#define _BUG(file, line, value) __BUG(file, line, value)

#define __BUG(__file, __line, __value)				\
do {								\
	asm volatile("1:\t" BUG_INSTR(__value) "\n"		\
		".pushsection .rodata.str, \"aMS\", %progbits, 1\n" \
		"2:\t.asciz " #__file "\n" 			\
		".popsection\n" 				\
		".pushsection __bug_table,\"a\"\n"		\
		"3:\t.word 1b, 2b\n"				\
		"\t.hword " #__line ", 0\n"			\
		".popsection");					\
	unreachable();						\
} while (0)

#define HAVE_ARCH_BUG

#endif /* _ASMARM_BUG_H */
