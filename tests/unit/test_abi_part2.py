"""The layouts added for issue 12, part 2 (abi.PART2_STRUCTS: rw_semaphore, hrtimer and its
clock base, input_event, ...): the SDK headers declare them at the board's offsets, and a
probe built against the board's real tree (when /work/genuine is there) has the same DWARF.
They move into abi.STRUCTS (checked against abiprobe.ko) once the genuine fixtures are
rebuilt with tools/abiprobe/abiprobe.c, which already lists them."""

import subprocess
from pathlib import Path

import pytest

from emulator.kernel import abi
from emulator.loader.dwarf import struct_layouts
from tests.unit.test_sdk_headers import CC, compile_c

GENUINE_TREE = Path("/work/genuine")
REPO = Path(__file__).resolve().parents[2]


def probe_source():
    lines = ["#include <linux/stddef.h>"]
    lines += [f"#include <{h}>" for h in sorted({s.header for s in abi.PART2_STRUCTS.values()})]
    for name, struct in sorted(abi.PART2_STRUCTS.items()):
        for field, offset in struct.offsets.items():
            lines.append(f"_Static_assert(offsetof(struct {name}, {field}) == {offset}, "
                         f"\"struct {name}: {field} not at {offset}\");")
        lines.append(f"_Static_assert(sizeof(struct {name}) == {struct.size}, "
                     f"\"struct {name} is not {struct.size} bytes\");")
    return "\n".join(lines) + "\n"


def test_sdk_headers_have_the_board_layouts(tmp_path):
    compile_c(tmp_path, probe_source(), "-fsyntax-only")


def test_abiprobe_source_lists_them():
    text = (REPO / "tools" / "abiprobe" / "abiprobe.c").read_text()
    for name in abi.PART2_STRUCTS:
        assert f"struct {name} abi_{name};" in text, name


@pytest.mark.skipif(not (GENUINE_TREE / "include" / "config" / "kernel.release").exists(),
                    reason="the board's prepared 3.14 tree is not at /work/genuine")
def test_board_tree_dwarf_matches(tmp_path):
    if subprocess.run(["which", CC], capture_output=True).returncode:
        pytest.skip(f"{CC} not installed")
    headers = sorted({s.header for s in abi.PART2_STRUCTS.values()})
    (tmp_path / "p2probe.c").write_text(
        "#include <linux/module.h>\n" + "".join(f"#include <{h}>\n" for h in headers) +
        "".join(f"struct {n} abi_{n};\n" for n in abi.PART2_STRUCTS) +
        "MODULE_LICENSE(\"GPL\");\n")
    (tmp_path / "Kbuild").write_text("obj-m := p2probe.o\n")
    subprocess.run(["make", "-s", "-C", str(GENUINE_TREE), "ARCH=arm",
                    "CROSS_COMPILE=arm-linux-gnueabi-", "KCFLAGS=-fno-pie", f"M={tmp_path}",
                    "modules"], check=True, capture_output=True)
    layouts = struct_layouts((tmp_path / "p2probe.ko").read_bytes(), list(abi.PART2_STRUCTS))
    for name, struct in abi.PART2_STRUCTS.items():
        size, offsets = layouts[name]
        assert size == struct.size, name
        for field, offset in struct.offsets.items():
            assert offsets[field] == offset, (name, field)
