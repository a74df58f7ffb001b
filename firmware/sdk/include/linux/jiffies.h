#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

/*
 * Linux 3.14 include/linux/jiffies.h: the tick counter (HZ = 200 on the board) and the
 * wrap-safe comparisons.  jiffies is the low word of jiffies_64; both start 5 minutes
 * before wrapping, as on the board.
 */

#include <linux/types.h>
#include <linux/kernel.h>

#define HZ		200
#define USER_HZ		100

extern u64 jiffies_64;
extern unsigned long volatile jiffies;

#define INITIAL_JIFFIES ((unsigned long)(unsigned int) (-300*HZ))

#define time_after(a,b)		((long)((b) - (a)) < 0)
#define time_before(a,b)	time_after(b,a)
#define time_after_eq(a,b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a,b)	time_after_eq(b,a)
#define time_in_range(a,b,c)	(time_after_eq(a,b) && time_before_eq(a,c))
#define time_is_before_jiffies(a)	time_after(jiffies, a)
#define time_is_after_jiffies(a)	time_before(jiffies, a)

#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1)-1)

extern unsigned int jiffies_to_msecs(const unsigned long j);
extern unsigned int jiffies_to_usecs(const unsigned long j);
extern unsigned long msecs_to_jiffies(const unsigned int m);
extern unsigned long usecs_to_jiffies(const unsigned int u);

#endif /* _LINUX_JIFFIES_H */
