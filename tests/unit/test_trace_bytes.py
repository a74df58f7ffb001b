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


def test_direct_route_only_while_its_subscriber_is_alone():
    """The tracer routes a kind directly only to its one subscriber that offers it; a
    second subscriber gets the event through publish, and both see it."""
    from emulator.trace import Tracer
    tracer, seen = Tracer(), []
    first = lambda kind, fields: seen.append(("first", fields))        # noqa: E731
    tracer.subscribe("pin", first, direct=lambda pin, level: seen.append(("direct", pin, level)))
    assert "pin" in tracer.direct
    tracer.direct["pin"]("gpx2-7", 1)
    second = lambda kind, fields: seen.append(("second", fields))      # noqa: E731
    tracer.subscribe("pin", second)
    assert "pin" not in tracer.direct
    tracer.publish("pin", pin="gpx1-0", level=0)
    tracer.unsubscribe("pin", second)
    assert "pin" in tracer.direct
    tracer.unsubscribe("pin", first)
    assert "pin" not in tracer.direct and "pin" not in tracer.active
    assert seen == [("direct", "gpx2-7", 1), ("first", {"pin": "gpx1-0", "level": 0}),
                    ("second", {"pin": "gpx1-0", "level": 0})]
