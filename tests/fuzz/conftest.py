"""The fuzz suite's settings and bookkeeping.

Two hypothesis profiles: `brief` (the default, run by `make test`: a few hundred cases) and
`fuzz` (`make fuzz`: FUZZ_CASES cases per target, 10,000+ in all). Every case run is counted
and a line `fuzz: N cases, M tracebacks` closes the session. A failing case is saved, after
hypothesis has shrunk it, under tests/fuzz/reproducers/ (test_reproducers.py replays them).
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.bookkeeping import COUNTS

HERE = Path(__file__).resolve().parent
FUZZ_CASES = int(os.environ.get("FUZZ_CASES", "2500"))

_common = dict(deadline=None, derandomize=False, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])
settings.register_profile("brief", max_examples=60, **_common)
settings.register_profile("fuzz", max_examples=FUZZ_CASES, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "brief"))

def pytest_terminal_summary(terminalreporter):
    if COUNTS["cases"]:
        terminalreporter.write_line(f"fuzz: {COUNTS['cases']} cases, "
                                    f"{COUNTS['tracebacks']} tracebacks")


@pytest.fixture(scope="session")
def fuzz_rootfs(tmp_path_factory):
    """A root filesystem with the prebuilt images (and the hostile program when built)."""
    import shutil
    import subprocess
    root = tmp_path_factory.mktemp("fuzzroot")
    prebuilt = HERE.parents[1] / "firmware" / "prebuilt"
    for f in prebuilt.iterdir():
        if f.is_file():
            shutil.copy(f, root / f.name)
    if shutil.which("arm-linux-gnueabi-gcc"):
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(root / "hostile"),
                        str(HERE.parent / "programs" / "hostile.c")], check=True)
    return root
