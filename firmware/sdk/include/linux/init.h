#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

/*
 * Linux 3.14 include/linux/init.h for code built as a module (MODULE defined).
 *
 * __init code goes to .init.text (freed by the kernel after init_module returns),
 * __exit code to .exit.text.  module_init(fn) makes init_module an alias of fn,
 * module_exit(fn) makes cleanup_module an alias of fn; modpost points
 * __this_module.init/.exit at them.
 */

#include <linux/compiler.h>
#include <linux/types.h>

/* These are for everybody (although not all archs will actually
   discard it in modules) */
#define __init		__section(.init.text) __cold notrace
#define __initdata	__section(.init.data)
#define __initconst	__constsection(.init.rodata)
#define __exitdata	__section(.exit.data)
#define __exit_call	__used __section(.exitcall.exit)

#define __constsection(x) __section(x)

#ifdef MODULE
#define __exitused
#else
#define __exitused  __used
#endif

#define __exit          __section(.exit.text) __exitused __cold notrace

/* Used for MEMORY_HOTPLUG / HOTPLUG_CPU (3.14 keeps the markers) */
#define __meminit	__init
#define __meminitdata	__initdata
#define __cpuinit
#define __cpuinitdata
#define __devinit
#define __devinitdata
#define __devexit
#define __devexit_p(x)	x

#ifndef __ASSEMBLY__
/*
 * Used for initialization calls..
 */
typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);
#endif

#ifndef MODULE

#define module_init(x)	__initcall(x);
#define module_exit(x)	__exitcall(x);

#else /* MODULE */

/* Don't use these in loadable modules, but some people do... */
#define early_initcall(fn)		module_init(fn)
#define core_initcall(fn)		module_init(fn)
#define postcore_initcall(fn)		module_init(fn)
#define arch_initcall(fn)		module_init(fn)
#define subsys_initcall(fn)		module_init(fn)
#define fs_initcall(fn)			module_init(fn)
#define device_initcall(fn)		module_init(fn)
#define late_initcall(fn)		module_init(fn)

#define security_initcall(fn)		module_init(fn)

/*
 * GCC >= 9 warns when an alias has fewer attributes (cold, section) than its target;
 * later kernels copy them with __copy(), which changes nothing in the code.
 */
#if __GNUC__ >= 9
#define __copy(symbol)	__attribute__((__copy__(symbol)))
#else
#define __copy(symbol)
#endif

/* Each module must use one module_init(). */
#define module_init(initfn)					\
	static inline initcall_t __inittest(void)		\
	{ return initfn; }					\
	int init_module(void) __copy(initfn) __attribute__((alias(#initfn)));

/* This is only required if you want to be unloadable. */
#define module_exit(exitfn)					\
	static inline exitcall_t __exittest(void)		\
	{ return exitfn; }					\
	void cleanup_module(void) __copy(exitfn) __attribute__((alias(#exitfn)));

#define __setup_param(str, unique_id, fn)	/* nothing */
#define __setup(str, func) 			/* nothing */
#endif

/* Data marked not to be saved by software suspend */
#define __nosavedata __section(.data..nosave)

#ifdef MODULE
#define __exit_p(x) x
#else
#define __exit_p(x) NULL
#endif

#endif /* _LINUX_INIT_H */
