"""Work proportional to a size a driver chose (issue 16): a memset of megabytes costs
virtual time, and a driver that keeps asking for more ends at --max-time (exit 3)."""

import subprocess
from pathlib import Path

from tests.e2e.helpers import cli, run_script

SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"

BULK = r"""
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
static int __init b_init(void)
{
	unsigned long size = BULK_MB << 20, i;
	char *p = vmalloc(size);

	if (!p)
		return -ENOMEM;
	for (i = 0; i < BULK_ROUNDS; i++)
		memset(p, i, size);
	pr_info("bulk: %lu x %lu MiB set\n", i, size >> 20);
	vfree(p);
	return 0;
}
module_init(b_init);
MODULE_LICENSE("GPL");
"""


def _build(tmp_path, name, megabytes, rounds):
    src = tmp_path / f"src_{name}"
    src.mkdir()
    (src / f"{name}.c").write_text(BULK)
    (src / "Kbuild").write_text(f"obj-m := {name}.o\n"
                                f"ccflags-y := -DBULK_MB={megabytes}UL -DBULK_ROUNDS={rounds}UL\n")
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={src}", "modules"], check=True,
                   capture_output=True)
    (tmp_path / f"{name}.ko").write_bytes((src / f"{name}.ko").read_bytes())


def test_bulk_memset_costs_virtual_time(tmp_path):
    _build(tmp_path, "bulk4", 2, 4)
    status, out, machine = run_script("insmod bulk4.ko\n", tmp_path)
    assert status == 0, out
    # 4 x 2 MiB at 8 bytes a cycle (1.4 GHz): 749 us of board time before the message
    stamp = next(r for r in machine.log.records if "bulk: 4 x 2 MiB set" in r.text)
    assert stamp.ts_ns >= 4 * 2 * (1 << 20) * 10**9 // (8 * 1_400_000_000)


def test_endless_bulk_work_ends_at_the_virtual_time_limit(tmp_path):
    _build(tmp_path, "bulkloop", 32, 1000000)
    (tmp_path / "loop.board").write_text("insmod bulkloop.ko\n")
    proc = cli("run", "loop.board", "--rootfs", str(tmp_path), "--timeout", "60",
               "--max-time", "0.1", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "virtual time limit reached: 0.1 s of board time (--max-time), in memset" in \
        proc.stderr + proc.stdout
