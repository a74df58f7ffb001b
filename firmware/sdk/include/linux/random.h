#ifndef _LINUX_RANDOM_H
#define _LINUX_RANDOM_H

/*
 * Random numbers, with Linux 3.14's names (drivers/char/random.c, lib/random32.c).  The
 * emulated board has no entropy source: every run starts from the same seed, so a script
 * sees the same numbers each time (never use them for anything secret).
 */

#include <linux/types.h>

struct rnd_state {
	__u32 s1, s2, s3, s4;
};

extern void get_random_bytes(void *buf, int nbytes);
extern unsigned int get_random_int(void);

u32 prandom_u32(void);
void prandom_bytes(void *buf, int nbytes);
void prandom_seed(u32 seed);
u32 prandom_u32_state(struct rnd_state *state);

/* A pseudo-random number in [0, ep_ro) (3.14's inline: the top of prandom_u32() * ep_ro). */
static inline u32 prandom_u32_max(u32 ep_ro)
{
	return (u32)(((u64) prandom_u32() * ep_ro) >> 32);
}

#endif /* _LINUX_RANDOM_H */
