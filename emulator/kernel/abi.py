"""The FS4412 kernel's ABI: the layouts of the structures modules share with the kernel.

The one source of truth for the emulated kernel and the SDK headers (firmware/sdk/include).
Sizes and offsets are the board's: Linux 3.14 built with the FS4412 .config (SMP, PREEMPT,
DEBUG_SPINLOCK, DEBUG_MUTEXES, SLUB, ARM_UNWIND, AEABI; 32-bit ARM, pointers 4, u64 aligned 8),
measured from the DWARF of modules built against that tree (tools/abiprobe; the builds are
not distributed, README "The board's own kernel ABI"). Only the members the emulator or the SDK use, and a few offsets
that tell layouts apart, are listed, under Linux's names; `size` is always the whole struct.

Checked by tests: tests/unit/test_sdk_headers.py compiles `_Static_assert(offsetof(...))`
probes generated from this table against the SDK headers (for every struct whose header the
SDK has), tests/unit/test_board_abi.py compares the table with abiprobe.ko's DWARF when a build
against the board's tree is at hand (EMU4412_GENUINE).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Struct:
    """A struct's layout on the board: its size and member offsets."""
    name: str                 # the C tag (`struct NAME`)
    size: int
    offsets: dict = field(default_factory=dict)
    header: str = ""          # the Linux header that declares it (for the SDK probe)

    def __getitem__(self, member):
        return self.offsets[member]


def _s(tag, size, header, /, **offsets):
    return Struct(tag, size, offsets, header)


# -- modules ----------------------------------------------------------------------------
MODULE_NAME_LEN = 60
MODULE = _s("module", 344, "linux/module.h", state=0, list=4, name=12, mkobj=72,
            num_syms=148, init=192, module_init=196, module_core=200, init_size=204,
            core_size=208, init_text_size=212, core_text_size=216, arch=228, taints=256,
            args=308, percpu=312, source_list=320, target_list=328, exit=336, refptr=340)

# -- files and character devices -----------------------------------------------------------
FILE_OPERATIONS = _s("file_operations", 108, "linux/fs.h", **{f: 4 * i for i, f in enumerate((
    "owner", "llseek", "read", "write", "aio_read", "aio_write", "iterate", "poll",
    "unlocked_ioctl", "compat_ioctl", "mmap", "open", "flush", "release", "fsync",
    "aio_fsync", "fasync", "lock", "sendpage", "get_unmapped_area", "check_flags", "flock",
    "splice_write", "splice_read", "setlease", "fallocate", "show_fdinfo"))})

KOBJECT = _s("kobject", 36, "linux/kobject.h", name=0, entry=4, parent=12, kset=16, ktype=20,
             sd=24, kref=28)

CDEV = _s("cdev", 60, "linux/cdev.h", kobj=0, owner=36, ops=40, list=44, dev=52, count=56)

INODE = _s("inode", 400, "linux/fs.h", i_mode=0, i_opflags=2, i_uid=4, i_gid=8, i_flags=12,
           i_op=24, i_sb=28, i_mapping=32, i_ino=36, i_nlink=40, i_rdev=44, i_size=48,
           i_lock=80, i_mutex=120, i_count=216, i_fop=228, i_devices=372, i_pipe=380,
           i_bdev=380, i_cdev=380, i_private=396)

FILE = _s("file", 208, "linux/fs.h", f_u=0, f_path=8, f_inode=16, f_op=20, f_lock=24,
          f_count=40, f_flags=44, f_mode=48, f_pos_lock=52, f_pos=96, f_owner=104,
          f_cred=140, f_ra=144, f_version=176, private_data=184, f_mapping=204)

# -- locks and waiting (CONFIG_DEBUG_SPINLOCK, CONFIG_DEBUG_MUTEXES) ----------------------------
#: raw_spinlock_t.magic of an initialised lock, and the "no owner" values (spinlock_debug.c).
SPINLOCK_MAGIC = 0xDEAD4EAD
SPINLOCK_OWNER_INIT = 0xFFFFFFFF
SPINLOCK_CPU_INIT = 0xFFFFFFFF
RAW_SPINLOCK = _s("raw_spinlock", 16, "linux/spinlock_types.h", raw_lock=0, magic=4,
                  owner_cpu=8, owner=12)
SPINLOCK = _s("spinlock", 16, "linux/spinlock_types.h", rlock=0)
MUTEX = _s("mutex", 40, "linux/mutex.h", count=0, wait_lock=4, wait_list=20, owner=28,
           name=32, magic=36)
WAIT_QUEUE_HEAD = _s("__wait_queue_head", 24, "linux/wait.h", lock=0, task_list=16)
WAIT_QUEUE = _s("__wait_queue", 20, "linux/wait.h", flags=0, private=4, func=8, task_list=12)
SEMAPHORE = _s("semaphore", 28, "linux/semaphore.h", lock=0, count=16, wait_list=20)
COMPLETION = _s("completion", 28, "linux/completion.h", done=0, wait=4)
LIST_HEAD = _s("list_head", 8, "linux/types.h", next=0, prev=4)

# -- memory ----------------------------------------------------------------------------------
PAGE = _s("page", 32, "linux/mm_types.h", flags=0, mapping=4, index=8, _mapcount=12,
          _count=16, lru=20, private=28)
#: SLUB's struct kmem_cache (opaque to modules: kmalloc_caches[] only passes pointers).
KMEM_CACHE = _s("kmem_cache", 116, "linux/slub_def.h", cpu_slab=0, flags=4, size=12,
                object_size=16, ctor=48, align=56, name=64, list=68, kobj=76)
#: SPARSEMEM: one per 2^SECTION_SIZE_BITS bytes of physical memory (arch/arm: 28 bits).
MEM_SECTION = _s("mem_section", 8, "linux/mmzone.h", section_mem_map=0, pageblock_flags=4)
PGLIST_DATA = _s("pglist_data", 2624, "linux/mmzone.h", node_zones=0, nr_zones=2532,
                 node_start_pfn=2536, node_present_pages=2540, node_spanned_pages=2544,
                 node_id=2548)
MEMPOOL_S = _s("mempool_s", 64, "linux/mempool.h", lock=0, min_nr=16, curr_nr=20,
               elements=24, pool_data=28, alloc=32, free=36, wait=40)
RESOURCE = _s("resource", 28, "linux/ioport.h", start=0, end=4, name=8, flags=12, parent=16,
              sibling=20, child=24)
VM_AREA_STRUCT = _s("vm_area_struct", 88, "linux/mm_types.h", vm_start=0, vm_end=4,
                    vm_next=8, vm_prev=12, vm_rb=16, rb_subtree_gap=28, vm_mm=32,
                    vm_page_prot=36, vm_flags=40, shared=44, anon_vma_chain=60, anon_vma=68,
                    vm_ops=72, vm_pgoff=76, vm_file=80, vm_private_data=84)
#: 3.14 has no `nopage`: the seed's legacy handler is found another way (kernel/mmap.py).
VM_OPERATIONS_STRUCT = _s("vm_operations_struct", 24, "linux/mm.h", open=0, close=4,
                          fault=8, page_mkwrite=12, access=16, remap_pages=20)
VM_FAULT = _s("vm_fault", 16, "linux/mm.h", flags=0, pgoff=4, virtual_address=8, page=12)

# -- architecture objects modules link against -----------------------------------------------
OUTER_CACHE_FNS = _s("outer_cache_fns", 36, "asm/outercache.h", inv_range=0, clean_range=4,
                     flush_range=8, flush_all=12, inv_all=16, disable=20, sync=24,
                     set_debug=28, resume=32)
ARM_DELAY_OPS = _s("arm_delay_ops", 16, "asm/delay.h", delay=0, const_udelay=4, udelay=8,
                   ticks_per_jiffy=12)
THREAD_INFO = _s("thread_info", 576, "asm/thread_info.h", flags=0, preempt_count=4,
                 addr_limit=8, task=12, cpu=20)
CPUMASK = _s("cpumask", 4, "linux/cpumask.h", bits=0)        # NR_CPUS 8: one word

# -- timers and deferred work (for the interrupt/scheduler work) --------------------------------
TIMER_LIST = _s("timer_list", 28, "linux/timer.h", entry=0, expires=8, base=12, function=16,
                data=20, slack=24)
TASKLET_STRUCT = _s("tasklet_struct", 20, "linux/interrupt.h", next=0, state=4, count=8,
                    func=12, data=16)
WORK_STRUCT = _s("work_struct", 16, "linux/workqueue.h", data=0, entry=4, func=12)
DELAYED_WORK = _s("delayed_work", 52, "linux/workqueue.h", work=0, timer=16, wq=44, cpu=48)

# -- the driver model (sizes for the driver-model work; members as it needs them) -------------
I2C_CLIENT = _s("i2c_client", 344, "linux/i2c.h", flags=0, addr=2, name=4, adapter=24,
                dev=32, irq=328, detected=332)
I2C_DRIVER = _s("i2c_driver", 116, "linux/i2c.h", attach_adapter=4, probe=8, remove=12,
                shutdown=16, suspend=20, resume=24, command=32, driver=36, id_table=96, detect=100,
                address_list=104, clients=108, **{"class": 0})
# -- the I2C core (issue 13): the board's layouts, measured like the others (abiprobe.ko) ----
I2C_ADAPTER = _s("i2c_adapter", 504, "linux/i2c.h", owner=0, algo=8, algo_data=12,
                 bus_lock=16, timeout=64, retries=68, dev=72, nr=368, name=372,
                 dev_released=420, userspace_clients_lock=448, userspace_clients=488,
                 bus_recovery_info=496, **{"class": 4})
I2C_ALGORITHM = _s("i2c_algorithm", 12, "linux/i2c.h", master_xfer=0, smbus_xfer=4,
                   functionality=8)
I2C_MSG = _s("i2c_msg", 12, "linux/i2c.h", addr=0, flags=2, len=4, buf=8)
I2C_BOARD_INFO = _s("i2c_board_info", 40, "linux/i2c.h", type=0, flags=20, addr=22,
                    platform_data=24, archdata=28, of_node=32, irq=36)
#: Multi-touch slots (linux/input/mt.h): input_mt_init_slots' object, slots after the head.
INPUT_MT = _s("input_mt", 24, "linux/input/mt.h", trkid=0, num_slots=4, slot=8, flags=12,
              frame=16, red=20, slots=24)
INPUT_MT_SLOT = _s("input_mt_slot", 64, "linux/input/mt.h", abs=0, frame=56, key=60)
I2C_DEVICE_ID = _s("i2c_device_id", 24, "linux/mod_devicetable.h", name=0, driver_data=20)
INPUT_DEV = _s("input_dev", 768, "linux/input.h", name=0, phys=4, uniq=8, id=12, propbit=20,
               evbit=24, keybit=28, relbit=124, absbit=128, mscbit=136, ledbit=140,
               sndbit=144, ffbit=148, swbit=164, hint_events_per_packet=168, keycodemax=172,
               keycode=180, rep=228, mt=236,
               absinfo=240, key=244, led=340, snd=344, sw=348, open=352, close=356,
               event=364, event_lock=372, mutex=388, users=428, going_away=432, dev=440,
               h_list=736, node=744, num_vals=752, max_vals=756, vals=760,
               devres_managed=764)

# -- issue 12, part 2: measured from abiprobe's DWARF as the rest.
RW_SEMAPHORE = _s("rw_semaphore", 28, "linux/rwsem.h", activity=0, wait_lock=4, wait_list=20)
HRTIMER = _s("hrtimer", 48, "linux/hrtimer.h", node=0, _softexpires=24, function=32, base=36,
             state=40)
TIMERQUEUE_NODE = _s("timerqueue_node", 24, "linux/hrtimer.h", node=0, expires=16)
HRTIMER_CLOCK_BASE = _s("hrtimer_clock_base", 56, "linux/hrtimer.h", cpu_base=0, index=4,
                        clockid=8, active=12, resolution=24, get_time=32, softirq_time=40,
                        offset=48)
INPUT_EVENT = _s("input_event", 16, "linux/input.h", time=0, type=8, code=10, value=12)
INPUT_ID = _s("input_id", 8, "linux/input.h", bustype=0, vendor=2, product=4, version=6)
INPUT_ABSINFO = _s("input_absinfo", 24, "linux/input.h", value=0, minimum=4, maximum=8, fuzz=12,
                   flat=16, resolution=20)

#: Every shared structure by C tag, for the header probe and the DWARF comparison.
STRUCTS = {s.name: s for s in (
    MODULE, FILE_OPERATIONS, KOBJECT, CDEV, INODE, FILE, RAW_SPINLOCK, SPINLOCK, MUTEX,
    WAIT_QUEUE_HEAD, WAIT_QUEUE, SEMAPHORE, COMPLETION, LIST_HEAD, PAGE, KMEM_CACHE,
    MEM_SECTION, PGLIST_DATA, MEMPOOL_S, RESOURCE, VM_AREA_STRUCT, VM_OPERATIONS_STRUCT,
    VM_FAULT, OUTER_CACHE_FNS, ARM_DELAY_OPS, THREAD_INFO, CPUMASK, TIMER_LIST, TASKLET_STRUCT,
    WORK_STRUCT, DELAYED_WORK, I2C_CLIENT, I2C_DRIVER, INPUT_DEV, RW_SEMAPHORE, HRTIMER,
    TIMERQUEUE_NODE, HRTIMER_CLOCK_BASE, INPUT_EVENT, INPUT_ID, INPUT_ABSINFO, I2C_ADAPTER,
    I2C_ALGORITHM, I2C_MSG, I2C_BOARD_INFO, I2C_DEVICE_ID, INPUT_MT, INPUT_MT_SLOT)}
# + the driver model's, below

#: The structs whose layout insmod's ABI guard compares with a module's DWARF: those the
#: emulated kernel reads or writes in module memory (or hands to module code).
GUARDED = ("module", "file", "inode", "cdev", "file_operations", "kobject", "raw_spinlock",
           "mutex", "__wait_queue_head", "page", "resource", "vm_area_struct",
           "vm_operations_struct", "vm_fault", "outer_cache_fns", "arm_delay_ops",
           "mem_section", "thread_info",
           "i2c_driver", "i2c_client", "i2c_adapter", "i2c_msg", "i2c_board_info",
           "i2c_device_id")                                                    # issue 13


def spinlock_bytes():
    """An unlocked, initialised raw_spinlock_t (what __raw_spin_lock_init leaves)."""
    return (0).to_bytes(4, "little") + SPINLOCK_MAGIC.to_bytes(4, "little") + \
        SPINLOCK_CPU_INIT.to_bytes(4, "little") + SPINLOCK_OWNER_INIT.to_bytes(4, "little")


# dev_t encoding (include/linux/kdev_t.h, kernel-internal form).
MINORBITS = 20
MINORMASK = (1 << MINORBITS) - 1


def MKDEV(major, minor):
    return (major << MINORBITS) | minor


def MAJOR(dev):
    return dev >> MINORBITS


def MINOR(dev):
    return dev & MINORMASK


#: The kernel release the SDK stamps into modules (a board file may set the board's own:
#: `[kernel] release`), and the rest of vermagic (include/linux/vermagic.h with SMP,
#: PREEMPT, MODULE_UNLOAD, ARMv7, ARM_PATCH_PHYS_VIRT).
UTS_RELEASE = "3.14.0"
VERMAGIC_TAIL = " SMP preempt mod_unload ARMv7 p2v8 "
VERMAGIC = UTS_RELEASE + VERMAGIC_TAIL


def vermagic(release=UTS_RELEASE):
    return release + VERMAGIC_TAIL


# -- driver model (issue 11) ---------------------------------------------------------------
# The board config's layouts (Linux 3.14, FS4412 .config: DEBUG_SPINLOCK, no ACPI, no
# OF_DYNAMIC), read from the DWARF of a module built against the board's real tree.
# struct device: mutex (40 bytes with DEBUG_MUTEXES) at 52, power (dev_pm_info) 76 bytes at
# 104, devres_lock (16) at 232; acpi_node is empty, so devt shares its offset 224.
DEVICE = _s("device", 296, "linux/device.h", parent=0, p=4, kobj=8, init_name=44, type=48,
             mutex=52, bus=92, driver=96, platform_data=100, power=104, pm_domain=180, pins=184,
             dma_mask=188, coherent_dma_mask=192, dma_parms=200, dma_pools=204, dma_mem=212,
             archdata=216, of_node=220, devt=224, id=228, devres_lock=232, devres_head=248,
             knode_class=256, **{"class": 272}, groups=276, release=280, iommu_group=284)
BUS_TYPE = _s("bus_type", 76, "linux/device.h", name=0, dev_name=4, dev_root=8, dev_attrs=12,
               bus_groups=16, dev_groups=20, drv_groups=24, match=28, uevent=32, probe=36,
               remove=40, shutdown=44, online=48, offline=52, suspend=56, resume=60, pm=64,
               iommu_ops=68, p=72)
DEVICE_DRIVER = _s("device_driver", 60, "linux/device.h", name=0, bus=4, owner=8, mod_name=12,
                    suppress_bind_attrs=16, of_match_table=20, acpi_match_table=24, probe=28,
                    remove=32, shutdown=36, suspend=40, resume=44, groups=48, pm=52, p=56)
PLATFORM_DEVICE = _s("platform_device", 328, "linux/platform_device.h", name=0, id=4, id_auto=8,
                      dev=16, num_resources=312, resource=316, id_entry=320, mfd_cell=324)
PLATFORM_DRIVER = _s("platform_driver", 88, "linux/platform_device.h", probe=0, remove=4,
                      shutdown=8, suspend=12, resume=16, driver=20, id_table=80,
                      prevent_deferred_probe=84)
PLATFORM_DEVICE_INFO = _s("platform_device_info", 40, "linux/platform_device.h", parent=0,
                        name=4, id=8, res=12, num_res=16, data=20, size_data=24, dma_mask=32)
PLATFORM_DEVICE_ID = _s("platform_device_id", 24, "linux/mod_devicetable.h", name=0,
                         driver_data=20)
OF_DEVICE_ID = _s("of_device_id", 196, "linux/mod_devicetable.h", name=0, type=32,
                   compatible=64, data=192)
DEVICE_NODE = _s("device_node", 60, "linux/of.h", name=0, type=4, phandle=8, full_name=12,
                  properties=16, deadprops=20, parent=24, child=28, sibling=32, next=36,
                  allnext=40, pde=44, kref=48, _flags=52, data=56)
PROPERTY = _s("property", 24, "linux/of.h", name=0, length=4, value=8, next=12, _flags=16,
               unique_id=20)
OF_PHANDLE_ARGS = _s("of_phandle_args", 40, "linux/of.h", np=0, args_count=4, args=8)
MISCDEVICE = _s("miscdevice", 36, "linux/miscdevice.h", minor=0, name=4, fops=8, list=12,
                 parent=20, this_device=24, nodename=28, mode=32)
CLASS = _s("class", 60, "linux/device.h", name=0, owner=4, class_attrs=8, dev_groups=12,
            dev_kobj=16, dev_uevent=20, devnode=24, class_release=28, dev_release=32,
            suspend=36, resume=40, ns_type=44, namespace=48, pm=52, p=56)
LED_CLASSDEV = _s("led_classdev", 104, "linux/leds.h", name=0, brightness=4, max_brightness=8,
                   flags=12, brightness_set=16, brightness_get=20, blink_set=24, dev=28,
                   node=32, default_trigger=40, blink_delay_on=44, blink_delay_off=48,
                   blink_timer=52, blink_brightness=80, set_brightness_work=84,
                   delayed_set_value=100)
DRIVER_MODEL_STRUCTS = {s.name: s for s in (
    DEVICE, BUS_TYPE, DEVICE_DRIVER, PLATFORM_DEVICE, PLATFORM_DEVICE_INFO, PLATFORM_DRIVER,
    PLATFORM_DEVICE_ID, OF_DEVICE_ID, DEVICE_NODE, PROPERTY, OF_PHANDLE_ARGS, MISCDEVICE, CLASS, LED_CLASSDEV)}
STRUCTS.update({tag: s for tag, s in DRIVER_MODEL_STRUCTS.items()
                if tag not in ("led_classdev", "of_phandle_args", "platform_device_info")})
# (those three are not in abiprobe.ko; platform_device_info read from a genuine module using
# platform_device_register_simple)


# -- tasks (issue 12): the fields drivers touch; task_struct is 960 bytes on the board --------
TASK_STRUCT = _s("task_struct", 960, "linux/sched.h", state=0, stack=4, pid=456, tgid=460,
                 comm=680)
