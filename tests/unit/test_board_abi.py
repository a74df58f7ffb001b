"""The board's kernel ABI (issue 9): emulator/kernel/abi.py against the DWARF of modules built
with the FS4412's real 3.14 tree (the committed fixtures in firmware/prebuilt/genuine), the
SDK's import lists against those builds, and what insmod says about modules built for
another kernel (vermagic, position-independent code, other struct layouts).

The fixtures are enough; the tests that rebuild against the tree itself skip without it
(EMU4412_GENUINE_TREE, default /work/genuine).
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from emulator.kernel import abi  # noqa: E402
from emulator.kernel.module import abi_mismatches  # noqa: E402
from emulator.loader.dwarf import struct_layouts  # noqa: E402
from emulator.loader.module import ModuleLinker  # noqa: E402

PREBUILT = REPO / "firmware" / "prebuilt"
GENUINE = PREBUILT / "genuine"
TREE = Path(os.environ.get("EMU4412_GENUINE_TREE", "/work/genuine"))
CROSS = "arm-linux-gnueabi-"
HAVE_TREE = (TREE / "include" / "config" / "kernel.release").is_file() and \
    shutil.which(CROSS + "gcc") is not None
#: Drivers both builds have: the SDK's prebuilt images and the genuine fixtures.
BOTH = ("leddrv", "memtest")


def genuine_layouts():
    """Every struct of abi.STRUCTS as the board's DWARF has it (abiprobe holds them all)."""
    return struct_layouts((GENUINE / "abiprobe.ko").read_bytes(), list(abi.STRUCTS))


def test_genuine_fixtures_match_their_checksums():
    sums = {}
    for line in (GENUINE / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
    assert {"leddrv.ko", "memtest.ko", "kbufmmap.ko", "gpiommap.ko", "abiprobe.ko",
            "leddrv_pie.ko"} <= set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((GENUINE / name).read_bytes()).hexdigest() == digest, name
    assert "589ec8b5395a6181fd123959ebb8716be05de5fc" in (GENUINE / "TREE").read_text()


@pytest.mark.parametrize("tag", sorted(abi.STRUCTS))
def test_abi_table_matches_the_board_dwarf(tag):
    layouts = genuine_layouts()
    assert tag in layouts, f"struct {tag} is not in abiprobe.ko's DWARF"
    size, members = layouts[tag]
    struct = abi.STRUCTS[tag]
    assert struct.size == size, f"struct {tag}: abi.py says {struct.size}, the board {size}"
    for member, offset in struct.offsets.items():
        assert member in members, f"struct {tag} has no member {member} on the board"
        assert members[member] == offset, \
            f"struct {tag}.{member}: abi.py {offset}, the board {members[member]}"


def test_measured_board_facts():
    """The numbers the issue measured, as a reader checks them."""
    m, f, i = abi.MODULE, abi.FILE, abi.INODE
    assert (m.size, m["init"], m["exit"], m["module_core"], m["core_size"]) == \
        (344, 192, 336, 200, 208)
    assert (f.size, f["f_op"], f["f_flags"], f["f_pos"], f["private_data"]) == \
        (208, 20, 44, 96, 184)
    assert (i.size, i["i_rdev"], i["i_cdev"]) == (400, 44, 380)
    assert (abi.SPINLOCK.size, abi.MUTEX.size, abi.WAIT_QUEUE_HEAD.size) == (16, 40, 24)
    assert abi.VM_OPERATIONS_STRUCT.size == 24 and "nopage" not in abi.VM_OPERATIONS_STRUCT.offsets
    assert abi.VERMAGIC == "3.14.0 SMP preempt mod_unload ARMv7 p2v8 "


def test_abi_check_passes_both_builds_and_catches_another_layout():
    for ko in [PREBUILT / f"{n}.ko" for n in BOTH] + [GENUINE / f"{n}.ko" for n in BOTH]:
        assert abi_mismatches(ModuleLinker(ko.read_bytes(), ko.name)) == [], ko

    class Shrunk:               # a module whose struct file is the old 64-byte one
        def struct_layouts(self, names):
            return {"file": (64, {"f_op": 12, "private_data": 52})}
    assert abi_mismatches(Shrunk()) == ["struct file is 64 bytes in the module, 208 on the board"]


def undefined(ko):
    out = subprocess.run([CROSS + "nm", "-u", str(ko)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@pytest.mark.skipif(shutil.which(CROSS + "nm") is None, reason="binutils not installed")
@pytest.mark.parametrize("name", BOTH)
def test_sdk_and_genuine_builds_import_the_same_symbols(name):
    assert undefined(PREBUILT / f"{name}.ko") == undefined(GENUINE / f"{name}.ko")


@pytest.mark.skipif(not HAVE_TREE, reason=f"the board's kernel tree is not at {TREE}")
@pytest.mark.parametrize("name", ("leddrv", "memtest", "kbufmmap", "gpiommap"))
def test_live_builds_against_sdk_and_tree_import_the_same_symbols(tmp_path, name):
    """Build the same sources with the SDK and against the tree (KCFLAGS=-fno-pie)."""
    src = REPO / "firmware" / "drivers" / name
    kos = {}
    for build, kdir, extra in (("sdk", REPO / "firmware" / "sdk", []),
                               ("tree", TREE, ["ARCH=arm", f"CROSS_COMPILE={CROSS}",
                                               "KCFLAGS=-fno-pie"])):
        work = tmp_path / build
        shutil.copytree(src, work)
        subprocess.run(["make", "-s", "-C", str(kdir), f"M={work}", *extra, "modules"],
                       check=True, capture_output=True)
        kos[build] = work / f"{name}.ko"
    assert undefined(kos["sdk"]) == undefined(kos["tree"])


def run(script, rootfs, **options):
    import io
    from emulator.console import Console
    from emulator.machine import Machine
    out = io.StringIO()
    m = Machine(options.pop("board", "fs4412"), str(rootfs), console=out.write, **options)
    status = Console(m, out).run_lines(script.splitlines())
    return status, out.getvalue(), m


def test_pie_build_is_refused_as_the_board_refuses_it(tmp_path):
    shutil.copy(GENUINE / "leddrv_pie.ko", tmp_path)
    status, out, m = run("insmod leddrv_pie.ko\n", tmp_path)
    assert status == 1
    # 3.14 resolves symbols before relocating: the GOT symbol is the first thing it refuses
    assert "leddrv_pie: Unknown symbol _GLOBAL_OFFSET_TABLE_ (err 0)" in out
    assert "KCFLAGS=-fno-pie" in out and not m.modules.loaded


def test_unknown_relocation_is_refused_with_enoexec(tmp_path):
    """A GOT relocation without the GOT symbol: "unknown relocation: N", -ENOEXEC."""
    linker = ModuleLinker((GENUINE / "leddrv_pie.ko").read_bytes(), "leddrv_pie.ko")
    assert linker.is_pie()
    from emulator.loader.module import UnknownRelocation
    with pytest.raises(UnknownRelocation) as e:
        linker.check_relocations()
    assert e.value.rtype in (3, 25, 26) and e.value.pie
    sdk = ModuleLinker((PREBUILT / "leddrv.ko").read_bytes(), "leddrv.ko")
    sdk.check_relocations()
    assert not sdk.is_pie()


def test_board_release_setting_and_force_vermagic(tmp_path):
    board = tmp_path / "dirty.toml"
    text = (REPO / "boards" / "fs4412.toml").read_text()
    board.write_text(text.replace('release = "3.14.0"', 'release = "3.14.0-g589ec8b-dirty"'))
    shutil.copy(PREBUILT / "leddrv.ko", tmp_path)
    status, out, m = run("insmod leddrv.ko\n", tmp_path, board=str(board))
    assert status == 1
    assert ("leddrv: version magic '3.14.0 SMP preempt mod_unload ARMv7 p2v8 ' should be "
            "'3.14.0-g589ec8b-dirty SMP preempt mod_unload ARMv7 p2v8 '") in out
    status, out, m = run("insmod leddrv.ko\ncat /proc/modules\n", tmp_path, board=str(board),
                         force_vermagic=True)
    assert status == 0, out
    assert "leddrv: bad vermagic: kernel tainted." in out and "(OF)" in out


def test_genuine_leddrv_reads_its_private_data_at_the_board_offsets(tmp_path):
    """The genuine module does `ldr r3, [r0, #380]` for inode->i_cdev and keeps its state
    in file->private_data (offset 184): both are where the kernel put them."""
    shutil.copy(GENUINE / "leddrv.ko", tmp_path)
    shutil.copy(PREBUILT / "testled_app", tmp_path)
    status, out, m = run("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n"
                         "./testled_app /dev/leddev 1 2\n", tmp_path)
    assert status == 0, out
    assert m.leds["LED2"] is True


def test_pv_table_is_patched_so_virt_to_phys_is_right(tmp_path):
    """kbufmmap maps a kmalloc'd page with remap_pfn_range(virt_to_phys(buf) >> PAGE_SHIFT):
    the genuine build's virt_to_phys is a patched `add` from .pv_table."""
    linker = ModuleLinker((GENUINE / "kbufmmap.ko").read_bytes(), "kbufmmap.ko")
    assert any(sec.name == ".pv_table" for sec in linker.alloc)
    offsets, size = linker.layout()
    stubs = {}
    linked = linker.link(0xBF001000, offsets, (size + 4095) & ~4095,
                         lambda name: stubs.setdefault(name, 0xBF000020 + 8 * len(stubs)))
    pv_va, pv_size = linked.sections[".pv_table"]
    image = linked.image
    for i in range(0, pv_size, 4):
        insn_va = int.from_bytes(image[pv_va - 0xBF001000 + i:pv_va - 0xBF001000 + i + 4],
                                 "little")
        off = insn_va - 0xBF001000
        insn = int.from_bytes(image[off:off + 4], "little")
        assert insn & 0xFF == 0x80 and insn & 0xF00        # #0x80000000: phys - virt


def test_unchanged_fixture_exports_nothing_missing():
    """Every import of the genuine fixtures that should load is a kernel export."""
    from emulator.machine import Machine
    exports = set(Machine("fs4412", ".").hypercalls.names())
    for name in ("leddrv", "memtest", "kbufmmap", "gpiommap", "leakmem", "overflow", "uaf",
                 "dblfree", "sleepy", "allocled", "leakled", "noconled", "iomemchk"):
        missing = undefined(GENUINE / f"{name}.ko") - exports
        assert not missing, (name, missing)


def test_info_reports_the_board_checks():
    from emulator.info import describe
    sdk = describe(str(PREBUILT / "leddrv.ko"))
    assert "vermagic: ok" in sdk and "relocations: ok" in sdk
    assert "ABI: ok (" in sdk and "exports: all imports provided" in sdk
    pie = describe(str(GENUINE / "leddrv_pie.ko"))
    assert "unknown relocation:" in pie and "KCFLAGS=-fno-pie" in pie
    assert "exports: missing 1: _GLOBAL_OFFSET_TABLE_" in pie
    unresolved = describe(str(GENUINE / "unresolved.ko"))
    assert "exports: missing 2: usb_deregister usb_register_driver" in unresolved
