"""Threaded interrupt handlers (issue 12, part 2): devm_request_threaded_irq on the board's
key node, the thread "irq/N-name" in ps running thread_fn in process context, IRQF_ONESHOT
keeping a level line masked until the thread ran, 3.14's refusal of a NULL handler without
ONESHOT, devm release at unbind stopping the threads; with the SDK and the board's tree."""

import pytest

from tests.conftest import FIRMWARE, HAVE_CROSS
from tests.e2e.part2 import build, run, texts

pytestmark = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


@pytest.fixture(scope="module", params=["sdk", "genuine"])
def rootfs(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"irqthread-{request.param}")
    ko = build(request.param, FIRMWARE / "drivers" / "keythread",
               tmp_path_factory.mktemp("irqthread-build"))
    (root / "keythread.ko").write_bytes(ko.read_bytes())
    return root


SCRIPT = """
insmod keythread.ko
ps
click K2
click K2 20ms
sleep 0.1
press K3
sleep 0.1
release K3
sleep 0.1
expect proc /proc/interrupts "165:\\\\s+5 exynos_wkup_irq_chip\\\\s+2  key3-level"
rmmod keythread
ps
"""


def test_thread_fn_runs_in_its_own_kernel_thread(rootfs):
    status, out, m = run(SCRIPT, rootfs)
    assert status == 0, out
    assert "  100 S    [irq/164-key2-th]\n  101 S    [irq/165-key3-le]" in out
    assert out.rstrip().endswith("# ps\n  PID STAT COMMAND")        # threads gone at unbind
    assert texts(m, "keythread", "genirq") == [
        "genirq: Threaded irq requested with handler=NULL and !ONESHOT for irq 165",
        "keythread fs4412-key.1: NULL handler without ONESHOT: -22",
        "keythread fs4412-key.1: K2 irq 164, K3 irq 165 threaded",
        "keythread: K2 thread run 1 (edges 1) in irq/164-key2-th, in_interrupt 0",
        "keythread: K2 thread run 2 (edges 2) in irq/164-key2-th, in_interrupt 0",
        # held level-low K3: masked until each run ends (msleep(20): 25 ms), no storm
        "keythread: K3 thread run 1 in irq/165-key3-le",
        "keythread: K3 thread run 2 in irq/165-key3-le",
        "keythread: K3 thread run 3 in irq/165-key3-le",
        "keythread: K3 thread run 4 in irq/165-key3-le",
        "keythread: K3 thread run 5 in irq/165-key3-le",
        "keythread: remove: K2 2 edges 2 runs, K3 5 runs"]
    k3 = [line[:14] for line in m.dmesg() if "K3 thread run" in line]
    assert k3 == ["[    0.220000]", "[    0.245000]", "[    0.270000]", "[    0.295000]",
                  "[    0.320000]"]


def test_devm_irqs_are_freed_at_unbind(rootfs):
    status, out, m = run("insmod keythread.ko\nrmmod keythread\ncat /proc/interrupts\n"
                         "click K2\n", rootfs)
    assert status == 0, out
    assert "key2-thread" not in out.split("# cat /proc/interrupts")[1]
    assert not any("leak" in line for line in m.dmesg())
    # the line is masked again: EXT_INT41_MASK bits 1 and 2 set
    assert m.hw.gpio.eint_groups["gpx1"].block.peek(0xF04) & 0b110 == 0b110
