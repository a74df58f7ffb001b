"""vm_mmap/vm_munmap from module code (issue 16): insmod runs as a task with its own address
space (Linux 3.14's lib/test_user_copy.c runs unchanged: README)."""

import shutil
import subprocess
from pathlib import Path


from tests.e2e.helpers import run_script

SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"


def _build(src_text, name, where):
    where.mkdir(exist_ok=True)
    (where / f"{name}.c").write_text(src_text)
    (where / "Kbuild").write_text(f"obj-m := {name}.o\n")
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={where}", "modules"], check=True,
                   capture_output=True)


MAPPER = r"""
#include <linux/module.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
static int __init m_init(void)
{
    unsigned long addr = vm_mmap(NULL, 0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
                     MAP_ANONYMOUS | MAP_PRIVATE, 0);
    unsigned long v = 0, w = 1;
    int r1 = put_user(0x4412UL, (unsigned long __user *)(addr + 2 * PAGE_SIZE));
    int r2 = get_user(v, (unsigned long __user *)(addr + 2 * PAGE_SIZE));
    int r3 = get_user(w, (unsigned long __user *)(addr + 3 * PAGE_SIZE));
    pr_info("mapper: %08lx %d %d %lx %d %lx %ld\n", addr, r1, r2, v, r3, w,
        (long)vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ, MAP_ANONYMOUS, 0));
    return 0;            /* left mapped: insmod's task exits with it */
}
module_init(m_init);
MODULE_LICENSE("GPL");
"""


def test_vm_mmap_in_insmods_own_address_space(variant_drivers, tmp_path):
    _build(MAPPER, "mapper", tmp_path / "src")
    shutil.copy(tmp_path / "src" / "mapper.ko", tmp_path)
    status, out, machine = run_script("insmod mapper.ko\n", tmp_path)
    assert status == 0, out
    line = next(t for t in machine.log.texts() if t.startswith("mapper:"))
    addr, r1, r2, v, r3, w, bad = line.split()[1:]
    addr = int(addr, 16)
    # zeroed pages under TASK_SIZE; past the mapping get_user faults (-EFAULT, v zeroed);
    # neither MAP_SHARED nor MAP_PRIVATE: -EINVAL
    assert 0 < addr < 0xBF000000 and addr % 4096 == 0
    assert (r1, r2, v, r3, w, bad) == ("0", "0", "4412", "-14", "0", "-22")
    # the task exited with insmod: its pages are unmapped and back with the allocator
    assert not machine.vm.is_mapped(addr, 1, user=True)
    assert machine.vm_mmap.task_mm is None
