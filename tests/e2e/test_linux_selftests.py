"""Linux's own pre-KUnit lib/ self-tests (test_printf, test_hexdump, test_string), built
against the SDK at test time from a copy of Linux's source outside this repository, with the
fewest edits (below, as code: Linux's text is never committed here), run on the board
(issue 16). The board's 3.14 tree has none of the three: they came later (printf and hexdump
in 4.x, string in 4.17), so each checks a few things 3.14 did differently; those results are
asserted to be exactly 3.14's answer, the rest to pass.

The source: $LINUX_SRC (a Linux tree, or any directory with lib/test_*.c), else
/tmp/linux_selftests. Expectations are for the oldest pre-KUnit versions, recognised by
their SHA-256; another version is skipped with the reason.
"""

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.helpers import run_script

SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"
SRC = Path(os.environ.get("LINUX_SRC", "/tmp/linux_selftests")) / "lib"

#: the versions the expectations below are for (the oldest non-KUnit ones found)
VERSIONS = {
    "test_printf": "fb923be5d45f2188d4fb73ecbe60401e4351faeef82c322d7edd8dcbbaac96e0",
    "test_hexdump": "8293f7207b902491e3781ad2dcf1e0c11994b9f5399174b80af7fc608d2efa74",
    "test_string": "45ee54efd66b5c152a7d63e6f6cf4d03c8fea8697622b362ff1c2a5b5933d291",
}


def _no_edit(src):
    return src


def _hexdump_edits(src):
    """test_hexdump_overflow checks hex_dump_to_buffer's return value, which 4.x added
    (3.14's returns void): its two loops are dropped, the function kept unused."""
    src, n = re.subn(r"\n\tfor \(i = 0; i < 16; i\+\+\)\n\t\ttest_hexdump_overflow\((?:false|"
                     r"true)\);\n", "\n", src)
    src = src.replace("static void __init test_hexdump_overflow(",
                      "static void __init __maybe_unused test_hexdump_overflow(")
    src = src.replace("r = hex_dump_to_buffer(data_b, 1, 16, 1, buf, l, ascii);", "r = 0;")
    assert n == 2
    return src


def _string_edits(src):
    """memset16/32/64 (4.17) are no 3.14 exports: their three subtests are dropped."""
    src, n = re.subn(r"static __init int memset(?:16|32|64)_selftest\(void\)\n\{\n.*?\n\}\n\n",
                     "", src, flags=re.S)
    src, m = re.subn(r"subtest = memset(16|32|64)_selftest\(\);", r"subtest = 0;", src)
    assert n == m == 3
    return src


EDITS = {"test_printf": _no_edit, "test_hexdump": _hexdump_edits,
         "test_string": _string_edits}


def _build_and_load(name, tmp_path):
    path = SRC / f"{name}.c"
    if not path.is_file():
        pytest.skip(f"no copy of Linux's lib/{name}.c (set LINUX_SRC to a Linux tree)")
    if shutil.which("arm-linux-gnueabi-gcc") is None:
        pytest.skip("arm-linux-gnueabi-gcc not installed")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != VERSIONS[name]:
        pytest.skip(f"lib/{name}.c is another version (sha256 {digest[:12]}...): the "
                    f"expectations are for {VERSIONS[name][:12]}...")
    work = tmp_path / "src"
    work.mkdir()
    (work / f"{name}.c").write_text(EDITS[name](path.read_text()))
    (work / "Kbuild").write_text(f"obj-m := {name}.o\n")
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={work}", "modules"], check=True,
                   capture_output=True)
    shutil.copy(work / f"{name}.ko", tmp_path)
    return run_script(f"insmod {name}.ko\n", tmp_path)


def test_linux_test_printf(tmp_path):
    """Built unchanged. 111 vsnprintf checks (3 buffer sizes a case) plus a kvasprintf one a
    case: all pass but the six %*pb/%*pbl bitmap cases, which arrived in 3.19: 3.14 prints
    their pointer, as here."""
    status, out, machine = _build_and_load("test_printf", tmp_path)
    texts = machine.log.texts()
    assert status == 1 and "Invalid argument" in out          # init returns -EINVAL
    assert "test_printf: failed 24 out of 111 tests" in texts
    failures = [t for t in texts if t.startswith("test_printf: vsnprintf(")
                or t.startswith("test_printf: kvasprintf(")]
    assert len(failures) == 24
    assert all(re.search(r'"%20pbl?\|%\*pbl?"', t) for t in failures)
    pointer = re.compile(r"returned '( {12}c[0-9a-f]{7})\|\1'")   # the bitmap's address
    assert all(pointer.search(t) for t in failures if "kvasprintf" in t)


def test_linux_test_hexdump(tmp_path):
    """128 hex_dump_to_buffer checks (16 random lengths x 4 group sizes x with/without
    ASCII): 117 agree; the 11 that differ are 4.x's layout change: with groups of 2, 4 or 8
    bytes and a short row, 4.x starts the ASCII column where a full row's would be, 3.14
    two spaces after the hex (same text, other padding)."""
    status, out, machine = _build_and_load("test_hexdump", tmp_path)
    texts = machine.log.texts()
    assert status == 1 and "test_hexdump: Running tests..." in texts
    lines = [t.removeprefix("test_hexdump: ") for t in texts if t.startswith("test_hexdump: ")]
    heads = [i for i, t in enumerate(lines) if t.startswith("Len: ")]
    assert len(heads) == 11
    for i in heads:
        length, row, group = map(int, re.findall(r"\d+", lines[i]))
        result, expect = lines[i + 1], lines[i + 2]
        assert group > 1 and length < row, lines[i]
        got = re.fullmatch(r"Result: '(.*)'", result).group(1)
        want = re.fullmatch(r"Expect: '(.*)'", expect).group(1)
        assert got.split() == want.split() and "  " in got      # only the padding differs


def test_linux_test_string(tmp_path):
    """memset16/32/64 dropped (no 3.14 exports); strchr passes; strnchr stops at its first
    search for the terminating NUL (subtest 5, i = 12, count 13): 3.14's strnchr ends its
    loop at the NUL without comparing it, so it answers NULL, as here (later kernels find
    it). The init returns 0 either way."""
    status, out, machine = _build_and_load("test_string", tmp_path)
    texts = machine.log.texts()
    assert status == 0, out
    assert "String selftest failure 5.00006d0d" in texts
    assert "String selftests succeeded" not in texts
