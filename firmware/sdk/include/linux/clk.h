#ifndef __LINUX_CLK_H
#define __LINUX_CLK_H

/*
 * emu4412 SDK: the clock API (Linux 3.14 include/linux/clk.h, COMMON_CLK). Clocks come from
 * the device's `clocks`/`clock-names` in the tree; the gates run at 100 MHz (aclk100).
 */

#include <linux/err.h>
#include <linux/kernel.h>

struct device;
struct clk;

extern int clk_prepare(struct clk *clk);
extern void clk_unprepare(struct clk *clk);
extern struct clk *clk_get(struct device *dev, const char *id);
extern struct clk *devm_clk_get(struct device *dev, const char *id);
extern int clk_enable(struct clk *clk);
extern void clk_disable(struct clk *clk);
extern unsigned long clk_get_rate(struct clk *clk);
extern void clk_put(struct clk *clk);

static inline int clk_prepare_enable(struct clk *clk)
{
	int ret;

	ret = clk_prepare(clk);
	if (ret)
		return ret;
	ret = clk_enable(clk);
	if (ret)
		clk_unprepare(clk);

	return ret;
}

static inline void clk_disable_unprepare(struct clk *clk)
{
	clk_disable(clk);
	clk_unprepare(clk);
}

#endif /* __LINUX_CLK_H */
