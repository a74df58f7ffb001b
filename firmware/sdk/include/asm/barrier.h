#ifndef __ASM_BARRIER_H
#define __ASM_BARRIER_H

/*
 * Linux 3.14 arch/arm/include/asm/barrier.h for ARMv7 with CONFIG_ARM_DMA_MEM_BUFFERABLE
 * and CONFIG_SMP: mb() and wmb() also drain the L2 cache's buffers (outer_sync(), through
 * the kernel's outer_cache), as on the board.
 */

#ifndef __ASSEMBLY__
#include <asm/outercache.h>
#endif

#define nop() __asm__ __volatile__("mov\tr0,r0\t@ nop\n\t");

#define sev()	__asm__ __volatile__ ("sev" : : : "memory")
#define wfe()	__asm__ __volatile__ ("wfe" : : : "memory")
#define wfi()	__asm__ __volatile__ ("wfi" : : : "memory")

#define isb(option) __asm__ __volatile__ ("isb " #option : : : "memory")
#define dsb(option) __asm__ __volatile__ ("dsb " #option : : : "memory")
#define dmb(option) __asm__ __volatile__ ("dmb " #option : : : "memory")

#define mb()		do { dsb(); outer_sync(); } while (0)
#define rmb()		dsb()
#define wmb()		do { dsb(st); outer_sync(); } while (0)

#define smp_mb()	dmb(ish)
#define smp_rmb()	smp_mb()
#define smp_wmb()	dmb(ishst)

#define read_barrier_depends()		do { } while(0)
#define smp_read_barrier_depends()	do { } while(0)

#define set_mb(var, value)	do { var = value; smp_mb(); } while (0)

#define smp_mb__before_atomic_dec()	smp_mb()
#define smp_mb__after_atomic_dec()	smp_mb()
#define smp_mb__before_atomic_inc()	smp_mb()
#define smp_mb__after_atomic_inc()	smp_mb()

#endif /* __ASM_BARRIER_H */
