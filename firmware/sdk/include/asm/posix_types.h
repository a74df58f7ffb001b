#ifndef __ARCH_ARM_POSIX_TYPES_H
#define __ARCH_ARM_POSIX_TYPES_H

/* arch/arm/include/uapi/asm/posix_types.h + asm-generic/posix_types.h (Linux 3.14). */

typedef long			__kernel_long_t;
typedef unsigned long		__kernel_ulong_t;
typedef __kernel_ulong_t	__kernel_ino_t;
typedef unsigned short		__kernel_mode_t;
typedef unsigned short		__kernel_ipc_pid_t;
typedef unsigned short		__kernel_uid_t;
typedef unsigned short		__kernel_gid_t;
typedef unsigned short		__kernel_old_dev_t;
typedef int			__kernel_pid_t;
typedef __kernel_long_t		__kernel_suseconds_t;
typedef int			__kernel_daddr_t;
typedef unsigned int		__kernel_uid32_t;
typedef unsigned int		__kernel_gid32_t;
typedef __kernel_uid_t		__kernel_old_uid_t;
typedef __kernel_gid_t		__kernel_old_gid_t;
typedef unsigned int		__kernel_size_t;
typedef int			__kernel_ssize_t;
typedef int			__kernel_ptrdiff_t;
typedef struct {
	int	val[2];
} __kernel_fsid_t;
typedef __kernel_long_t		__kernel_off_t;
typedef long long		__kernel_loff_t;
typedef __kernel_long_t		__kernel_time_t;
typedef __kernel_long_t		__kernel_clock_t;
typedef int			__kernel_timer_t;
typedef int			__kernel_clockid_t;
typedef char *			__kernel_caddr_t;
typedef unsigned short		__kernel_uid16_t;
typedef unsigned short		__kernel_gid16_t;

#endif /* __ARCH_ARM_POSIX_TYPES_H */
