"""Builds for the issue 12 part 2 tests: a course driver with the SDK, or against the board's
real 3.14 tree at /work/genuine as a student with the board's source would (skipped when the
tree is not there; tools/rebuild-genuine.sh makes committed fixtures of the same drivers)."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from emulator.console import Console
from emulator.machine import Machine
from tests.conftest import build_module

GENUINE_TREE = Path("/work/genuine")


def build(build_kind, src_dir, out_dir):
    """NAME.ko of src_dir built by build_kind ("sdk" or "genuine")."""
    if build_kind == "sdk":
        return build_module(src_dir, out_dir)
    if not (GENUINE_TREE / "include" / "config" / "kernel.release").exists():
        pytest.skip("the board's prepared 3.14 tree is not at /work/genuine")
    dest = Path(out_dir) / Path(src_dir).name
    shutil.copytree(src_dir, dest)
    subprocess.run(["make", "-s", "-C", str(GENUINE_TREE), "ARCH=arm",
                    "CROSS_COMPILE=arm-linux-gnueabi-", "KCFLAGS=-fno-pie", f"M={dest}",
                    "modules"], check=True, capture_output=True)
    kos = list(dest.glob("*.ko"))
    assert len(kos) == 1, kos
    return kos[0]


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
