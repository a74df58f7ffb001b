#ifndef _ASMARM_UACCESS_H
#define _ASMARM_UACCESS_H

/*
 * User space memory access (Linux 3.14 arch/arm/include/asm/uaccess.h).
 *
 * The emu4412 kernel exports __copy_from_user(), __copy_to_user() and __clear_user()
 * (arch/arm/lib/uaccess.S): they copy what they can and return the number of bytes NOT
 * copied; a fault on the user side stops the copy (and, for __copy_from_user, the rest
 * of the destination is zeroed).
 *
 * copy_from_user()/copy_to_user()/clear_user() are the 3.14 inlines: access_ok() first
 * (the whole range below TASK_SIZE, 0xBF000000, without wrapping -- the addr_limit of a
 * user task; set_fs(KERNEL_DS) is not supported), then the __ version; if access_ok()
 * fails, copy_from_user() zeroes the destination and all three return n.
 *
 * get_user()/put_user(): 3.14 calls the register-convention helpers __get_user_N /
 * __put_user_N, which the emu4412 kernel does not export.  Here they are macros over
 * copy_from_user()/copy_to_user() with the same results: 0 or -EFAULT, and x = 0 when
 * get_user() fails.  __get_user()/__put_user() skip the access_ok() check.
 */

#include <linux/string.h>
#include <linux/thread_info.h>
#include <linux/errno.h>
#include <asm/memory.h>

#define VERIFY_READ 0
#define VERIFY_WRITE 1

/* Only USER_DS exists: modules always run on behalf of a user task. */
#define USER_DS			TASK_SIZE
#define segment_eq(a,b)		((a) == (b))

/*
 * Test whether a block of memory is a valid user space address.
 * Returns 1 if the range is valid, 0 otherwise.
 */
static inline int __access_ok(unsigned long addr, unsigned long size)
{
	return size <= TASK_SIZE && addr <= TASK_SIZE - size;
}

#define access_ok(type, addr, size)	\
	((void)(type), __access_ok((unsigned long)(addr), (unsigned long)(size)))

#define __addr_ok(addr)		__access_ok((unsigned long)(addr), 0)

extern unsigned long __must_check __copy_from_user(void *to, const void __user *from, unsigned long n);
extern unsigned long __must_check __copy_to_user(void __user *to, const void *from, unsigned long n);
extern unsigned long __must_check __clear_user(void __user *addr, unsigned long n);

#define __copy_to_user_inatomic __copy_to_user
#define __copy_from_user_inatomic __copy_from_user

static inline unsigned long __must_check copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (access_ok(VERIFY_READ, from, n))
		n = __copy_from_user(to, from, n);
	else /* security hole - plug it */
		memset(to, 0, n);
	return n;
}

static inline unsigned long __must_check copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (access_ok(VERIFY_WRITE, to, n))
		n = __copy_to_user(to, from, n);
	return n;
}

static inline unsigned long __must_check clear_user(void __user *to, unsigned long n)
{
	if (access_ok(VERIFY_WRITE, to, n))
		n = __clear_user(to, n);
	return n;
}

/*
 * get_user()/put_user() as on the board (arch/arm/lib/getuser.S, putuser.S): calls with
 * their own register convention -- r0 the user address, r1 the address limit (preserved),
 * the value in r2 (r2:r3 for 8 bytes); r0 comes back 0 or -EFAULT.  get_user() takes 1, 2
 * or 4 bytes, put_user() also 8.
 */
extern int __get_user_1(void *);
extern int __get_user_2(void *);
extern int __get_user_4(void *);
extern int __get_user_bad(void);
extern int __put_user_1(void *, unsigned int);
extern int __put_user_2(void *, unsigned int);
extern int __put_user_4(void *, unsigned int);
extern int __put_user_8(void *, unsigned long long);
extern int __put_user_bad(void);

/*
 * The helpers' registers are fixed: each asm checks at assembly time that the compiler put
 * its operands there (".err" otherwise, as the board's __asmeq does).  The value register
 * of put_user() is not const: gcc 12 propagates a constant held in a const register
 * variable into the asm as an ordinary operand, in any register (the board's tree stops
 * there with ".err encountered"; without the check, put_user() would store the pointer).
 */
#define __uaccess_asmeq(x, y)	".ifnc " x "," y " ; .err ; .endif\n\t"

#define __get_user_x(__r2, __p, __e, __l, __s)				\
	__asm__ __volatile__ (						\
		__uaccess_asmeq("%0", "r0") __uaccess_asmeq("%1", "r2")	\
		__uaccess_asmeq("%3", "r1")				\
		"bl	__get_user_" #__s				\
		: "=&r" (__e), "=r" (__r2)				\
		: "0" (__p), "r" (__l)					\
		: "lr", "cc")

#define get_user(x, p)							\
	({								\
		unsigned long __limit = current_thread_info()->addr_limit - 1; \
		register const typeof(*(p)) __user *__p asm("r0") = (p); \
		register unsigned long __r2 asm("r2");			\
		register unsigned long __l asm("r1") = __limit;		\
		register int __e asm("r0");				\
		switch (sizeof(*(__p))) {				\
		case 1:							\
			__get_user_x(__r2, __p, __e, __l, 1);		\
			break;						\
		case 2:							\
			__get_user_x(__r2, __p, __e, __l, 2);		\
			break;						\
		case 4:							\
			__get_user_x(__r2, __p, __e, __l, 4);		\
			break;						\
		default: __e = __get_user_bad(); break;			\
		}							\
		x = (typeof(*(p))) __r2;				\
		__e;							\
	})

#define __put_user_x(__r2, __p, __e, __l, __s)				\
	__asm__ __volatile__ (						\
		__uaccess_asmeq("%0", "r0") __uaccess_asmeq("%2", "r2")	\
		__uaccess_asmeq("%3", "r1")				\
		"bl	__put_user_" #__s				\
		: "=&r" (__e)						\
		: "0" (__p), "r" (__r2), "r" (__l)			\
		: "ip", "lr", "cc")

#define put_user(x, p)							\
	({								\
		unsigned long __limit = current_thread_info()->addr_limit - 1; \
		const typeof(*(p)) __user *__tmp_p = (p);		\
		register typeof(*(p)) __r2 asm("r2") = (x);	\
		register const typeof(*(p)) __user *__p asm("r0") = __tmp_p; \
		register unsigned long __l asm("r1") = __limit;		\
		register int __e asm("r0");				\
		switch (sizeof(*(__p))) {				\
		case 1:							\
			__put_user_x(__r2, __p, __e, __l, 1);		\
			break;						\
		case 2:							\
			__put_user_x(__r2, __p, __e, __l, 2);		\
			break;						\
		case 4:							\
			__put_user_x(__r2, __p, __e, __l, 4);		\
			break;						\
		case 8:							\
			__put_user_x(__r2, __p, __e, __l, 8);		\
			break;						\
		default: __e = __put_user_bad(); break;			\
		}							\
		__e;							\
	})

/* The unchecked forms (the board inlines ldrt/strt with fixups; here: the copy calls). */
#define __uaccess_get(copy, x, ptr)					\
({									\
	unsigned char __gu_buf[sizeof(*(ptr))]				\
		__attribute__((aligned(__alignof__(*(ptr)))));		\
	int __gu_err = 0;						\
	if (copy(__gu_buf, (ptr), sizeof(*(ptr)))) {			\
		memset(__gu_buf, 0, sizeof(*(ptr)));			\
		__gu_err = -EFAULT;					\
	}								\
	(x) = *(__typeof__(*(ptr)) *)__gu_buf;				\
	__gu_err;							\
})

#define __uaccess_put(copy, x, ptr)					\
({									\
	__typeof__(*(ptr)) __pu_val = (x);				\
	copy((ptr), &__pu_val, sizeof(*(ptr))) ? -EFAULT : 0;		\
})

#define __get_user(x, ptr)	__uaccess_get(__copy_from_user, x, ptr)
#define __put_user(x, ptr)	__uaccess_put(__copy_to_user, x, ptr)

#endif /* _ASMARM_UACCESS_H */
