"""Kernel APIs the public FS4412 course drivers use (issue 9's ABI, checked against a course
driver collection built with the board's tree): init_waitqueue_head, the driver model's
iterators and data objects, of_allnodes, WARN (tests/drivers/courseapi)."""

import re
import shutil

from emulator import Board


def test_course_driver_apis(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["courseapi"], tmp_path)
    board = Board(rootfs=tmp_path)
    board.insmod("courseapi.ko")
    log = board.dmesg
    texts = [line.split("] ", 1)[1] for line in log]
    vfs = board.machine.vfs

    # init_waitqueue_head on a kzalloc'd struct: an empty queue a 100 ms wait times out on
    first = texts.index("courseapi: queue active 0, wait returned 0")
    assert log[first].startswith("[    0.100000]")
    # bus_for_each_dev over platform_bus_type and i2c_bus_type: the devices sysfs lists
    platform = len(vfs.listdir("/sys/bus/platform/devices"))
    assert texts[first + 1] == f"courseapi: {platform} platform devices"
    # a callback's nonzero return stops the walk and is returned; a tree device has no parent
    assert texts[first + 2] == "courseapi: find returned 7, found fs4412-led.0, parent none"
    assert texts[first + 3] == \
        f"courseapi: {len(vfs.listdir('/sys/bus/i2c/devices'))} i2c devices"
    # of_allnodes is the root node
    children = len(board.machine.dm.root.children)
    assert texts[first + 4] == f"courseapi: root / has {children} children"
    # driver_for_each_device: the devices the driver bound
    assert texts[first + 5] == "courseapi: bound to fs4412-led.0"

    # WARN_ON and WARN: 3.14's report, the kernel tainted W after the first
    cut = [i for i, t in enumerate(texts) if t == "------------[ cut here ]------------"]
    assert len(cut) == 2
    where = r"WARNING: CPU: 0 PID: 1 at \S*courseapi\.c:\d+ \w+\+0x[0-9a-f]+/0x[0-9a-f]+ " \
            r"\[courseapi\]\(\)"
    assert re.fullmatch(where, texts[cut[0] + 1])
    assert texts[cut[0] + 2] == "Modules linked in: courseapi(O)"
    assert texts[cut[0] + 3] == "CPU: 0 PID: 1 Comm: insmod Tainted: G           O 3.14.0 #1"
    assert texts[cut[0] + 5] == "---[ end trace 0000000000000001 ]---"
    assert re.fullmatch(where, texts[cut[1] + 1])
    assert texts[cut[1] + 2] == "courseapi: warn 42"
    assert texts[cut[1] + 4] == "CPU: 0 PID: 1 Comm: insmod Tainted: G        W  O 3.14.0 #1"
    assert vfs.read_file("/proc/sys/kernel/tainted") == b"4608\n"      # OOT_MODULE | WARN

    assert board.rmmod("courseapi") == []

