#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H

/*
 * ktime_t as the board's 3.14 kernel has it: CONFIG_KTIME_SCALAR (ARM selects it), so a
 * ktime_t is one signed 64-bit count of nanoseconds in a union, passed in a register pair.
 * The arithmetic is inline; reading the clocks calls the kernel (kernel/time/timekeeping.c),
 * which gives the board's virtual time.
 */

#include <linux/types.h>
#include <linux/time.h>

union ktime {
	s64	tv64;
};
typedef union ktime ktime_t;

#define KTIME_MAX	((s64)~((u64)1 << 63))
#define KTIME_SEC_MAX	(KTIME_MAX / NSEC_PER_SEC)

static inline ktime_t ktime_set(const long secs, const unsigned long nsecs)
{
	if (secs >= KTIME_SEC_MAX)
		return (ktime_t){ .tv64 = KTIME_MAX };
	return (ktime_t){ .tv64 = (s64)secs * NSEC_PER_SEC + (s64)nsecs };
}

#define ktime_add(a, b)		({ (ktime_t){ .tv64 = (a).tv64 + (b).tv64 }; })
#define ktime_sub(a, b)		({ (ktime_t){ .tv64 = (a).tv64 - (b).tv64 }; })
#define ktime_add_ns(kt, ns)	({ (ktime_t){ .tv64 = (kt).tv64 + (ns) }; })
#define ktime_sub_ns(kt, ns)	({ (ktime_t){ .tv64 = (kt).tv64 - (ns) }; })
#define ktime_to_ns(kt)		((kt).tv64)

static inline int ktime_equal(const ktime_t a, const ktime_t b)
{
	return a.tv64 == b.tv64;
}

static inline int ktime_compare(const ktime_t a, const ktime_t b)
{
	if (a.tv64 < b.tv64)
		return -1;
	return a.tv64 > b.tv64;
}

static inline s64 ktime_to_us(const ktime_t kt)
{
	return kt.tv64 / NSEC_PER_USEC;
}

static inline s64 ktime_to_ms(const ktime_t kt)
{
	return kt.tv64 / NSEC_PER_MSEC;
}

static inline s64 ktime_us_delta(const ktime_t later, const ktime_t earlier)
{
	return ktime_to_us(ktime_sub(later, earlier));
}

static inline ktime_t ktime_add_us(const ktime_t kt, const u64 usec)
{
	return ktime_add_ns(kt, usec * NSEC_PER_USEC);
}

static inline ktime_t ktime_add_ms(const ktime_t kt, const u64 msec)
{
	return ktime_add_ns(kt, msec * NSEC_PER_MSEC);
}

static inline ktime_t ns_to_ktime(u64 ns)
{
	return (ktime_t){ .tv64 = ns };
}

static inline ktime_t ms_to_ktime(u64 ms)
{
	return ktime_add_ms((ktime_t){ .tv64 = 0 }, ms);
}

struct timespec;

extern ktime_t ktime_add_safe(const ktime_t lhs, const ktime_t rhs);
extern ktime_t ktime_get(void);
extern ktime_t ktime_get_real(void);
extern ktime_t ktime_get_boottime(void);
extern ktime_t ktime_get_clocktai(void);
extern void ktime_get_ts(struct timespec *ts);

#endif /* _LINUX_KTIME_H */
