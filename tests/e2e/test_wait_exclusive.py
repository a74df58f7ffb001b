"""Exclusive waits and custom wake functions (issue 12, part 2): three readers asleep in
wait_event_interruptible_exclusive; a K2 press (wake_up) wakes one of them, a K3 press
(wake_up_nr 2) two; a module's own wake function (init_waitqueue_func_entry) is called
for every wake-up; a signal ends an exclusive wait."""

import shutil
import subprocess

import pytest

from tests.conftest import FIRMWARE, HAVE_CROSS, build_module
from tests.e2e.part2 import run, texts

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")

DRIVER = r"""
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/interrupt.h>
#include <linux/gpio.h>
#include <linux/uaccess.h>

static DECLARE_WAIT_QUEUE_HEAD(wq);
static wait_queue_t watcher;
static int tokens, calls, irq2, irq3;

static int watch(wait_queue_t *wait, unsigned mode, int flags, void *key)
{
	calls++;
	printk(KERN_INFO "exwait: wake function call %d, mode %u\n", calls, mode);
	return 0;
}

static irqreturn_t k2(int irq, void *dev) { tokens++; wake_up(&wq); return IRQ_HANDLED; }
static irqreturn_t k3(int irq, void *dev) { tokens += 2; wake_up_nr(&wq, 2); return IRQ_HANDLED; }

static ssize_t ex_read(struct file *f, char __user *buf, size_t n, loff_t *pos)
{
	int pid = current->pid;

	if (wait_event_interruptible_exclusive(wq, tokens > 0)) {
		printk(KERN_INFO "exwait: %d interrupted\n", pid);
		return -ERESTARTSYS;
	}
	tokens--;
	printk(KERN_INFO "exwait: %d got a token\n", pid);
	return copy_to_user(buf, &pid, sizeof(pid)) ? -EFAULT : sizeof(pid);
}

static const struct file_operations fops = { .owner = THIS_MODULE, .read = ex_read };

static int __init ex_init(void)
{
	init_waitqueue_func_entry(&watcher, watch);
	add_wait_queue(&wq, &watcher);
	irq2 = gpio_to_irq(221);
	irq3 = gpio_to_irq(222);
	if (request_irq(irq2, k2, IRQF_TRIGGER_FALLING, "ex-k2", NULL))
		return -EBUSY;
	if (request_irq(irq3, k3, IRQF_TRIGGER_FALLING, "ex-k3", NULL)) {
		free_irq(irq2, NULL);
		return -EBUSY;
	}
	return register_chrdev(253, "exwait", &fops);
}

static void __exit ex_exit(void)
{
	remove_wait_queue(&wq, &watcher);
	free_irq(irq2, NULL);
	free_irq(irq3, NULL);
	unregister_chrdev(253, "exwait");
}

module_init(ex_init);
module_exit(ex_exit);
MODULE_LICENSE("GPL");
"""


@pytest.fixture(scope="module")
def rootfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("exwait")
    src = tmp_path_factory.mktemp("exwait-src") / "exwait"
    src.mkdir()
    (src / "exwait.c").write_text(DRIVER)
    (src / "Kbuild").write_text("obj-m := exwait.o\n")
    shutil.copy(build_module(src, tmp_path_factory.mktemp("exwait-build")), root)
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "hold_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "hold_app.c")], check=True)
    return root


def test_wake_up_wakes_one_exclusive_waiter(rootfs):
    status, out, m = run("""
insmod exwait.ko
mknod /dev/ex c 253 0
./hold_app /dev/ex 0 r &
./hold_app /dev/ex 0 r &
./hold_app /dev/ex 0 r &
./hold_app /dev/ex 0 r &
click K2
jobs
click K3
kill %4
wait
rmmod exwait
""", rootfs)
    assert status == 0, out
    lines = texts(m, "exwait")
    assert lines == [
        "exwait: wake function call 1, mode 3",           # K2: the watcher, then one reader
        "exwait: 100 got a token",
        "exwait: wake function call 2, mode 3",           # K3: wake_up_nr(2): two readers
        "exwait: 101 got a token",
        "exwait: 102 got a token",
        "exwait: 103 interrupted"]
    assert "[1]+  Done" in out.split("# jobs")[0]
    jobs = out.split("# jobs\n")[1].split("# ")[0]
    assert jobs.count("Running") == 3                     # the other three still wait
