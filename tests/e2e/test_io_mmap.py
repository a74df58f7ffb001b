"""I/O memory, I/O ports and mmap as seeds 000 and 004 teach them (issue 6), end to end.

The firmware/drivers and firmware/apps/mmap_apps sources are built with the SDK; the tests
assert what a user sees: LED states, /proc/iomem lines, errno messages, dmesg.
"""

import io
import shutil
import subprocess

import pytest

from emulator.console import Console
from emulator.machine import Machine
from tests.conftest import FIRMWARE, HAVE_CROSS, build_module

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
DRIVERS = ("gpiommap", "kbufmmap", "faultmmap", "repio", "iomemchk")
APPS = FIRMWARE / "apps" / "mmap_apps"


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("iommap")
    build = tmp_path_factory.mktemp("iommap-build")
    for name in DRIVERS:
        if (FIRMWARE / "drivers" / name).is_dir():
            shutil.copy(build_module(FIRMWARE / "drivers" / name, build), root / f"{name}.ko")
    for src in APPS.glob("*.c"):
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / src.stem),
                        str(src)], check=True, capture_output=True)
    return root


def run(script, rootfs, board="fs4412"):
    out = io.StringIO()
    machine = Machine(board, str(rootfs), timeout_s=10, console=out.write)
    status = Console(machine, out).run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine


def test_gpio_mmap_lights_led_from_user_space(rootfs):
    status, out, m = run("""
insmod gpiommap.ko
mknod /dev/gpiommap c 253 0
./gpiommap_app /dev/gpiommap on
expect led LED2 on
""", rootfs)
    assert status == 0, out
    assert m.leds["LED2"] is True
    dmesg = "\n".join(m.dmesg())
    assert "gpiommap: VMA open, virt" in dmesg and "phys 11000000" in dmesg
    assert dmesg.index("gpiommap: VMA close.") < dmesg.index("gpiommap: release")
    assert "GPX2CON=1" in out


def test_gpio_mmap_bad_range_is_einval(rootfs):
    status, out, m = run("""
insmod gpiommap.ko
mknod /dev/gpiommap c 253 0
./gpiommap_app /dev/gpiommap big
expect exit 2
""", rootfs)
    assert status == 0, out
    assert "mmap: Invalid argument" in out
    assert m.leds["LED2"] is False


def test_iomem_shows_board_regions_and_requests(rootfs):
    status, out, m = run("insmod gpiommap.ko\ncat /proc/iomem", rootfs)
    assert status == 0, out
    lines = m.resources.proc_iomem().splitlines()
    assert "11000000-11000fff : 11000000.pinctrl" in lines
    assert "  11000c40-11000c5f : gpiommap-gpx2" in lines
    assert "40000000-7fffffff : System RAM" in lines
    assert "gpiommap-again" not in out
    assert any("second request of 11000c44 is busy" in line for line in m.dmesg())
    status, out, m2 = run("insmod gpiommap.ko\nrmmod gpiommap\ncat /proc/iomem", rootfs)
    assert status == 0 and "gpiommap-gpx2" not in out


def test_fault_handler_maps_pages_on_first_access(rootfs):
    status, out, m = run("""
insmod faultmmap.ko
mknod /dev/faultmmap c 253 0
./faultmmap_app /dev/faultmmap
""", rootfs)
    assert status == 0, out
    assert "page1: page one from the kernel" in out
    assert "page0: page zero from the kernel" in out
    assert "kernel sees: written by user" in out
    faults = [line.split("] ", 1)[1] for line in m.dmesg() if "faultmmap: fault" in line]
    assert faults == ["faultmmap: fault pgoff 1", "faultmmap: fault pgoff 0"]
    # munmap of the middle page splits the VMA: open on the new piece(s), close on each
    dmesg = "\n".join(m.dmesg())
    assert "faultmmap: open" in dmesg and dmesg.count("faultmmap: close") == 3


def test_fault_beyond_the_buffer_is_sigbus(rootfs):
    status, out, m = run("""
insmod faultmmap.ko
mknod /dev/faultmmap c 253 0
./faultmmap_app /dev/faultmmap beyond
expect exit 135
""", rootfs)
    assert status == 0, out
    assert "Bus error" in out


def test_kmalloc_buffer_shared_through_remap_pfn_range(rootfs):
    status, out, m = run("""
insmod kbufmmap.ko
mknod /dev/kbufmmap c 253 0
./kbufmmap_app /dev/kbufmmap
./kbufmmap_app /dev/kbufmmap ro
expect exit 2
""", rootfs)
    assert status == 0, out
    assert "user sees: hello from the kernel" in out
    assert "kernel sees: hello from user space" in out
    assert "mmap: Permission denied" in out
    flags = [line for line in m.dmesg() if "kbufmmap: mapped" in line][0].split()[-1]
    assert int(flags, 16) & 0x4400 == 0x4400          # VM_IO | VM_PFNMAP


PORTS_BOARD = FIRMWARE / "scenarios" / "fs4412-ports.toml"


def test_port_io_and_string_accessors_reach_the_device_with_their_widths(rootfs):
    status, out, m = run("insmod repio.ko\ncat /proc/ioports", rootfs, board=str(PORTS_BOARD))
    assert status == 0, out
    dmesg = [line.split("] ", 1)[1] for line in m.dmesg()]
    assert "repio: ports 308-309 busy" in dmesg
    assert "repio: count 7" in dmesg
    assert "repio: insb ABCDEFG" in dmesg
    assert "repio: insl 22221111 inw 3333" in dmesg
    assert "repio: scratch inw 3344 inb 11" in dmesg
    assert "repio: rep16 1111 2222 3333 rep32 aabbccdd 01020304" in dmesg
    assert "repio: memcpy_fromio scratch! readw 5a5a" in dmesg
    assert "repio: readl_relaxed beef5a5a" in dmesg
    assert "00000300-0000030f : porttest" in out
    assert "repio" not in m.resources.proc_ioports()           # released again
    device = m.hw.ioport.devices[0]
    data_writes = [size for off, size, _, kind in device.accesses if off == 0 and kind == "w"]
    assert data_writes == [1, 2, 4, 2, 2, 2, 2, 2, 2, 4, 4]    # outb outw outl outsw x3 ...
    scratch = [(size, kind) for off, size, _, kind in device.accesses if off >= 8]
    assert scratch[:3] == [(4, "w"), (2, "r"), (1, "r")]
    assert scratch.count((1, "w")) == 8 + 2                    # memcpy_toio, memset_io


def test_port_io_without_a_window_oopses(rootfs):
    status, out, m = run("insmod repio.ko", rootfs)
    assert status == 3
    assert "Unable to handle kernel paging request at virtual address fee00300" in out


def test_dev_mem_mmap_and_devmem_command(rootfs):
    status, out, m = run("""
mknod /dev/mem c 1 1
./devmem_app 0x11000C40 0x10000000
./devmem_app 0x11000C44 0x80
expect led LED2 on
devmem 0x11000C44 8
expect stdout 0x80
devmem 0x11000C44 32 0
expect led LED2 off
./devmem_app 0x40000000
expect exit 2
""", rootfs)
    assert status == 0, out
    assert "11000c40: 10000000" in out
    assert "mmap: Operation not permitted" in out          # System RAM (STRICT_DEVMEM)
    assert m.leds["LED2"] is False


def test_legacy_nopage_handler(rootfs):
    status, out, m = run("""
insmod faultmmap.ko
mknod /dev/faultnopage c 253 1
./faultmmap_app /dev/faultnopage
./faultmmap_app /dev/faultnopage beyond
expect exit 135
""", rootfs)
    assert status == 0, out
    assert "page1: page one from the kernel" in out
    assert "kernel sees: written by user" in out
    calls = [line.split("] ", 1)[1] for line in m.dmesg() if "nopage" in line]
    assert calls[:2] == ["faultmmap: nopage offset 1000", "faultmmap: nopage offset 0"]


def test_io_memory_errors_are_reported(rootfs):
    status, out, m = run("insmod iomemchk.ko\ncat /proc/iomem\nrmmod iomemchk", rootfs)
    dmesg = "\n".join(m.dmesg())
    assert "ioremap on RAM at 0x40000000 refused" in dmesg
    assert "iomemchk: ioremap of RAM refused" in dmesg
    assert "iomemchk: overlapping request failed" in dmesg
    assert "13800000-138000ff : iomemchk-uart0" in out
    assert "iomemchk: ULCON0 00000000" in dmesg
    errors = "\n".join(m.guest_errors)
    assert "0x13800000: read32 of unmodelled MMIO" in errors
    assert "0x13800000: write16 0x3 to unmodelled MMIO" in errors
    assert "Trying to free nonexistent resource <0000000013800100-0000000013800103>" in dmesg
    assert "iomemchk-uart0" in out.split("rmmod iomemchk", 1)[1]     # the leak report
