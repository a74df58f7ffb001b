"""KASAN's global-out-of-bounds for a binary module (issue 16, kasan_globals.py): the
bytes of .data and .bss no variable of the symbol table covers, and the padding after
them, are a redzone, for the module's own accesses and for the kernel services it calls;
an overflow that lands in the next variable stays out of reach."""

import shutil
import subprocess
from pathlib import Path

from tests.e2e.helpers import run_script

SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"

GLOBS = r"""
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/string.h>

static char small[10];			/* .bss: 2 bytes of padding, then counters */
static int counters[4];
static char message[6] = "board";	/* .data: the section's only variable */

static noinline char peek(const char *p, int i)
{
	return ((volatile const char *)p)[i];
}

static noinline void poke(char *p, int i, char v)
{
	((volatile char *)p)[i] = v;
}

static int __init g_init(void)
{
	char copy[12];
	size_t n = sizeof(copy);
	int i;

	for (i = 0; i < 4; i++)
		counters[i] = i;
	poke(small, 9, 'x');
	pr_info("globs: in bounds %c %d %s\n", peek(small, 9), counters[3], message);
	pr_info("globs: gap %d\n", peek(small, 12));
	pr_info("globs: neighbour %d\n", peek(small, 20));	/* counters[1]: not seen */
	poke(message, 6, '!');
	memcpy(copy, small, *(volatile size_t *)&n);	/* a service reading past small */
	pr_info("globs: copied %c\n", copy[9]);
	return 0;
}

static void __exit g_exit(void)
{
}
module_init(g_init);
module_exit(g_exit);
MODULE_LICENSE("GPL");
"""


def test_static_array_overflows_are_global_out_of_bounds(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "globs.c").write_text(GLOBS)
    (src / "Kbuild").write_text("obj-m := globs.o\n")
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={src}", "modules"], check=True,
                   capture_output=True)
    shutil.copy(src / "globs.ko", tmp_path)
    status, out, machine = run_script("insmod globs.ko\nrmmod globs\ninsmod globs.ko\n",
                                      tmp_path)
    assert status == 0, out
    texts = machine.log.texts()
    assert "globs: in bounds x 3 board" in texts and "globs: neighbour 1" in texts
    gap, tail, service = machine.kasan_reports      # once each, over both loads
    assert gap.splitlines()[0].startswith("BUG: KASAN: global-out-of-bounds in peek")
    assert "Read of size 1 at addr" in gap and " small+0xc/0xa [globs]" in gap
    assert "located 2 bytes to the right of 10-byte global variable small" in gap
    assert tail.splitlines()[0].startswith("BUG: KASAN: global-out-of-bounds in poke")
    assert "Write of size 1" in tail and " message+0x6/0x6 [globs]" in tail
    # memcpy(copy, small, 12): the kernel's memcpy checks the range it reads, as Linux's
    assert service.splitlines()[0].startswith("BUG: KASAN: global-out-of-bounds in g_init+")
    assert "Read of size 12 at addr" in service and "by a kernel function" in service
    assert " small+0xa/0xa [globs]" in service
