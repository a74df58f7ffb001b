#ifndef __LINUX_COMPILER_H
#define __LINUX_COMPILER_H

/*
 * Linux 3.14 include/linux/compiler.h + compiler-gcc.h, for GCC without sparse.
 * As on 3.14 ARM (no CONFIG_OPTIMIZE_INLINING), "inline" means always_inline.
 */

#ifndef __ASSEMBLY__

# define __user
# define __kernel
# define __safe
# define __force
# define __nocast
# define __iomem
# define __chk_user_ptr(x) (void)0
# define __chk_io_ptr(x) (void)0
# define __builtin_warning(x, y...) (1)
# define __must_hold(x)
# define __acquires(x)
# define __releases(x)
# define __acquire(x) (void)0
# define __release(x) (void)0
# define __cond_lock(x,c) (c)
# define __percpu
# define __rcu
# define __bitwise__
# define __bitwise

#define notrace __attribute__((no_instrument_function))

#define inline		inline		__attribute__((always_inline)) notrace
#define __inline__	__inline__	__attribute__((always_inline)) notrace
#define __inline	__inline	__attribute__((always_inline)) notrace

#define __always_inline		inline __attribute__((always_inline))
#define noinline		__attribute__((noinline))
#define __deprecated		__attribute__((deprecated))
#define __packed		__attribute__((packed))
#define __weak			__attribute__((weak))
#define __naked			__attribute__((naked)) noinline notrace
#define __noreturn		__attribute__((noreturn))
#define __pure			__attribute__((pure))
#define __aligned(x)		__attribute__((aligned(x)))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __scanf(a, b)		__attribute__((format(scanf, a, b)))
#define __attribute_const__	__attribute__((__const__))
#define __maybe_unused		__attribute__((unused))
#define __always_unused		__attribute__((unused))
#define __used			__attribute__((__used__))
#define __must_check		__attribute__((warn_unused_result))
#define __cold			__attribute__((__cold__))
#define __visible		__attribute__((externally_visible))
#define __section(S)		__attribute__ ((__section__(#S)))
#define __compiler_offsetof(a, b) __builtin_offsetof(a, b)
#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* Optimization barrier */
#define barrier() __asm__ __volatile__("": : :"memory")

#define unreachable() __builtin_unreachable()

#define ___PASTE(a,b) a##b
#define __PASTE(a,b) ___PASTE(a,b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* Force one access of the variable (a volatile access). */
#define ACCESS_ONCE(x) (*(volatile typeof(x) *)&(x))

#define uninitialized_var(x) x = x

#define __compiletime_error(message) __attribute__((error(message)))
#define __compiletime_warning(message) __attribute__((warning(message)))

#endif /* __ASSEMBLY__ */

#endif /* __LINUX_COMPILER_H */
