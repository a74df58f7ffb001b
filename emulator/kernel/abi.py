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


# -- driver model (issue 11) ---------------------------------------------------------------
# The board config's layouts (Linux 3.14, FS4412 .config: DEBUG_SPINLOCK, no ACPI, no
# OF_DYNAMIC), read from the DWARF of a module built against the board's real tree.
# struct device: mutex (40 bytes with DEBUG_MUTEXES) at 52, power (dev_pm_info) 76 bytes at
# 104, devres_lock (16) at 232; acpi_node is empty, so devt shares its offset 224.
DEVICE = Struct("device", {
    "parent": 0, "p": 4, "kobj": 8, "init_name": 44, "type": 48, "mutex": 52, "bus": 92,
    "driver": 96, "platform_data": 100, "power": 104, "pm_domain": 180, "pins": 184,
    "dma_mask": 188, "coherent_dma_mask": 192, "dma_parms": 200, "dma_pools": 204,
    "dma_mem": 212, "archdata": 216, "of_node": 220, "devt": 224, "id": 228,
    "devres_lock": 232, "devres_head": 248, "knode_class": 256, "class": 272, "groups": 276,
    "release": 280, "iommu_group": 284}, 296)
DEVICE_DRIVER = Struct("device_driver", {
    "name": 0, "bus": 4, "owner": 8, "mod_name": 12, "suppress_bind_attrs": 16,
    "of_match_table": 20, "acpi_match_table": 24, "probe": 28, "remove": 32, "shutdown": 36,
    "suspend": 40, "resume": 44, "groups": 48, "pm": 52, "p": 56}, 60)
PLATFORM_DEVICE = Struct("platform_device", {
    "name": 0, "id": 4, "id_auto": 8, "dev": 16, "num_resources": 312, "resource": 316,
    "id_entry": 320, "mfd_cell": 324}, 328)
PLATFORM_DRIVER = Struct("platform_driver", {
    "probe": 0, "remove": 4, "shutdown": 8, "suspend": 12, "resume": 16, "driver": 20,
    "id_table": 80, "prevent_deferred_probe": 84}, 88)
PLATFORM_DEVICE_ID = Struct("platform_device_id", {"name": 0, "driver_data": 20}, 24)
OF_DEVICE_ID = Struct("of_device_id", {"name": 0, "type": 32, "compatible": 64, "data": 192},
                      196)
DEVICE_NODE = Struct("device_node", {
    "name": 0, "type": 4, "phandle": 8, "full_name": 12, "properties": 16, "deadprops": 20,
    "parent": 24, "child": 28, "sibling": 32, "next": 36, "allnext": 40, "pde": 44,
    "kref": 48, "_flags": 52, "data": 56}, 60)
PROPERTY = Struct("property", {"name": 0, "length": 4, "value": 8, "next": 12, "_flags": 16,
                               "unique_id": 20}, 24)
OF_PHANDLE_ARGS = Struct("of_phandle_args", {"np": 0, "args_count": 4, "args": 8}, 40)
MISCDEVICE = Struct("miscdevice", {
    "minor": 0, "name": 4, "fops": 8, "list": 12, "parent": 20, "this_device": 24,
    "nodename": 28, "mode": 32}, 36)
CLASS = Struct("class", {
    "name": 0, "owner": 4, "class_attrs": 8, "dev_groups": 12, "dev_kobj": 16,
    "dev_uevent": 20, "devnode": 24, "class_release": 28, "dev_release": 32, "suspend": 36,
    "resume": 40, "ns_type": 44, "namespace": 48, "pm": 52, "p": 56}, 60)
DRIVER_MODEL_STRUCTS = {s.name: s for s in (
    DEVICE, DEVICE_DRIVER, PLATFORM_DEVICE, PLATFORM_DRIVER, PLATFORM_DEVICE_ID, OF_DEVICE_ID,
    DEVICE_NODE, PROPERTY, OF_PHANDLE_ARGS, MISCDEVICE, CLASS)}
LED_CLASSDEV = Struct("led_classdev", {
    "name": 0, "brightness": 4, "max_brightness": 8, "flags": 12, "brightness_set": 16,
    "brightness_get": 20, "blink_set": 24, "dev": 28, "node": 32, "default_trigger": 40,
    "blink_delay_on": 44, "blink_delay_off": 48, "blink_timer": 52, "blink_brightness": 80,
    "set_brightness_work": 84, "delayed_set_value": 100}, 104)
DRIVER_MODEL_STRUCTS[LED_CLASSDEV.name] = LED_CLASSDEV
