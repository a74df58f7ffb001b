/*
 * boardabi.c - exercises, at insmod, the calls the board's headers turn inline code into
 * (issue 9): mutexes (__mutex_init, mutex_lock/trylock/unlock), spinlock initialisation
 * (__raw_spin_lock_init: magic and owner), the SMP bit operations and searches, the
 * population count, per-CPU iteration through cpu_possible_mask, preempt_count_add/sub,
 * smp_processor_id(), and udelay()/mdelay() through arm_delay_ops.  Prints
 * "boardabi: N passed, M failed" and the virtual time the delays took.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/delay.h>
#include <linux/slab.h>

static int passed, failed;

#define CHECK(cond, what)						\
	do {								\
		if (cond)						\
			passed++;					\
		else {							\
			failed++;					\
			printk(KERN_ERR "boardabi: FAIL %s\n", what);	\
		}							\
	} while (0)

static DEFINE_MUTEX(static_mutex);

static int __init boardabi_init(void)
{
	struct mutex *m = kmalloc(sizeof(*m), GFP_KERNEL);
	spinlock_t lock;
	unsigned long bits[2] = { 0, 0 };
	int cpu, n = 0, id;

	if (!m)
		return -ENOMEM;
	mutex_init(m);
	CHECK(!mutex_is_locked(m), "mutex_init leaves it unlocked");
	CHECK(m->magic == m, "mutex magic");
	mutex_lock(m);
	CHECK(mutex_is_locked(m), "mutex_lock locks");
	CHECK(!mutex_trylock(m), "mutex_trylock of a held mutex fails");
	mutex_unlock(m);
	CHECK(mutex_trylock(m), "mutex_trylock of a free mutex");
	mutex_unlock(m);
	mutex_lock(&static_mutex);
	CHECK(static_mutex.magic == &static_mutex, "DEFINE_MUTEX magic");
	mutex_unlock(&static_mutex);
	kfree(m);

	spin_lock_init(&lock);
	CHECK(lock.rlock.magic == SPINLOCK_MAGIC, "spinlock magic");
	CHECK(lock.rlock.owner == SPINLOCK_OWNER_INIT && lock.rlock.owner_cpu == -1,
	      "spinlock owner");
	spin_lock(&lock);
	CHECK(lock.rlock.owner_cpu == 0, "spin_lock records the CPU");
	spin_unlock(&lock);

	set_bit(3, bits);
	set_bit(40, bits);
	CHECK(bits[0] == 8 && bits[1] == 0x100, "set_bit");
	CHECK(test_and_set_bit(3, bits) == 1 && test_and_clear_bit(40, bits) == 1,
	      "test_and_set/clear_bit");
	change_bit(0, bits);
	clear_bit(3, bits);
	CHECK(bits[0] == 1 && bits[1] == 0, "change_bit, clear_bit");
	CHECK(find_next_bit(bits, 64, 1) == 64 && find_first_bit(bits, 64) == 0,
	      "find_next_bit");
	CHECK(find_first_zero_bit(bits, 64) == 1, "find_first_zero_bit");
	CHECK(hweight32(bits[0] | 0xF0) == 5, "hweight32");

	for_each_possible_cpu(cpu)
		n++;
	CHECK(n == 4 && num_possible_cpus() == 4 && nr_cpu_ids == 4, "4 possible CPUs");
	CHECK(per_cpu_offset(1) > per_cpu_offset(0), "__per_cpu_offset");

	preempt_disable();
	CHECK(preempt_count() == 1, "preempt_disable counts");
	id = smp_processor_id();
	preempt_enable();
	CHECK(id == 0 && preempt_count() == 0, "preempt_enable, smp_processor_id");

	printk(KERN_INFO "boardabi: delay start\n");
	udelay(100);
	mdelay(5);
	printk(KERN_INFO "boardabi: delay end\n");

	printk(KERN_INFO "boardabi: %d passed, %d failed\n", passed, failed);
	return 0;
}

static void __exit boardabi_exit(void)
{
}

module_init(boardabi_init);
module_exit(boardabi_exit);
MODULE_LICENSE("GPL");
