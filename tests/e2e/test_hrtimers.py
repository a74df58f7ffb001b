"""hrtimers and ktime (issue 12, part 2): the course's hrtimer lab blinks LED2 from a
hardirq callback at exact virtual times; expiry inside a CPU-bound task's tick; forward's
overruns, ABS/REL modes, cancel results and the leak report; SDK and board-tree builds."""

import shutil
import subprocess

import pytest

from tests.conftest import FIRMWARE, HAVE_CROSS, build_module
from tests.e2e.part2 import build, run, texts

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


@pytest.fixture(scope="module", params=["sdk", "genuine"])
def rootfs(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"hrtimer-{request.param}")
    out = tmp_path_factory.mktemp("hrtimer-build")
    shutil.copy(build(request.param, FIRMWARE / "drivers" / "hrblink", out), root)
    shutil.copy(build(request.param, PROBE_DIR(tmp_path_factory), out), root)
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "spin_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "spin_app.c")], check=True)
    return root


PROBE = r"""
#include <linux/module.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/hardirq.h>

static struct hrtimer t7, abs_t;
static ktime_t start;
static int runs;

static enum hrtimer_restart every7(struct hrtimer *t)
{
	printk(KERN_INFO "hrprobe: 7ms run %d at +%lld us, in_irq %d\n", ++runs,
		ktime_to_us(ktime_sub(ktime_get(), start)), in_irq() ? 1 : 0);
	if (runs == 3)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(7));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart at_abs(struct hrtimer *t)
{
	printk(KERN_INFO "hrprobe: abs at +%lld us, state %lu\n",
		ktime_to_us(ktime_sub(hrtimer_cb_get_time(t), start)), t->state);
	return HRTIMER_NORESTART;
}

static int __init hrprobe_init(void)
{
	u64 orun;

	start = ktime_get();
	hrtimer_init(&t7, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t7.function = every7;
	hrtimer_init(&abs_t, CLOCK_REALTIME, HRTIMER_MODE_ABS);
	abs_t.function = at_abs;
	printk(KERN_INFO "hrprobe: try_to_cancel idle %d, active %d\n",
		hrtimer_try_to_cancel(&t7), hrtimer_active(&t7));
	hrtimer_set_expires(&abs_t, ktime_set(0, 1000));
	orun = hrtimer_forward(&abs_t, ktime_add_ns(hrtimer_get_expires(&abs_t), 35000000), ms_to_ktime(10));
	printk(KERN_INFO "hrprobe: forward 35 ms by 10 ms: %llu overruns, expires %lld us\n", orun,
		ktime_to_us(hrtimer_get_expires(&abs_t)));
	hrtimer_start(&abs_t, ktime_add_ns(start, 12345000), HRTIMER_MODE_ABS);
	start = ktime_get();
	printk(KERN_INFO "hrprobe: restart returns %d\n",
		hrtimer_start(&t7, ms_to_ktime(7), HRTIMER_MODE_REL) +
		2 * hrtimer_start(&t7, ms_to_ktime(7), HRTIMER_MODE_REL));
	return 0;
}

module_init(hrprobe_init);
MODULE_LICENSE("GPL");
"""


def PROBE_DIR(factory):
    src = factory.mktemp("hrprobe-src") / "hrprobe"
    src.mkdir()
    (src / "hrprobe.c").write_text(PROBE)
    (src / "Kbuild").write_text("obj-m := hrprobe.o\n")
    return src


def test_hrtimer_blinks_led2_from_hardirq(rootfs):
    status, out, m = run("""
insmod hrblink.ko
sleep 0.15
expect led LED2 on
sleep 0.5
expect led LED2 off
rmmod hrblink
insmod hrblink.ko
sleep 0.04
rmmod hrblink
""", rootfs)
    assert status == 0, out
    assert texts(m, "hrblink") == [
        "hrblink: every 100 ms, active 1, expires in 99999 us",
        "hrblink: toggle 1 at +100000 us, led 1, in_irq 1",
        "hrblink: toggle 2 at +200000 us, led 0, in_irq 1",
        "hrblink: toggle 3 at +300000 us, led 1, in_irq 1",
        "hrblink: toggle 4 at +400000 us, led 0, in_irq 1",
        "hrblink: cancel 0 after 4 toggles",           # NORESTART: no longer active
        "hrblink: every 100 ms, active 1, expires in 99999 us",
        "hrblink: cancel 1 after 0 toggles"]           # still queued: cancelled
    times = [line[:14] for line in m.dmesg() if "hrblink: toggle" in line]
    assert times == ["[    0.100000]", "[    0.200000]", "[    0.300000]", "[    0.400000]"]


def test_expiry_within_a_busy_tasks_tick_and_the_api(rootfs):
    status, out, m = run("./spin_app hog 2 &\ninsmod hrprobe.ko\nsleep 0.05\nwait\n", rootfs)
    assert status == 0, out
    lines = texts(m, "hrprobe")
    assert lines[:3] == ["hrprobe: try_to_cancel idle 0, active 0",
                         "hrprobe: forward 35 ms by 10 ms: 4 overruns, expires 40001 us",
                         "hrprobe: restart returns 2"]       # 0, then 1: it was queued
    runs = [line for line in lines if "7ms run" in line]
    # 7 ms is not a tick (5 ms) multiple: the CPU hog's slice ends at each expiry
    assert [r.split(" at ")[0] for r in runs] == [f"hrprobe: 7ms run {n}" for n in (1, 2, 3)]
    for n, line in enumerate(runs, 1):
        us = int(line.split("+")[1].split(" us")[0])
        assert 7000 * n <= us <= 7000 * n + 2, line
        assert line.endswith("in_irq 1")
    abs_line = next(line for line in lines if line.startswith("hrprobe: abs at +"))
    assert 12000 <= int(abs_line.split("+")[1].split(" us")[0]) <= 12345, abs_line
    assert abs_line.endswith("state 2")                      # HRTIMER_STATE_CALLBACK


def test_queued_hrtimer_is_a_leak_at_rmmod(rootfs, tmp_path):
    src = tmp_path / "hrleak"
    src.mkdir()
    (src / "Kbuild").write_text("obj-m := hrleak.o\n")
    (src / "hrleak.c").write_text(
        "#include <linux/module.h>\n#include <linux/hrtimer.h>\n"
        "static struct hrtimer t;\n"
        "static enum hrtimer_restart fn(struct hrtimer *h) { return HRTIMER_NORESTART; }\n"
        "static int __init l_init(void) { hrtimer_init(&t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);"
        " t.function = fn; hrtimer_start(&t, ktime_set(5, 0), HRTIMER_MODE_REL); return 0; }\n"
        "static void __exit l_exit(void) { }\n"
        "module_init(l_init);\nmodule_exit(l_exit);\nMODULE_LICENSE(\"GPL\");\n")
    shutil.copy(build_module(src, tmp_path / "out"), rootfs / "hrleak.ko")
    status, out, _ = run("insmod hrleak.ko\nrmmod hrleak\n", rootfs)
    assert "leak: hrleak: hrtimer hrtimer at 0x" in out, out
