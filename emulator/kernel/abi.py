"""Layouts of the kernel structures shared between guest C code and Python.

The one source of truth for the SDK headers (firmware/sdk/include): tests generate a C probe of
``_Static_assert(offsetof(...))`` lines from this table and compile it against the headers.
Fields follow Linux 3.14 names and order; structures are trimmed to what drivers and the
emulator touch. Sizes are in bytes, 32-bit ARM EABI (pointers 4, loff_t 8 aligned 8).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Struct:
    name: str
    offsets: dict
    size: int

    def __getitem__(self, field):
        return self.offsets[field]


def _layout(name, fields, align=4):
    """fields: (name, size[, alignment]) in declaration order -> Struct with natural alignment."""
    offsets, pos, max_align = {}, 0, 1
    for entry in fields:
        fname, size = entry[0], entry[1]
        falign = entry[2] if len(entry) > 2 else min(size, 4)
        pos = (pos + falign - 1) // falign * falign
        offsets[fname] = pos
        pos += size
        max_align = max(max_align, falign)
    size = (pos + max_align - 1) // max_align * max_align
    return Struct(name, offsets, size)


P = 4  # pointer / unsigned long

FILE_OPERATIONS = _layout("file_operations", [(f, P) for f in (
    "owner", "llseek", "read", "write", "aio_read", "aio_write", "iterate", "poll",
    "unlocked_ioctl", "compat_ioctl", "mmap", "open", "flush", "release", "fsync",
    "aio_fsync", "fasync", "lock", "sendpage", "get_unmapped_area", "check_flags", "flock",
    "splice_write", "splice_read", "setlease", "fallocate", "show_fdinfo")])

KOBJECT = _layout("kobject", [
    ("name", P), ("entry", 8), ("parent", P), ("kset", P), ("ktype", P), ("sd", P),
    ("kref", 4), ("state_flags", 4)])

CDEV = _layout("cdev", [
    ("kobj", KOBJECT.size), ("owner", P), ("ops", P), ("list", 8), ("dev", 4), ("count", 4)])

INODE = _layout("inode", [
    ("i_mode", 2), ("i_opflags", 2), ("i_uid", 4), ("i_gid", 4), ("i_flags", 4),
    ("i_op", P), ("i_sb", P), ("i_mapping", P), ("i_ino", P), ("i_nlink", 4), ("i_rdev", 4),
    ("i_size", 8, 8), ("i_count", 4), ("i_fop", P), ("i_devices", 8), ("i_pipe", P),
    ("i_bdev", P), ("i_cdev", P), ("i_private", P)])

FILE = _layout("file", [
    ("f_u", 8), ("f_path", 8), ("f_inode", P), ("f_op", P), ("f_lock", 4), ("f_count", 4),
    ("f_flags", 4), ("f_mode", 4), ("f_pos", 8, 8), ("f_cred", P), ("private_data", P),
    ("f_mapping", P)])

MODULE_NAME_LEN = 60
MODULE = _layout("module", [
    ("state", 4), ("list", 8), ("name", MODULE_NAME_LEN), ("init", P), ("exit", P),
    ("module_core", P), ("core_size", 4), ("refcnt", 4)])

# include/linux/ioport.h (resource_size_t is 32-bit: no LPAE).
RESOURCE = _layout("resource", [
    ("start", 4), ("end", 4), ("name", P), ("flags", P), ("parent", P), ("sibling", P),
    ("child", P)])

# include/linux/mm_types.h and mm.h (no NUMA; `nopage` is the emu4412 legacy extension).
VM_AREA_STRUCT = _layout("vm_area_struct", [
    ("vm_start", P), ("vm_end", P), ("vm_next", P), ("vm_prev", P), ("vm_rb", 12),
    ("rb_subtree_gap", P), ("vm_mm", P), ("vm_page_prot", 4), ("vm_flags", P), ("shared", 16),
    ("anon_vma_chain", 8), ("anon_vma", P), ("vm_ops", P), ("vm_pgoff", P), ("vm_file", P),
    ("vm_private_data", P)])

VM_OPERATIONS_STRUCT = _layout("vm_operations_struct", [(f, P) for f in (
    "open", "close", "fault", "page_mkwrite", "access", "remap_pages", "nopage")])

VM_FAULT = _layout("vm_fault", [("flags", 4), ("pgoff", P), ("virtual_address", P), ("page", P)])

#: Every shared structure, for the header probe test.
STRUCTS = {s.name: s for s in (FILE_OPERATIONS, KOBJECT, CDEV, INODE, FILE, MODULE, RESOURCE,
                               VM_AREA_STRUCT, VM_OPERATIONS_STRUCT, VM_FAULT)}

# dev_t encoding (include/linux/kdev_t.h, kernel-internal form).
MINORBITS = 20
MINORMASK = (1 << MINORBITS) - 1


def MKDEV(major, minor):
    return (major << MINORBITS) | minor


def MAJOR(dev):
    return dev >> MINORBITS


def MINOR(dev):
    return dev & MINORMASK


#: The kernel release and vermagic the SDK stamps into modules and insmod checks.
UTS_RELEASE = "3.14.0"
VERMAGIC = UTS_RELEASE + " SMP mod_unload ARMv7 p2v8 "

# -- interrupts and tasks (issue 12) ---------------------------------------------------------
# Offsets and sizes from the DWARF of a module built against the board's 3.14 tree
# (/work/genuine, board .config: SMP, PREEMPT, DEBUG_SPINLOCK so spinlock_t is 16 bytes).
# task_struct is 960 bytes; the SDK declares the fields drivers touch, padded to place.
TASK_STRUCT = Struct("task_struct", {"state": 0, "stack": 4, "pid": 456, "tgid": 460,
                                     "comm": 680}, 960)
WAIT_QUEUE = Struct("__wait_queue", {"flags": 0, "private": 4, "func": 8, "task_list": 12}, 20)
#: sizeof(spinlock_t) in the SDK. The board's is 16 (DEBUG_SPINLOCK: magic, owner_cpu,
#: owner); the SDK's is still the 4-byte ticket lock until the board-ABI rewrite lands, and
#: wait_queue_head_t follows it (24 bytes on the board). Python reads the offsets from here.
SPINLOCK_T_SIZE = 4
WAIT_QUEUE_HEAD = _layout("__wait_queue_head", [("lock", SPINLOCK_T_SIZE), ("task_list", 8)])
COMPLETION = _layout("completion", [("done", 4), ("wait", WAIT_QUEUE_HEAD.size)])   # 28 on board
SEMAPHORE = _layout("semaphore", [("lock", SPINLOCK_T_SIZE), ("count", 4), ("wait_list", 8)])
TIMER_LIST = Struct("timer_list", {"entry": 0, "expires": 8, "base": 12, "function": 16,
                                  "data": 20, "slack": 24}, 28)
TASKLET_STRUCT = Struct("tasklet_struct", {"next": 0, "state": 4, "count": 8, "func": 12,
                                           "data": 16}, 20)
WORK_STRUCT = Struct("work_struct", {"data": 0, "entry": 4, "func": 12}, 16)
DELAYED_WORK = Struct("delayed_work", {"work": 0, "timer": 16, "wq": 44, "cpu": 48}, 52)
STRUCTS.update({s.name: s for s in (TASK_STRUCT, WAIT_QUEUE, WAIT_QUEUE_HEAD, COMPLETION,
                                    SEMAPHORE, TIMER_LIST, TASKLET_STRUCT, WORK_STRUCT,
                                    DELAYED_WORK)})
