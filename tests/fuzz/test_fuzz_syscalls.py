"""Property: no system call a user program makes, with any arguments, crashes the emulator
or oopses the kernel (run by tests/programs/hostile.c, which makes them raw)."""

import shutil

import pytest
from hypothesis import given, strategies as st

from emulator.machine import Machine
from emulator.kernel.syscalls import _TABLE
from tests.fuzz import targets
from tests.fuzz.bookkeeping import count_case, save_reproducer

pytestmark = pytest.mark.skipif(shutil.which("arm-linux-gnueabi-gcc") is None,
                                reason="arm-linux-gnueabi-gcc not installed (builds hostile)")

#: Calls that end the program at once would hide the rest of a batch: tried, but rarely.
ENDING = {1, 248}
NUMBERS = st.one_of(st.sampled_from(sorted(set(_TABLE) - ENDING)),
                    st.sampled_from(sorted(ENDING)), st.integers(0, 500),
                    st.sampled_from([0xF0001, 0xF0002, 0xF0005, 0xFFFFFFFF]))
VALUES = st.one_of(st.sampled_from([0, 1, 3, 0x1000, 0x8000, 0xBEFFF000, 0xBF000000,
                                    0xC0000000, 0xFFFF0000, 0xFFFFFFFF, 0x7FFFFFFF,
                                    0xFFFFFF9C, 0x10000, 0x22, 0x802, 4096, 65536]),
                   st.integers(0, 0xFFFFFFFF))
CALLS = st.lists(st.tuples(NUMBERS, VALUES, VALUES, VALUES, VALUES, VALUES, VALUES),
                 min_size=1, max_size=6)

_machine = {}


@given(CALLS)
def test_raw_syscalls(fuzz_rootfs, calls):
    count_case()
    entry = _machine.get("m")
    if entry is None or entry[1] >= 50:
        entry = _machine["m"] = [Machine("fs4412", str(fuzz_rootfs), timeout_s=2,
                                         console=lambda s: None), 0]
    entry[1] += 1
    try:
        targets.run_syscalls(entry[0], calls)
    except Exception:
        save_reproducer("syscalls.txt", "\n".join(" ".join(f"{v:#x}" for v in c) for c in calls))
        _machine.clear()
        raise
