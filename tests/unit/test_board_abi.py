"""The board's kernel ABI (issue 9): what insmod says about modules built for another kernel
(vermagic, position-independent code, other struct layouts), SDK builds laid out and patched
as the board's are; and, where a developer has modules built against the FS4412's real 3.14
tree (EMU4412_GENUINE, not distributed: see conftest.py), emulator/kernel/abi.py against their
DWARF and the SDK's import lists against theirs.
"""

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
from tests.conftest import GENUINE, HAVE_CROSS, build_module, needs_genuine  # noqa: E402

PREBUILT = REPO / "firmware" / "prebuilt"
CROSS = "arm-linux-gnueabi-"
#: Drivers both builds have: the SDK's prebuilt images and the genuine ones.
BOTH = ("leddrv", "memtest")
needs_cross = pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")


@pytest.fixture(scope="module")
def sdk_builds(tmp_path_factory):
    """SDK builds the checks need: leddrv position-independent (KCFLAGS=-fpie, as Debian's
    default-PIE gcc makes it without -fno-pie), kbufmmap, and tests/drivers/unresolved."""
    out = tmp_path_factory.mktemp("abi")
    return {"leddrv_pie": build_module(REPO / "firmware" / "drivers" / "leddrv",
                                       out / "pie", kcflags="-fpie"),
            "kbufmmap": build_module(REPO / "firmware" / "drivers" / "kbufmmap", out),
            "unresolved": build_module(REPO / "tests" / "drivers" / "unresolved", out)}


def genuine_layouts():
    """Every struct of abi.STRUCTS as the board's DWARF has it (abiprobe holds them all)."""
    return struct_layouts((GENUINE / "abiprobe.ko").read_bytes(), list(abi.STRUCTS))


@needs_genuine
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


def test_abi_check_passes_the_builds_and_catches_another_layout():
    kos = [PREBUILT / f"{n}.ko" for n in BOTH]
    if GENUINE is not None and (GENUINE / "leddrv.ko").is_file():
        kos += [GENUINE / f"{n}.ko" for n in BOTH]
    for ko in kos:
        assert abi_mismatches(ModuleLinker(ko.read_bytes(), ko.name)) == [], ko

    class Shrunk:               # a module whose struct file is the old 64-byte one
        def struct_layouts(self, names):
            return {"file": (64, {"f_op": 12, "private_data": 52})}
    assert abi_mismatches(Shrunk()) == ["struct file is 64 bytes in the module, 208 on the board"]


def undefined(ko):
    out = subprocess.run([CROSS + "nm", "-u", str(ko)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@needs_genuine
@pytest.mark.skipif(shutil.which(CROSS + "nm") is None, reason="binutils not installed")
@pytest.mark.parametrize("name", BOTH)
def test_sdk_and_genuine_builds_import_the_same_symbols(name):
    assert undefined(PREBUILT / f"{name}.ko") == undefined(GENUINE / f"{name}.ko")


def run(script, rootfs, **options):
    import io
    from emulator.console import Console
    from emulator.machine import Machine
    out = io.StringIO()
    m = Machine(options.pop("board", "fs4412"), str(rootfs), console=out.write, **options)
    status = Console(m, out).run_lines(script.splitlines())
    return status, out.getvalue(), m


@needs_cross
def test_pie_build_is_refused_as_the_board_refuses_it(tmp_path, sdk_builds):
    shutil.copy(sdk_builds["leddrv_pie"], tmp_path)
    status, out, m = run("insmod leddrv.ko\n", tmp_path)
    assert status == 1
    # 3.14 resolves symbols before relocating: the GOT symbol is the first thing it refuses
    assert "leddrv: Unknown symbol _GLOBAL_OFFSET_TABLE_ (err 0)" in out
    assert "KCFLAGS=-fno-pie" in out and not m.modules.loaded


@needs_cross
def test_unknown_relocation_is_refused_with_enoexec(sdk_builds):
    """A GOT relocation without the GOT symbol: "unknown relocation: N", -ENOEXEC."""
    linker = ModuleLinker(sdk_builds["leddrv_pie"].read_bytes(), "leddrv.ko")
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


@needs_genuine
def test_genuine_leddrv_reads_its_private_data_at_the_board_offsets(tmp_path):
    """The genuine module does `ldr r3, [r0, #380]` for inode->i_cdev and keeps its state
    in file->private_data (offset 184): both are where the kernel put them."""
    shutil.copy(GENUINE / "leddrv.ko", tmp_path)
    shutil.copy(PREBUILT / "testled_app", tmp_path)
    status, out, m = run("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n"
                         "./testled_app /dev/leddev 1 2\n", tmp_path)
    assert status == 0, out
    assert m.leds["LED2"] is True


@needs_cross
def test_pv_table_is_patched_so_virt_to_phys_is_right(sdk_builds):
    """kbufmmap maps a kmalloc'd page with remap_pfn_range(virt_to_phys(buf) >> PAGE_SHIFT):
    its virt_to_phys (the board's ARM_PATCH_PHYS_VIRT inline, as the SDK expands it) is a
    patched `add` from .pv_table."""
    linker = ModuleLinker(sdk_builds["kbufmmap"].read_bytes(), "kbufmmap.ko")
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


@needs_genuine
def test_unchanged_fixture_exports_nothing_missing():
    """Every import of the genuine builds that should load is a kernel export."""
    from emulator.machine import Machine
    exports = set(Machine("fs4412", ".").hypercalls.names())
    for name in ("leddrv", "memtest", "kbufmmap", "gpiommap", "leakmem", "overflow", "uaf",
                 "dblfree", "sleepy", "allocled", "leakled", "noconled", "iomemchk"):
        missing = undefined(GENUINE / f"{name}.ko") - exports
        assert not missing, (name, missing)


@needs_cross
def test_info_reports_the_board_checks(sdk_builds):
    from emulator.info import describe
    sdk = describe(str(PREBUILT / "leddrv.ko"))
    assert "vermagic: ok" in sdk and "relocations: ok" in sdk
    assert "ABI: ok (" in sdk and "exports: all imports provided" in sdk
    pie = describe(str(sdk_builds["leddrv_pie"]))
    assert "unknown relocation:" in pie and "KCFLAGS=-fno-pie" in pie
    assert "exports: missing 1: _GLOBAL_OFFSET_TABLE_" in pie
    unresolved = describe(str(sdk_builds["unresolved"]))
    assert ("exports: missing 4: __pollwait of_irq_count usb_deregister usb_register_driver"
            in unresolved)
