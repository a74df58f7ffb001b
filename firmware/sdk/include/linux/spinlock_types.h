#ifndef __LINUX_SPINLOCK_TYPES_H
#define __LINUX_SPINLOCK_TYPES_H

/*
 * Linux 3.14 spinlock types for ARM (arch_spinlock_t is the ticket lock of
 * arch/arm/include/asm/spinlock_types.h) with the board's CONFIG_DEBUG_SPINLOCK: a
 * raw_spinlock_t also holds a magic word and its owner (task and CPU), 16 bytes
 * (emulator/kernel/abi.py: RAW_SPINLOCK).  The kernel checks them as
 * kernel/locking/spinlock_debug.c does ("BUG: spinlock bad magic", "... wrong owner").
 */

#include <linux/types.h>

#define TICKET_SHIFT	16

typedef struct {
	union {
		u32 slock;
		struct __raw_tickets {
			u16 owner;
			u16 next;
		} tickets;
	};
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED	{ { 0 } }

typedef struct raw_spinlock {
	arch_spinlock_t raw_lock;
	unsigned int magic, owner_cpu;
	void *owner;
} raw_spinlock_t;

#define SPINLOCK_MAGIC		0xdead4ead
#define SPINLOCK_OWNER_INIT	((void *)-1L)

#define __RAW_SPIN_LOCK_INITIALIZER(lockname)	\
	{ .raw_lock = __ARCH_SPIN_LOCK_UNLOCKED,	\
	  .magic = SPINLOCK_MAGIC,			\
	  .owner_cpu = -1,				\
	  .owner = SPINLOCK_OWNER_INIT }

#define __RAW_SPIN_LOCK_UNLOCKED(lockname)	\
	(raw_spinlock_t) __RAW_SPIN_LOCK_INITIALIZER(lockname)

#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)

typedef struct spinlock {
	struct raw_spinlock rlock;
} spinlock_t;

#define __SPIN_LOCK_INITIALIZER(lockname) \
	{ .rlock = __RAW_SPIN_LOCK_INITIALIZER(lockname) }

#define __SPIN_LOCK_UNLOCKED(lockname) \
	(spinlock_t ) __SPIN_LOCK_INITIALIZER(lockname)

/* rwlock_t (linux/rwlock_types.h): the ARM rwlock word and the same debug fields. */
typedef struct {
	u32 lock;
} arch_rwlock_t;

#define RWLOCK_MAGIC		0xdeaf1eed

typedef struct {
	arch_rwlock_t raw_lock;
	unsigned int magic, owner_cpu;
	void *owner;
} rwlock_t;

#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

#endif /* __LINUX_SPINLOCK_TYPES_H */
