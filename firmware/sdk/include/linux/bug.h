#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/stringify.h>
#include <linux/types.h>
#include <linux/printk.h>
#include <asm/bug.h>

/*
 * BUG() is asm/bug.h's undefined instruction.  WARN_ON() in 3.14 calls
 * warn_slowpath_null(), which the emu4412 kernel does not export: here it prints the
 * same first line with printk and carries on (no backtrace).
 */

/* Force a compilation error if condition is true, but also produce a
   result (of value 0 and type size_t), so the expression can be used
   e.g. in a structure initializer (or where-ever else comma expressions
   aren't permitted). */
#define BUILD_BUG_ON_ZERO(e) (sizeof(struct { int:-!!(e); }))
#define BUILD_BUG_ON_NULL(e) ((void *)sizeof(struct { int:-!!(e); }))

/* Force a compilation error if a constant expression is not a power of 2 */
#define BUILD_BUG_ON_NOT_POWER_OF_2(n)			\
	BUILD_BUG_ON((n) == 0 || (((n) & ((n) - 1)) != 0))

#define BUILD_BUG_ON_MSG(cond, msg) \
	do { ((void)sizeof(char[1 - 2 * !!(cond)])); } while (0)
#define BUILD_BUG_ON(condition) \
	BUILD_BUG_ON_MSG(condition, "BUILD_BUG_ON failed: " #condition)
#define BUILD_BUG() BUILD_BUG_ON_MSG(1, "BUILD_BUG failed")

#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#define __WARN_printf(arg...)	do { printk(arg); } while (0)

#ifndef WARN_ON
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		printk(KERN_WARNING "WARNING: at %s:%d %s()\n",		\
		       __FILE__, __LINE__, __func__);			\
	unlikely(__ret_warn_on);					\
})
#endif

#ifndef WARN
#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on)) {					\
		printk(KERN_WARNING "WARNING: at %s:%d %s()\n",		\
		       __FILE__, __LINE__, __func__);			\
		printk(format);						\
	}								\
	unlikely(__ret_warn_on);					\
})
#endif

#define WARN_ON_ONCE(condition)	({				\
	static bool __warned;					\
	int __ret_warn_once = !!(condition);			\
								\
	if (unlikely(__ret_warn_once))				\
		if (WARN_ON(!__warned))				\
			__warned = true;			\
	unlikely(__ret_warn_once);				\
})

#define WARN_ONCE(condition, format...)	({			\
	static bool __warned;					\
	int __ret_warn_once = !!(condition);			\
								\
	if (unlikely(__ret_warn_once))				\
		if (WARN(!__warned, format))			\
			__warned = true;			\
	unlikely(__ret_warn_once);				\
})

#endif	/* _LINUX_BUG_H */
