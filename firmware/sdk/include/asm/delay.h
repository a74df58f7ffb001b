#ifndef __ASM_ARM_DELAY_H
#define __ASM_ARM_DELAY_H

/*
 * Linux 3.14 arch/arm/include/asm/delay.h: busy-wait delays go through the kernel's
 * arm_delay_ops (emulator/kernel/abi.py: ARM_DELAY_OPS), as on the board.  A constant
 * udelay(n) calls const_udelay with n * UDELAY_MULT "xloops" (2^32 / 10^6 * HZ per
 * microsecond, HZ 200), a variable one calls udelay(n); constants above
 * MAX_UDELAY_MS ms do not link (__bad_udelay), as on the board.
 */

#include <linux/types.h>

#define MAX_UDELAY_MS	2
#define HZ_FOR_UDELAY	200
#define UDELAY_MULT	((2199023UL * HZ_FOR_UDELAY) >> 11)
#define UDELAY_SHIFT	30

struct arm_delay_ops {
	void (*delay)(unsigned long);
	void (*const_udelay)(unsigned long);
	void (*udelay)(unsigned long);
	unsigned long ticks_per_jiffy;
};

extern struct arm_delay_ops arm_delay_ops;

#define __delay(n)		arm_delay_ops.delay(n)

/* Not defined anywhere: a constant udelay() above MAX_UDELAY_MS ms fails to link. */
extern void __bad_udelay(void);

#define __udelay(n)		arm_delay_ops.udelay(n)
#define __const_udelay(n)	arm_delay_ops.const_udelay(n)

#define udelay(n)							\
	(__builtin_constant_p(n) ?					\
	  ((n) > (MAX_UDELAY_MS * 1000) ? __bad_udelay() :		\
			__const_udelay((n) * UDELAY_MULT)) :		\
	  __udelay(n))

#endif /* __ASM_ARM_DELAY_H */
