"""Kernel services against a real machine: chrdev registry, kmalloc, varargs, syscalls."""

import io
from pathlib import Path

import pytest

from emulator.kernel.abi import MKDEV
from emulator.kernel.chrdev import BOOT_CHRDEV_REGIONS
from emulator.kernel.errno import EBUSY, ENOSYS
from emulator.kernel.hypercall import VarArgs
from emulator.kernel.module import NOT_EXPORTED
from emulator.kernel.mm.kmalloc import KMALLOC_SIZES, POISON_FREE, size_class
from emulator.machine import Machine


@pytest.fixture
def m(tmp_path):
    return Machine("fs4412", str(tmp_path), console=io.StringIO().write)


def _name(m, text):
    va = m.kmalloc.alloc(64)
    m.vm.write(va, text.encode() + b"\0")
    return va


def test_static_major_registration_and_conflicts(m):
    chr = m.chrdev
    assert chr.register_chrdev_region(MKDEV(11, 0), 1, _name(m, "myled")) == 0
    assert chr.register_chrdev_region(MKDEV(11, 0), 1, _name(m, "again")) == -EBUSY & 0xFFFFFFFF
    assert chr.register_chrdev_region(MKDEV(11, 1), 1, _name(m, "other minor")) == 0
    assert chr.register_chrdev_region(MKDEV(10, 0), 1, _name(m, "misc clash")) == -EBUSY & 0xFFFFFFFF
    chr.unregister_chrdev_region(MKDEV(11, 0), 1)
    assert chr.register_chrdev_region(MKDEV(11, 0), 1, _name(m, "myled")) == 0


def test_dynamic_majors_count_down_below_the_boards_rtc(m):
    # rtc-dev took 254 at boot (RTC_INTF_DEV), so a module's first dynamic major is 253.
    ptr = m.kmalloc.alloc(64)
    majors = []
    for i in range(3):
        assert m.chrdev.alloc_chrdev_region(ptr, 0, 1, _name(m, f"dyn{i}")) == 0
        majors.append(m.vm.read_u32(ptr) >> 20)
    assert majors == [253, 252, 251]
    text = m.chrdev.proc_devices()
    assert "253 dyn0\n254 rtc\n" in text and text.startswith("Character devices:\n  1 mem\n")


def test_boot_regions_are_listed(m):
    text = m.chrdev.proc_devices()
    for major, _, _, name in BOOT_CHRDEV_REGIONS:
        assert f"{major:3d} {name}\n" in text


def test_boot_majors_are_the_boards(m):
    # The FS4412 3.14 kernel with its .config (see chrdev.py); 89 i2c is the emulator's
    # i2c-dev, which the board lacks (no I2C_CHARDEV).
    chars = m.chrdev.proc_devices().split("\n\n")[0]
    assert chars == ("Character devices:\n  1 mem\n  2 pty\n  3 ttyp\n  4 /dev/vc/0\n  4 tty\n"
                     "  4 ttyS\n  5 /dev/tty\n  5 /dev/console\n  5 /dev/ptmx\n  7 vcs\n"
                     " 10 misc\n 13 input\n 21 sg\n 29 fb\n 89 i2c\n128 ptm\n136 pts\n"
                     "180 usb\n189 usb_device\n204 ttySAC\n254 rtc")
    blocks = m.chrdev.proc_devices().split("\n\n")[1]
    assert blocks == ("Block devices:\n  1 ramdisk\n259 blkext\n  7 loop\n  8 sd\n"
                      + "".join(f"{n:3d} sd\n" for n in (*range(65, 72), *range(128, 136)))
                      + "179 mmc\n254 device-mapper\n")


def test_kmalloc_size_classes_and_poison(m):
    assert [size_class(n) for n in (1, 64, 65, 129, 193, 8192)] == [64, 64, 128, 192, 256, 8192]
    assert size_class(8193) is None and KMALLOC_SIZES[2] == 192
    va = m.kmalloc.alloc(100)
    assert m.kmalloc.usable_size(va) == 128
    assert m.vm.read(va, 8) == bytes([POISON_FREE]) * 8         # kmalloc does not zero
    z = m.kmalloc.alloc(100, zero=True)
    assert m.vm.read(z, 100) == bytes(100)
    big = m.kmalloc.alloc(3 * 4096)
    assert big and m.kmalloc.usable_size(big) == 3 * 4096
    assert m.kmalloc.alloc((4 << 20) + 1) == 0
    assert m.kmalloc.free(va) and not m.kmalloc.free(va)         # second free is unknown


def test_kmalloc_returns_lowmem_addresses(m):
    va = m.kmalloc.alloc(64)
    assert 0xC0000000 <= va < 0xEF800000
    assert m.tables.translate(va) == va - 0xC0000000 + 0x40000000


def test_varargs_follow_aapcs():
    regs = (0xAAAA, 1, 2, 3)
    stack = {0x1000: 4, 0x1004: 5, 0x1008: 0x11111111, 0x100C: 0x22222222}
    args = VarArgs(regs, 1, 0x1000, stack.__getitem__)
    assert args.next_u32() == 1
    assert args.next_u64() == 2 | 3 << 32                         # r2:r3, an even pair
    args = VarArgs(regs, 1, 0x1000, stack.__getitem__)
    assert args.next_u64() == 2 | 3 << 32                         # skips r1 to align
    assert args.next_u32() == 4
    assert args.next_u64() == 0x11111111 | 0x22222222 << 32       # 8-byte aligned stack slot


def test_unknown_syscall_is_enosys_and_logged_once(m):
    assert m.syscalls(9999, (0,) * 6) == -ENOSYS
    assert m.syscalls(9999, (0,) * 6) == -ENOSYS
    logged = [t for t in m.log.texts() if "9999" in t]
    assert len(logged) == 1
    assert m.syscalls(381, (0,) * 6) == -ENOSYS                    # sched_getattr, by name
    assert any("381 (sched_getattr)" in t for t in m.log.texts())


def test_division_helpers(m):
    from emulator.kernel.aeabi import Aeabi
    a = Aeabi(lambda level, text: None)
    assert a.idiv(-7 & 0xFFFFFFFF, 2) == -3 & 0xFFFFFFFF
    assert a.idivmod(-7 & 0xFFFFFFFF, 2) == (-3 & 0xFFFFFFFF, -1 & 0xFFFFFFFF)
    assert a.uldivmod(10, 1, 3, 0) == ((0x10000000A // 3) & 0xFFFFFFFF, (0x10000000A // 3) >> 32,
                                       0x10000000A % 3, 0)
    assert a.uidiv(5, 0) == 0


def test_kernel_exports_exactly_what_the_sdk_promises(m):
    sdk = Path(__file__).resolve().parents[2] / "firmware" / "sdk" / "provided_symbols.txt"
    promised = {line.strip() for line in sdk.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert promised == set(m.hypercalls.names()) - NOT_EXPORTED
