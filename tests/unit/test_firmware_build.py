"""The firmware images and the SDK's module build.

* firmware/prebuilt/ holds the images listed in SHA256SUMS, and rebuilding the firmware
  from a copy of its sources elsewhere gives the same bytes (reproducible builds).
* Every module the SDK builds is what the emulator's loader expects: ELF32 REL for ARM,
  .modinfo with the vermagic of emulator.kernel.abi, __this_module in
  .gnu.linkonce.this_module pointing at init_module/cleanup_module, imports limited to
  firmware/sdk/provided_symbols.txt, relocations of the supported types only.
* Kbuild features: the seed's two-branch Makefile, Kbuild files, multi-object modules,
  modules without module_exit, modpost warnings, clean.

Tests that compile are skipped when arm-linux-gnueabi-gcc (or make) is not installed.
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from emulator.kernel import abi  # noqa: E402

FIRMWARE = REPO / "firmware"
SDK = FIRMWARE / "sdk"
PREBUILT = FIRMWARE / "prebuilt"
CROSS = "arm-linux-gnueabi-"

needs_toolchain = pytest.mark.skipif(
    shutil.which(CROSS + "gcc") is None or shutil.which("make") is None,
    reason=f"{CROSS}gcc or make not installed")

#: Relocation types the emulator's loader implements (emulator/loader/reloc_arm.py).
ALLOWED_RELOCS = {"R_ARM_NONE", "R_ARM_ABS32", "R_ARM_REL32", "R_ARM_CALL", "R_ARM_JUMP24",
                  "R_ARM_MOVW_ABS_NC", "R_ARM_MOVT_ABS", "R_ARM_PREL31", "R_ARM_V4BX"}
R_ARM_NAMES = {0: "R_ARM_NONE", 2: "R_ARM_ABS32", 3: "R_ARM_REL32", 28: "R_ARM_CALL",
               29: "R_ARM_JUMP24", 40: "R_ARM_V4BX", 42: "R_ARM_PREL31",
               43: "R_ARM_MOVW_ABS_NC", 44: "R_ARM_MOVT_ABS"}

MODULES = ("leddrv.ko", "kmbench.ko", "memtest.ko", "dtled.ko", "gpioled.ko", "ledclass.ko",
           "platdev.ko", "platdrv.ko",
           "beeper.ko", "adc.ko", "wdt.ko", "mpu6050.ko")              # periph (issue 13)
PROGRAMS = ("testled_app", "ioctl_loop", "kmbench_app", "memtest_app",
            "beeper_app", "adc_app", "wdt_app", "mpu6050_app")        # periph (issue 13)
DEVICE_TREES = ("fs4412.dtb",)


def provided_symbols():
    names = set()
    for line in (SDK / "provided_symbols.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def read_sums(path):
    sums = {}
    for line in path.read_text().splitlines():
        digest, name = line.split(None, 1)
        sums[name.lstrip("*")] = digest
    return sums


# ------------------------------------------------------------------ prebuilt images

def test_prebuilt_sums_list_every_image_sorted():
    lines = (PREBUILT / "SHA256SUMS").read_text().splitlines()
    names = [line.split(None, 1)[1] for line in lines]
    assert names == sorted(names)
MODULES = ("leddrv.ko", "kmbench.ko", "memtest.ko", "dtled.ko", "gpioled.ko", "ledclass.ko",
           "platdev.ko", "platdrv.ko",
           "beeper.ko", "adc.ko", "wdt.ko", "mpu6050.ko")              # periph (issue 13)
PROGRAMS = ("testled_app", "ioctl_loop", "kmbench_app", "memtest_app",
            "beeper_app", "adc_app", "wdt_app", "mpu6050_app")        # periph (issue 13)
DEVICE_TREES = ("fs4412.dtb",)


def test_prebuilt_images_match_their_sums():
    for name, digest in read_sums(PREBUILT / "SHA256SUMS").items():
        assert hashlib.sha256((PREBUILT / name).read_bytes()).hexdigest() == digest, name


def _ignore_products(directory, names):
    """Build products and prebuilt images are not sources."""
    skip = {"prebuilt", "__pycache__"}
    for name in names:
        if name.endswith((".o", ".ko", ".mod.c", ".cmd", ".tmp", ".dtb")):
            skip.add(name)
        elif Path(directory).parent.name == "apps" and name == Path(directory).name:
            skip.add(name)  # apps/X/X, the program
    return skip


def installed_toolchain():
    proc = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(FIRMWARE),
                           "toolchain"], capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


@needs_toolchain
def test_rebuild_reproduces_prebuilt_images(tmp_path):
    if installed_toolchain() != (PREBUILT / "TOOLCHAIN").read_text():
        pytest.skip("the installed cross toolchain is not the one in firmware/prebuilt/TOOLCHAIN")
    copy = tmp_path / "elsewhere" / "fw"
    shutil.copytree(FIRMWARE, copy, ignore=_ignore_products)
    proc = subprocess.run(["make", "-s", "-C", str(copy), "prebuilt"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rebuilt = read_sums(copy / "prebuilt" / "SHA256SUMS")
    committed = read_sums(PREBUILT / "SHA256SUMS")
    committed.pop("busybox")          # built by firmware/busybox/build.sh, not `make prebuilt`
    assert rebuilt == committed, (
        "firmware/prebuilt is stale or the build is not reproducible: "
        "run `make -C firmware prebuilt` and commit firmware/prebuilt")


# ------------------------------------------------------------------ module structure

def _symbols(elf):
    symtab = elf.get_section_by_name(".symtab")
    return symtab, {sym.name: sym for sym in symtab.iter_symbols() if sym.name}


def _relocs_of(elf, section_name):
    rel = elf.get_section_by_name(".rel" + section_name)
    return list(rel.iter_relocations()) if rel else []


def check_module(path, name):
    """Everything the emu4412 loader relies on in NAME.ko."""
    with open(path, "rb") as f:
        elf = ELFFile(f)
        assert elf.elfclass == 32 and elf.little_endian
        assert elf["e_type"] == "ET_REL" and elf["e_machine"] == "EM_ARM"
        assert elf.has_dwarf_info()

        modinfo = elf.get_section_by_name(".modinfo").data().split(b"\0")
        entries = [e.decode() for e in modinfo if e]
        assert f"vermagic={abi.VERMAGIC}" in entries
        assert f"name={name}" in entries
        assert "license=GPL" in entries

        this = elf.get_section_by_name(".gnu.linkonce.this_module")
        assert this is not None and this["sh_size"] == abi.MODULE.size
        data = this.data()
        mod_name = data[abi.MODULE["name"]:abi.MODULE["name"] + abi.MODULE_NAME_LEN]
        assert mod_name.rstrip(b"\0") == name.encode()

        symtab, syms = _symbols(elf)
        assert syms["__this_module"]["st_shndx"] != "SHN_UNDEF"
        targets = {}
        for rel in _relocs_of(elf, ".gnu.linkonce.this_module"):
            targets[rel["r_offset"]] = symtab.get_symbol(rel["r_info_sym"]).name
        undefined = {s.name for s in symtab.iter_symbols()
                     if s["st_shndx"] == "SHN_UNDEF" and s.name}
        assert undefined <= provided_symbols(), undefined - provided_symbols()

        types = set()
        for section in elf.iter_sections():
            if isinstance(section, RelocationSection):
                for rel in section.iter_relocations():
                    types.add(R_ARM_NAMES.get(rel["r_info_type"], rel["r_info_type"]))
        assert types <= ALLOWED_RELOCS, types - ALLOWED_RELOCS
        sections = {s.name for s in elf.iter_sections()}
    return targets, syms, sections, undefined


@pytest.mark.parametrize("module", MODULES)
def test_prebuilt_module_structure(module):
    name = module[:-3]
    targets, syms, sections, undefined = check_module(PREBUILT / module, name)
    assert targets[abi.MODULE["init"]] == "init_module"
    assert targets[abi.MODULE["exit"]] == "cleanup_module"
    assert syms["init_module"]["st_shndx"] != "SHN_UNDEF"
    assert {".text", ".init.text", ".exit.text", ".modinfo"} <= sections


def test_leddrv_imports():
    _, _, _, undefined = check_module(PREBUILT / "leddrv.ko", "leddrv")
    # the board's inline paths: kmalloc(sizeof) through kmalloc_caches, memset(p, 0, n) as
    # __memzero, writel() with the outer cache sync
    assert undefined == {"printk", "kmalloc_caches", "kmem_cache_alloc", "kfree", "__memzero",
                         "register_chrdev_region", "alloc_chrdev_region",
                         "unregister_chrdev_region", "cdev_init", "cdev_add", "cdev_del",
                         "__arm_ioremap", "__arm_iounmap", "outer_cache",
                         "__aeabi_unwind_cpp_pr0"}


@pytest.mark.parametrize("program", PROGRAMS)
def test_prebuilt_programs_are_static_arm_executables(program):
    with open(PREBUILT / program, "rb") as f:
        elf = ELFFile(f)
        assert elf.elfclass == 32 and elf["e_machine"] == "EM_ARM"
        assert elf["e_type"] == "ET_EXEC"
        assert not any(seg["p_type"] in ("PT_INTERP", "PT_DYNAMIC")
                       for seg in elf.iter_segments())
        assert elf["e_flags"] & 0xFF000000 == 0x05000000  # EABI version 5


# ------------------------------------------------------------------ SDK behaviour

def sdk_make(moddir, *goals):
    return subprocess.run(["make", "-C", str(SDK), f"M={moddir}", *goals],
                          capture_output=True, text=True)


@needs_toolchain
def test_seed_makefile_builds_with_kerneldir(tmp_path):
    copy = tmp_path / "leddrv"
    shutil.copytree(FIRMWARE / "drivers" / "leddrv", copy, ignore=_ignore_products)
    proc = subprocess.run(["make", "-C", str(copy), "ARCH=arm", f"KERNELDIR={SDK}"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if installed_toolchain() == (PREBUILT / "TOOLCHAIN").read_text():
        assert (copy / "leddrv.ko").read_bytes() == (PREBUILT / "leddrv.ko").read_bytes()
    check_module(copy / "leddrv.ko", "leddrv")
    proc = subprocess.run(["make", "-C", str(copy), "ARCH=arm", f"KERNELDIR={SDK}", "clean"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert sorted(p.name for p in copy.iterdir()) == ["Makefile", "leddrv.c", "leddrv.h"]


@needs_toolchain
def test_multi_object_module_without_exit(tmp_path):
    mod = tmp_path / "multi"
    mod.mkdir()
    (mod / "Kbuild").write_text("obj-m += two-part.o\ntwo-part-objs := main.o helper.o\n")
    (mod / "main.c").write_text(
        '#include <linux/module.h>\n'
        'int helper(int);\n'
        'static int __init two_init(void)\n'
        '{\n\tprintk(KERN_INFO "%s %d\\n", KBUILD_MODNAME, helper(1));\n\treturn 0;\n}\n'
        'module_init(two_init);\nMODULE_LICENSE("Dual BSD/GPL");\n')
    (mod / "helper.c").write_text(
        '#include <linux/kernel.h>\n'
        'const char helper_modname[] = KBUILD_MODNAME;\n'
        'int helper(int x) { return x + 1; }\n')
    proc = sdk_make(mod, "modules")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ko = mod / "two-part.ko"
    with open(ko, "rb") as f:
        elf = ELFFile(f)
        modinfo = elf.get_section_by_name(".modinfo").data()
        assert b"name=two_part\0" in modinfo
        assert f"vermagic={abi.VERMAGIC}".encode() in modinfo
        this = elf.get_section_by_name(".gnu.linkonce.this_module").data()
        assert this[abi.MODULE["name"]:].startswith(b"two_part\0")
        rels = {r["r_offset"] for r in _relocs_of(elf, ".gnu.linkonce.this_module")}
        assert abi.MODULE["init"] in rels
        assert abi.MODULE["exit"] not in rels  # no module_exit: cannot be unloaded
        assert this[abi.MODULE["exit"]:abi.MODULE["exit"] + 4] == b"\0\0\0\0"
    assert b"two_part" in ko.read_bytes()

    proc = sdk_make(mod, "clean")
    assert proc.returncode == 0
    assert sorted(p.name for p in mod.iterdir()) == ["Kbuild", "helper.c", "main.c"]


@needs_toolchain
def test_modpost_warns_about_unknown_symbols_and_missing_license(tmp_path):
    mod = tmp_path / "warn"
    mod.mkdir()
    (mod / "Makefile").write_text("obj-m := warn.o\n")
    (mod / "warn.c").write_text(
        '#include <linux/module.h>\n'
        'extern int usb_register_driver(void *d, void *o, const char *n);\n'
        'static int __init warn_init(void) { return usb_register_driver(0, 0, "x"); }\n'
        'module_init(warn_init);\n')
    proc = sdk_make(mod, "modules")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'WARNING: "usb_register_driver" [warn.ko] undefined!' in proc.stderr
    assert "missing MODULE_LICENSE()" in proc.stderr
    assert (mod / "warn.ko").exists()


@needs_toolchain
def test_build_is_independent_of_the_directory(tmp_path):
    a, b = tmp_path / "a", tmp_path / "deeper" / "path" / "b"
    for d in (a, b):
        shutil.copytree(REPO / "tests" / "drivers" / "printkfmt", d, ignore=_ignore_products)
        proc = sdk_make(d, "modules")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (a / "printkfmt.ko").read_bytes() == (b / "printkfmt.ko").read_bytes()
    assert str(tmp_path).encode() not in (a / "printkfmt.ko").read_bytes()


@needs_toolchain
def test_test_driver_fixtures_build(tmp_path):
    """tests/drivers: every fixture builds and imports only what its role needs."""
    fixtures = sorted(p.parent.name for p in (REPO / "tests" / "drivers").glob("*/Kbuild"))
    assert set(fixtures) >= {"noconled", "allocled", "leakled", "nullderef", "hang",
                             "unresolved", "printkfmt"}
    for name in fixtures:
        copy = tmp_path / name
        shutil.copytree(REPO / "tests" / "drivers" / name, copy, ignore=_ignore_products)
        proc = sdk_make(copy, "modules")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with open(copy / f"{name}.ko", "rb") as f:
            symtab, syms = _symbols(ELFFile(f))
            undefined = {s.name for s in symtab.iter_symbols()
                         if s["st_shndx"] == "SHN_UNDEF" and s.name}
        unknown = undefined - provided_symbols()
        if name == "unresolved":
            assert unknown == {"usb_register_driver", "usb_deregister", "of_irq_count",
                               "__pollwait"}
        elif name == "modimport":         # modexport.ko's exports (test_module_exports.py)
            assert unknown == {"modexport_add", "modexport_counter"}
        else:
            assert not unknown, (name, unknown)
            assert "WARNING" not in proc.stderr, proc.stderr
        if name == "nullderef":
            assert syms["nullderef_ioctl"]["st_info"]["type"] == "STT_FUNC"
