/*
 * abiprobe: one object of every kernel structure emu4412 shares with modules, so the DWARF
 * of this module, built against the board's kernel tree, records their sizes and member
 * offsets in the board's configuration. Never loaded: tests/unit/test_board_abi.py reads it
 * (from EMU4412_GENUINE) against emulator/kernel/abi.py.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/slub_def.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/semaphore.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/completion.h>
#include <linux/timer.h>
#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <linux/device.h>
#include <linux/platform_device.h>
#include <linux/mod_devicetable.h>
#include <linux/miscdevice.h>
#include <linux/i2c.h>
#include <linux/input.h>
#include <linux/input/mt.h>
#include <linux/rwsem.h>
#include <linux/hrtimer.h>
#include <linux/cpumask.h>
#include <asm/outercache.h>
#include <asm/delay.h>
#include <asm/thread_info.h>

struct module abi_module;
struct file abi_file;
struct inode abi_inode;
struct cdev abi_cdev;
struct file_operations abi_file_operations;
struct kobject abi_kobject;
spinlock_t abi_spinlock;
raw_spinlock_t abi_raw_spinlock;
struct mutex abi_mutex;
wait_queue_head_t abi_wait_queue_head;
wait_queue_t abi_wait_queue;
struct semaphore abi_semaphore;
struct completion abi_completion;
struct page abi_page;
struct kmem_cache abi_kmem_cache;
struct vm_area_struct abi_vm_area_struct;
struct vm_operations_struct abi_vm_operations_struct;
struct vm_fault abi_vm_fault;
struct resource abi_resource;
mempool_t abi_mempool;
struct device abi_device;
struct device_driver abi_device_driver;
struct platform_device abi_platform_device;
struct platform_driver abi_platform_driver;
struct of_device_id abi_of_device_id;
struct class abi_class;
struct miscdevice abi_miscdevice;
struct timer_list abi_timer_list;
struct tasklet_struct abi_tasklet_struct;
struct work_struct abi_work_struct;
struct delayed_work abi_delayed_work;
struct i2c_client abi_i2c_client;
struct i2c_driver abi_i2c_driver;
struct i2c_adapter abi_i2c_adapter;
struct i2c_algorithm abi_i2c_algorithm;
struct i2c_msg abi_i2c_msg;
struct i2c_board_info abi_i2c_board_info;
struct i2c_device_id abi_i2c_device_id;
struct input_dev abi_input_dev;
/* issue 12, part 2 (abi.PART2_STRUCTS) */
struct rw_semaphore abi_rw_semaphore;
struct hrtimer abi_hrtimer;
struct timerqueue_node abi_timerqueue_node;
struct hrtimer_clock_base abi_hrtimer_clock_base;
struct input_event abi_input_event;
struct input_id abi_input_id;
struct input_absinfo abi_input_absinfo;
struct input_mt abi_input_mt;
struct input_mt_slot abi_input_mt_slot;
struct list_head abi_list_head;
struct outer_cache_fns abi_outer_cache_fns;
struct arm_delay_ops abi_arm_delay_ops;
struct mem_section abi_mem_section;
struct pglist_data abi_pglist_data;
struct thread_info abi_thread_info;
struct cpumask abi_cpumask;

MODULE_LICENSE("GPL");
