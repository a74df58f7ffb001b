#ifndef __ASM_OUTERCACHE_H
#define __ASM_OUTERCACHE_H

/*
 * Linux 3.14 arch/arm/include/asm/outercache.h with the board's CONFIG_OUTER_CACHE and
 * CONFIG_OUTER_CACHE_SYNC (the Cortex-A9's PL310 L2 controller): the kernel exports
 * outer_cache, and wmb()/mb() (so every writel()) call outer_cache.sync through it.
 * emulator/kernel/abi.py: OUTER_CACHE_FNS.
 */

#include <linux/types.h>

struct outer_cache_fns {
	void (*inv_range)(unsigned long, unsigned long);
	void (*clean_range)(unsigned long, unsigned long);
	void (*flush_range)(unsigned long, unsigned long);
	void (*flush_all)(void);
	void (*inv_all)(void);
	void (*disable)(void);
	void (*sync)(void);
	void (*set_debug)(unsigned long);
	void (*resume)(void);
};

extern struct outer_cache_fns outer_cache;

static inline void outer_inv_range(phys_addr_t start, phys_addr_t end)
{
	if (outer_cache.inv_range)
		outer_cache.inv_range(start, end);
}

static inline void outer_clean_range(phys_addr_t start, phys_addr_t end)
{
	if (outer_cache.clean_range)
		outer_cache.clean_range(start, end);
}

static inline void outer_flush_range(phys_addr_t start, phys_addr_t end)
{
	if (outer_cache.flush_range)
		outer_cache.flush_range(start, end);
}

static inline void outer_sync(void)
{
	if (outer_cache.sync)
		outer_cache.sync();
}

#endif /* __ASM_OUTERCACHE_H */
