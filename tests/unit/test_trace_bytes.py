"""The bytes of a traced run are pinned (issue 15 (e)): trace speed-ups (remembered lines,
the tracer's direct route, natively served syscalls) must not change one byte of what
`--trace` writes. The expected file is a traced ioctl loop and LED run of the prebuilt seed
module; after the prebuilt firmware is rebuilt (its code, and so PCs and time stamps, move)
regenerate it with EMU4412_REGEN_TRACE=1 and review the diff."""

import io
import os
from pathlib import Path

import pytest

from emulator.console import Console
from emulator.debug.tracefile import ALL, TraceRecorder, parse_only
from emulator.machine import Machine
from tests.e2e.helpers import ROOT

EXPECTED = Path(__file__).with_name("trace_ioctl.jsonl")
SCRIPT = """insmod leddrv.ko
mknod /dev/leddev c 11 0
./ioctl_loop /dev/leddev 6
./testled_app /dev/leddev 1 2
rmmod leddrv
"""


def _trace(fast, text_too=False):
    machine = Machine("fs4412", str(ROOT / "firmware" / "prebuilt"), console=io.StringIO().write)
    machine.entry.use_fast_path(fast)
    jsonl = io.StringIO()
    recorder = TraceRecorder(machine, parse_only(",".join(ALL)), jsonl=jsonl,
                             text=io.StringIO() if text_too else None)
    assert Console(machine, io.StringIO()).run_lines(SCRIPT.splitlines()) == 0
    recorder.close()
    return jsonl.getvalue()


@pytest.mark.parametrize("fast, text_too", [(True, False), (False, False), (True, True)])
def test_traced_run_writes_the_pinned_bytes(fast, text_too):
    trace = _trace(fast, text_too)
    if os.environ.get("EMU4412_REGEN_TRACE") and fast and not text_too:
        EXPECTED.write_text(trace)
    assert trace == EXPECTED.read_text()
    kinds = {line.split('"kind":"')[1].split('"')[0] for line in trace.splitlines()}
    assert {"mmio_read", "mmio_write", "pin", "led", "syscall", "hypercall", "printk"} <= kinds
