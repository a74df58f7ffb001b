"""idr/ida (issue 16): lib/idr.c's services over guest-memory trees laid out as the board's
3.14 kernel has them (a module's inline idr_find() reads the hinted leaf itself)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from emulator.kernel import lib_idr
from tests.conftest import GENUINE, needs_genuine
from tests.e2e.helpers import run_script


EXPECTED = [
    "idrcheck: alloc 0 1 10 -28",                   # [10, 11) with 10 taken: -ENOSPC
    "idrcheck: find 1 1 1",
    "idrcheck: alloc 0 300 70000",                  # the lowest free id again; 2 and 3 layers
    "idrcheck: find 1 1 1 1",
    "WARNING: CPU: 0 PID: 1 at lib/idr.c:481 idr_alloc()",   # WARN_ON_ONCE(start < 0)
    "idrcheck: bad -22 -28",
    "idrcheck: for_each sum 70311 ret 0",
    "idrcheck: for_each sum 31 ret 7 (stopped at 20)",
    "idrcheck: entry 0 things[4]", "idrcheck: entry 1 things[1]",
    "idrcheck: entry 10 things[2]", "idrcheck: entry 20 things[7]",
    "idrcheck: entry 300 things[5]", "idrcheck: entry 70000 things[6]",
    "idrcheck: replace 1 1 -2",                     # 301: in a live leaf, not taken: -ENOENT
    "WARNING: CPU: 0 PID: 1 at lib/idr.c:527 idr_remove_warning()",
    "idr_remove called for id=301 which is not allocated.",
    "idrcheck: emptied 1 0",
    "idrcheck: cyclic 3 -28",                       # wraps to the freed 3, then full
    "idrcheck: preload 260 preempt 0",
    "idrcheck: ida 0 1 2 5000 -28",
    "WARNING: CPU: 0 PID: 1 at lib/idr.c:1065 ida_remove()",
    "ida_remove called for id=4 which is not allocated.",
    "idrcheck: ida_get_new_above 1000",
    "idrcheck: ida refill 500",
]


@pytest.fixture(scope="module")
def idrcheck(variant_drivers, tmp_path_factory):
    root = tmp_path_factory.mktemp("idrcheck")
    shutil.copy(variant_drivers["idrcheck"], root)
    status, out, machine = run_script("insmod idrcheck.ko\nrmmod idrcheck\n", root)
    return status, out, machine


def test_idr_and_ida_answer_as_3_14(idrcheck):
    status, out, machine = idrcheck
    assert status == 0, out
    lines = [t for t in machine.log.texts() if t.startswith(("idrcheck:", "WARNING", "id"))]
    assert lines == EXPECTED


def test_idr_layers_and_bitmaps_are_freed(idrcheck):
    """Every layer and ida bitmap went back: no leak at rmmod, no KASAN report."""
    status, out, machine = idrcheck
    assert machine.modules.leak_reports == [("idrcheck", [])]
    assert not [t for t in machine.log.texts() if t.startswith("BUG")]


def _module(tmp_path, name, body):
    src = tmp_path / name
    src.mkdir()
    (src / "Kbuild").write_text(f"obj-m := {name}.o\n")
    (src / f"{name}.c").write_text(
        "#include <linux/module.h>\n#include <linux/idr.h>\n" + body +
        "module_init(t_init);\nMODULE_LICENSE(\"GPL\");\n")
    sdk = Path(__file__).resolve().parents[2] / "firmware" / "sdk"
    subprocess.run(["make", "-s", "-C", str(sdk), f"M={src}", "modules"], check=True,
                   capture_output=True)
    shutil.copy(src / f"{name}.ko", tmp_path)


def test_idr_bug_on_negative_ida_id(variant_drivers, tmp_path):
    """A module's own bad call ends as Linux's BUG_ON would: exit status 3."""
    _module(tmp_path, "idrbug", "static DEFINE_IDA(x);\n"
            "static int __init t_init(void) { ida_simple_remove(&x, -1); return 0; }\n")
    status, out, machine = run_script("insmod idrbug.ko\n", tmp_path)
    assert status == 3
    assert "kernel BUG at lib/idr.c:1141!" in machine.log.texts()


def test_layers_are_charged_to_the_module(variant_drivers, tmp_path):
    """A module that never calls idr_destroy() leaks its layers, as on Linux."""
    _module(tmp_path, "idrleak", "static DEFINE_IDR(x); static int o;\n"
            "static int __init t_init(void) { return idr_alloc(&x, &o, 700, 0, GFP_KERNEL)"
            " == 700 ? 0 : -EINVAL; }\nstatic void __exit t_exit(void) {}\n"
            "module_exit(t_exit);\n")
    status, out, machine = run_script("insmod idrleak.ko\nrmmod idrleak\n", tmp_path)
    (name, held), = machine.modules.leak_reports
    assert status == 0 and name == "idrleak"
    assert len(held) == 2                       # the top layer and the leaf under it


def _dwarf_layouts(ko):
    """struct name -> (byte_size, {member: offset}) from a module's DWARF."""
    layouts = {}
    with open(ko, "rb") as f:
        dwarf = ELFFile(f).get_dwarf_info()
        for cu in dwarf.iter_CUs():
            for die in cu.iter_DIEs():
                name = die.attributes.get("DW_AT_name")
                if die.tag != "DW_TAG_structure_type" or name is None \
                        or "DW_AT_byte_size" not in die.attributes:
                    continue
                members = {c.attributes["DW_AT_name"].value.decode():
                           c.attributes["DW_AT_data_member_location"].value
                           if "DW_AT_data_member_location" in c.attributes else 0
                           for c in die.iter_children() if c.tag == "DW_TAG_member"
                           and "DW_AT_name" in c.attributes}
                layouts[name.value.decode()] = (die.attributes["DW_AT_byte_size"].value,
                                                members)
    return layouts


@needs_genuine
def test_layout_is_the_boards():
    """lib_idr's offsets are those of idrcheck built against the FS4412 tree (its DWARF)."""
    layouts = _dwarf_layouts(GENUINE / "idrcheck.ko")
    size, m = layouts["idr_layer"]
    assert (size, m["prefix"], m["bitmap"], m["ary"], m["count"], m["layer"]) == \
        (lib_idr.LAYER_SIZE, lib_idr.L_PREFIX, lib_idr.L_BITMAP, lib_idr.L_ARY,
         lib_idr.L_COUNT, lib_idr.L_LAYER)
    size, m = layouts["idr"]
    assert (m["hint"], m["top"], m["id_free"], m["layers"], m["id_free_cnt"], m["cur"],
            m["lock"]) == (lib_idr.I_HINT, lib_idr.I_TOP, lib_idr.I_ID_FREE, lib_idr.I_LAYERS,
                           lib_idr.I_ID_FREE_CNT, lib_idr.I_CUR, lib_idr.I_LOCK)
    assert size == lib_idr.I_LOCK + len(lib_idr.SPINLOCK_INIT)
    assert layouts["ida"][0] == size + 4
    assert layouts["ida_bitmap"][0] == lib_idr.IDA_BITMAP_SIZE
