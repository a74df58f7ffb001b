"""Replays every input the fuzz suite saved under tests/fuzz/reproducers/ (a failing case,
already shrunk by hypothesis) through its target: each must now end without a traceback."""

import pytest

from emulator.machine import Machine
from tests.fuzz import targets
from tests.fuzz.bookkeeping import REPRODUCERS

SAVED = sorted(p for p in REPRODUCERS.glob("*") if p.suffix in (".ko", ".elf", ".board", ".txt"))


@pytest.mark.parametrize("path", SAVED, ids=[p.name for p in SAVED])
def test_reproducer(path, fuzz_rootfs):
    data = path.read_bytes()
    if path.suffix == ".ko":
        targets.load_module(data)
    elif path.suffix == ".elf":
        targets.load_app(data)
    else:
        machine = Machine("fs4412", str(fuzz_rootfs), timeout_s=2, console=lambda s: None)
        if path.suffix == ".board":
            targets.run_script(machine, data.decode("utf-8", "surrogateescape"))
        else:
            calls = [[int(v, 16) for v in line.split()] for line in data.decode().splitlines()]
            targets.run_syscalls(machine, calls)
