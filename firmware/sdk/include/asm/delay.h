#ifndef __ASM_ARM_DELAY_H
#define __ASM_ARM_DELAY_H

/*
 * Busy-wait delays (Linux 3.14 arch/arm/include/asm/delay.h).  3.14 goes through
 * arm_delay_ops; the emu4412 kernel exports __udelay(usecs), which advances virtual time.
 * MAX_UDELAY_MS as 3.14: longer udelay() calls are a bug (mdelay() splits them).
 */

#define MAX_UDELAY_MS	2

extern void __udelay(unsigned long usecs);

#define udelay(n)	__udelay(n)

#endif /* defined(_ARM_DELAY_H) */
