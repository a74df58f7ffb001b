"""The memory checker against the cases of Linux 4.0's lib/test_kasan.c, the oldest KASAN
self-test before KUnit (issue 16): every slab and page case reported once, in its function,
with its bug type, and nothing else reported. The global case is found from the module's
symbol table (kasan_globals.py); the stack case is out of reach for a binary module (no
redzones around its stack frames)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.helpers import run_script

#: case -> the bug type Linux reports (None: out of reach here, must stay silent)
CASES = {
    "oob_right": "slab-out-of-bounds", "oob_left": "slab-out-of-bounds",
    "node_oob_right": "slab-out-of-bounds", "large_oob_right": "slab-out-of-bounds",
    "krealloc_more": "slab-out-of-bounds", "krealloc_less": "slab-out-of-bounds",
    "oob_16": "slab-out-of-bounds", "oob_in_memset": "slab-out-of-bounds",
    "uaf": "use-after-free", "uaf_memset": "use-after-free", "uaf2": "use-after-free",
    "cache_oob": "slab-out-of-bounds", "stack_oob": None,
    "global_oob": "global-out-of-bounds",
}


def _reports_by_case(texts, marker):
    """case name (from its marker line) -> [(bug type, function)] of the reports after it."""
    by_case, case = {}, None
    for text in texts:
        if m := marker.match(text):
            case = m.group(1)
            by_case[case] = []
        elif m := re.match(r"BUG: KASAN: (\S+) in (\w+)\+0x", text):
            assert case is not None, text
            by_case[case].append((m.group(1), m.group(2)))
    return by_case


#: Cases whose bad access lies inside the object a constant-size kmalloc() got: a module
#: built against the board's tree carries no requested size for them (3.14 without
#: CONFIG_TRACING inlines kmem_cache_alloc_trace(s, flags, size) to kmem_cache_alloc(s,
#: flags), and kmalloc_large() to __get_free_pages(flags, order): kmalloc(13) and
#: kmalloc(16) are the same call), so the checker knows only the cache's object size or the
#: pages. The SDK's kmalloc() passes the size along (linux/slab.h, KMALLOC_SIZE_TAG).
SIZE_NOT_IN_GENUINE_BINARY = ("oob_right", "large_oob_right", "oob_16", "oob_in_memset")


def test_every_slab_and_page_case_is_reported(variant_drivers, module_build, tmp_path):
    shutil.copy(variant_drivers["kasantest"], tmp_path)
    status, out, machine = run_script("insmod kasantest.ko\n", tmp_path)
    assert status == 1 and "Resource temporarily unavailable" in out   # -EAGAIN by design
    by_case = _reports_by_case(machine.log.texts(), re.compile(r"kasantest: (\w+)$"))
    assert sorted(by_case) == sorted(CASES)
    cases = dict(CASES)
    if module_build == "genuine":
        cases.update(dict.fromkeys(SIZE_NOT_IN_GENUINE_BINARY))
    for case, bug in cases.items():
        if bug is None:
            assert by_case[case] == [], case
            continue
        (found, where), = by_case[case]
        assert found == bug, case
        # memset() tail-called from the case returns into its caller, which Linux names too
        assert where == (case if case != "uaf_memset" else "kasantest_init"), case
    assert len(machine.kasan_reports) == sum(bug is not None for bug in cases.values())


UPSTREAM = os.environ.get("LINUX_TEST_KASAN", "/tmp/upstream_kasan/test_kasan.c")


@pytest.mark.skipif(not Path(UPSTREAM).is_file(),
                    reason="no copy of Linux's lib/test_kasan.c (set LINUX_TEST_KASAN)")
def test_linux_test_kasan(tmp_path):
    """Linux's own file (4.0's, or a stable backport of it), built against the SDK. The only
    edits: backports' multi-shot switch (<linux/kasan.h>, kasan_*_multi_shot: 4.12+, and
    every report here is already printed) is dropped."""
    if shutil.which("arm-linux-gnueabi-gcc") is None:
        pytest.skip("arm-linux-gnueabi-gcc not installed")
    src = Path(UPSTREAM).read_text()
    src = "\n".join(line for line in src.splitlines()
                    if "linux/kasan.h" not in line and "_multi_shot(" not in line) + "\n"
    (tmp_path / "test_kasan.c").write_text(src)
    (tmp_path / "Kbuild").write_text("obj-m := test_kasan.o\n")
    sdk = Path(__file__).resolve().parents[2] / "firmware" / "sdk"
    subprocess.run(["make", "-s", "-C", str(sdk), f"M={tmp_path}", "modules"], check=True,
                   capture_output=True)
    status, out, machine = run_script("insmod test_kasan.ko\n", tmp_path)
    assert status == 1 and "Resource temporarily unavailable" in out
    by_case = _reports_by_case(machine.log.texts(), re.compile(r"kasan test: (\w+) "))
    reachable = [c for c in by_case if c.startswith(("kmalloc", "kmem_cache"))]
    assert len(reachable) >= 12
    for case in reachable:
        (bug, where), = by_case[case]
        assert bug == ("use-after-free" if "uaf" in case else "slab-out-of-bounds"), case
        assert where in (case, "kmalloc_tests_init"), case
    # out of reach here: the stack case, and the global one (never written, its array went
    # to .rodata right before __func__.0: global_array[13] is a byte of that string)
    assert by_case.get("kasan_stack_oob") == [] and by_case.get("kasan_global_oob") == []
    assert len(machine.kasan_reports) == len(reachable)
