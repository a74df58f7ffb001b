"""The trace recorder's remembered lines (speed, issue 15) write exactly what encoding each
record writes: the same JSON Lines with and without them (time stamps too, after virtual time
slept), across a module's unload and reload (its symbols change) and past the memory's size
limit."""

import io

from emulator.console import Console
from emulator.debug import tracefile
from emulator.debug.tracefile import ALL, TraceRecorder, parse_only
from emulator.machine import Machine
from tests.e2e.helpers import ROOT

SCRIPT = """insmod leddrv.ko
mknod /dev/leddev c 11 0
./ioctl_loop /dev/leddev 40
sleep 0.001
./ioctl_loop /dev/leddev 3
./testled_app /dev/leddev 1 2
rmmod leddrv
insmod leddrv.ko
./testled_app /dev/leddev 1 3
./testled_app /dev/leddev 0 3
"""


def _trace(text_too):
    machine = Machine("fs4412", str(ROOT / "firmware" / "prebuilt"), console=io.StringIO().write)
    jsonl = io.StringIO()
    recorder = TraceRecorder(machine, parse_only(",".join(ALL)), jsonl=jsonl,
                             text=io.StringIO() if text_too else None)
    assert Console(machine, io.StringIO()).run_lines(SCRIPT.splitlines()) == 0
    recorder.close()
    return jsonl.getvalue(), recorder


def test_remembered_lines_are_the_encoded_records(monkeypatch):
    fast, recorder = _trace(text_too=False)
    slow, _ = _trace(text_too=True)              # -v on: every record encoded
    assert any(recorder._lines.values()) and fast == slow
    assert fast.count('"kind":"mmio_write"') > 50 and '"sym":"led_off+0x' in fast
    monkeypatch.setattr(tracefile, "LINES_KEPT", 3)
    small, recorder = _trace(text_too=False)
    assert small == slow and all(len(lines) <= 3 for lines in recorder._lines.values())
