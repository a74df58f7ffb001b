"""Builds for the issue 12 part 2 tests: a course driver with the SDK, or the same driver
built against the board's real 3.14 tree, from the folder EMU4412_GENUINE names (skipped
without it: such builds are not distributed, see tests/conftest.py)."""

import io
from pathlib import Path

import pytest

from emulator.console import Console
from emulator.machine import Machine
from tests.conftest import GENUINE, HAVE_GENUINE, build_module


def build(build_kind, src_dir, out_dir):
    """NAME.ko of src_dir built by build_kind ("sdk" or "genuine")."""
    if build_kind == "sdk":
        return build_module(src_dir, out_dir)
    ko = GENUINE / f"{Path(src_dir).name}.ko" if HAVE_GENUINE else None
    if ko is None or not ko.is_file():
        pytest.skip(f"no board-tree build of {Path(src_dir).name} (EMU4412_GENUINE)")
    return ko


def run(script, rootfs, tracer=None, dt=None):
    out = io.StringIO()
    machine = Machine("fs4412", str(rootfs), timeout_s=20, console=out.write, tracer=tracer,
                      dt=dt)
    status = Console(machine, out).run_lines(script.strip().splitlines())
    return status, out.getvalue(), machine


def texts(machine, *words):
    """dmesg lines containing one of words, without their timestamps."""
    return [line.split("] ", 1)[1] for line in machine.dmesg()
            if any(word in line for word in words)]
