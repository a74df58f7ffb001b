"""Issue 16's reproducers: hostile input never ends in a traceback, each gets its documented
exit status and one clear line (loaders, script arguments, options, --json, bad pointers)."""

import shutil
import struct

import pytest

from emulator.errors import LoaderError
from emulator.loader.module import ModuleLinker
from emulator.loader.program import load_program

from tests.e2e.helpers import ROOT, cli, cli_json, run_script

PREBUILT = ROOT / "firmware" / "prebuilt"
KO = (PREBUILT / "leddrv.ko").read_bytes()
APP = (PREBUILT / "testled_app").read_bytes()


def _patch(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def _sections(data):
    shoff, = struct.unpack_from("<I", data, 32)
    shnum, = struct.unpack_from("<H", data, 48)
    return [(shoff + 40 * i, struct.unpack_from("<IIIIIIIIII", data, shoff + 40 * i))
            for i in range(shnum)]


def _section_of_type(data, kind):
    return next(h for h in _sections(data) if h[1][1] == kind)


def _link_ko(data):
    linker = ModuleLinker(data, "bad.ko")
    offsets, size = linker.layout()
    return linker.link(0xBF000000, offsets, size, lambda name: 0xBF800000)


# -- loaders --------------------------------------------------------------------------------
def test_relocation_symbol_index_out_of_range():
    hdr, (_, _, _, _, off, size, *_rest) = _section_of_type(KO, 9)        # first SHT_REL
    data = _patch(KO, off + 4, "<I", (0xFFFFF << 8) | 2)                  # sym 0xFFFFF, ABS32
    with pytest.raises(LoaderError, match=r"bad relocation symbol index 1048575"):
        _link_ko(data)


def test_relocation_offset_out_of_range():
    _, (_, _, _, _, off, *_rest) = _section_of_type(KO, 9)
    data = _patch(KO, off, "<I", 0x7FFFFFF0)
    with pytest.raises(LoaderError, match=r"out of bounds relocation, offset 0x7ffffff0"):
        _link_ko(data)


def test_symtab_offset_past_end_of_file():
    hdr, _ = _section_of_type(KO, 2)
    data = _patch(KO, hdr + 16, "<I", len(KO) + 100)                      # sh_offset
    with pytest.raises(LoaderError, match=r"section \d+: sh_offset\+sh_size .* past the end"):
        ModuleLinker(data, "bad.ko")


def test_info_on_corrupt_symtab_exits_2(tmp_path):
    hdr, _ = _section_of_type(KO, 2)
    bad = tmp_path / "bad.ko"
    bad.write_bytes(_patch(KO, hdr + 16, "<I", len(KO) + 100))
    proc = cli("info", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "past the end of the file" in proc.stderr and proc.stderr.count("\n") == 1


def test_program_phoff_past_end():
    with pytest.raises(LoaderError, match=r"program headers at e_phoff .* past the end"):
        load_program(_patch(APP, 28, "<I", len(APP) - 8), "app")


def _first_load(data):
    """(file offset, index) of the first PT_LOAD program header."""
    phoff, = struct.unpack_from("<I", data, 28)
    index = next(i for i in range(8) if struct.unpack_from("<I", data, phoff + 32 * i)[0] == 1)
    return phoff + 32 * index, index


def test_program_memsz_smaller_than_filesz():
    phoff, index = _first_load(APP)
    filesz, = struct.unpack_from("<I", APP, phoff + 16)
    with pytest.raises(LoaderError, match=rf"segment {index}: p_filesz .* larger than p_memsz"):
        load_program(_patch(APP, phoff + 20, "<I", filesz - 4), "app")


def test_huge_memsz_fails_at_once(rootfs):
    phoff, _ = _first_load(APP)
    (rootfs / "big_app").write_bytes(_patch(APP, phoff + 20, "<I", 0x60000000))
    status, out, _ = run_script("./big_app\n", rootfs)
    assert status == 2
    assert "big_app: loadable segments need 0x6" in out and "1024 MiB of RAM" in out


# -- script arguments and options -----------------------------------------------------------
@pytest.mark.parametrize("arg", ["inf", "1e400", "nan", "-1", "x"])
def test_sleep_rejects_out_of_range(arg, tmp_path):
    status, out, _ = run_script(f"sleep {arg}\n", tmp_path)
    assert status == 1 and f"sleep: invalid number '{arg}' (0 to 86400 seconds)" in out


@pytest.mark.parametrize("args, message", [
    ("0x11000C44 11 -1", "devmem: width 11 at 0x11000c44: 8, 16 or 32 bits, aligned"),
    ("0x11000C44 32 -1", "devmem: value -0x1 does not fit in 32 bits"),
    ("0x11000C44 8 0x100", "devmem: value 0x100 does not fit in 8 bits"),
])
def test_devmem_range_checks(args, message, tmp_path):
    status, out, _ = run_script(f"devmem {args}\n", tmp_path)
    assert status == 1 and message in out


def test_nul_byte_in_script(tmp_path):
    script = tmp_path / "nul.board"
    script.write_bytes(b"cat /a\0b\n")
    proc, report = cli_json("run", str(script))
    assert proc.returncode == 2 and report["exit_code"] == 2 and not report["ok"]
    assert report["error"] == "line 1: NUL byte in the script"
    assert "Traceback" not in proc.stderr


def test_argv_larger_than_stack(rootfs):
    status, out, _ = run_script("./testled_app " + "A" * 200000 + "\n", rootfs)
    assert status == 1 and "./testled_app: Argument list too long" in out


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_timeout_must_be_positive_finite(value, tmp_path):
    script = tmp_path / "s.board"
    script.write_text("leds\n")
    proc, report = cli_json("run", str(script), "--timeout", value)
    assert proc.returncode == 2 and report["exit_code"] == 2
    assert "must be a positive finite number of seconds" in report["error"]
    assert "Traceback" not in proc.stderr


def test_json_on_script_parse_error(tmp_path):
    script = tmp_path / "s.board"
    script.write_text('insmod "unterminated\n')
    proc, report = cli_json("run", str(script))
    assert proc.returncode == 2 and report == {**report, "ok": False, "exit_code": 2,
                                               "error": "line 1: No closing quotation"}


# -- guest pointers and sizes -----------------------------------------------------------------
@pytest.fixture
def hostile_rootfs(rootfs, test_programs):
    shutil.copy(test_programs["hostile"], rootfs / "hostile")
    return rootfs


def test_bad_user_pointers_get_efault(hostile_rootfs):
    status, out, _ = run_script("./hostile nullpath\n./hostile writev\n./hostile statx\n"
                                "./hostile getrandom\n", hostile_rootfs)
    assert status == 0, out
    for line in ("open(NULL) = -14", "openat(NULL) = -14", "open(0xc0000000) = -14",
                 "writev(0x7fffffff) = -22", "writev(NULL, 1) = -14",
                 'statx("\\xff\\xfe") = -2', "statx(NULL) = -14",
                 "getrandom(64 KiB mapping, 0x7fffffff) = 65536", "getrandom(0x1000, 16) = -14"):
        assert line in out


def test_mmap_churn_does_not_exhaust_memory(hostile_rootfs):
    status, out, _ = run_script("./hostile churn 3000\n", hostile_rootfs, timeout_s=60)
    assert status == 0 and "churn failures = 0" in out


@pytest.fixture
def badptr_rootfs(hostile_rootfs, variant_drivers):
    shutil.copy(variant_drivers["badptr"], hostile_rootfs)
    return hostile_rootfs


@pytest.mark.parametrize("cmd, where, addr", [
    (1, "printk", "f7ff0000"), (2, "printk", "f7ff0000"),
    (3, "__register_chrdev", "f7ff0000"), (4, "cdev_add", "f7ff0034"),
    (5, "strlen", "f7ff0000"),
])
def test_bad_kernel_pointer_oopses(cmd, where, addr, badptr_rootfs):
    status, out, machine = run_script(f"insmod badptr.ko\nmknod /dev/bp c 242 0\n"
                                      f"./hostile ioctl /dev/bp {cmd}\n", badptr_rootfs)
    assert status == 3
    texts = machine.log.texts()
    assert f"Unable to handle kernel paging request at virtual address {addr}" in texts
    assert f"PC is at {where}" in texts
    assert any(t.startswith("LR is at ") for t in texts)          # cdev_add: a tail call


def test_copy_from_user_zero_fills_and_strcmp_sign(badptr_rootfs):
    status, out, _ = run_script("insmod badptr.ko\nmknod /dev/bp c 242 0\n"
                                "./hostile ioctl /dev/bp 6\n./hostile ioctl /dev/bp 7\n",
                                badptr_rootfs)
    assert status == 0
    assert "ioctl = 48000" in out          # 48 bytes not copied, none of them left dirty
    assert "ioctl = 13" in out             # strcmp: -1 and +1


def test_corrupt_symbol_value_oopses_at_open(rootfs):
    """A symbol value pointing far outside its section: insmod succeeds (Linux does not check
    st_value), the first open() reads the bogus file_operations and oopses (exit 3)."""
    symbols = ModuleLinker(KO, "leddrv.ko").symbols
    data_section = next(sym[1] for sym in symbols if sym[0] == "myops")
    index = next(i for i, sym in enumerate(symbols)          # what relocations refer to
                 if sym[1] == data_section and sym[4] == "STT_SECTION")
    hdr, (_, _, _, _, off, *_rest) = _section_of_type(KO, 2)
    (rootfs / "corrupt.ko").write_bytes(_patch(KO, off + 16 * index + 4, "<I", 0x40000000))
    status, out, machine = run_script("insmod corrupt.ko\nmknod /dev/leddev c 11 0\n"
                                      "./testled_app /dev/leddev 1 2\n", rootfs)
    assert status == 3, out
    assert "Unable to handle kernel paging request" in out
    assert "Traceback" not in out


def test_emptied_page_tables_are_reused():
    """free_pgtables: an L2 table whose last page went is reused, not leaked."""
    from emulator.machine import Machine
    from emulator.memory.mmu import USER_RW
    m = Machine("fs4412", ".", console=lambda s: None)
    tables = m.tables
    allocated = []
    alloc = tables._alloc_table
    tables._alloc_table = lambda: allocated.append(1) or alloc()
    pfn = m.frames.alloc(1)
    for i in range(200):                              # a new MiB each round
        va = 0x40000000 + (i << 20)
        tables.map_page(va, pfn << 12, USER_RW)
        assert tables.translate(va) == pfn << 12
        tables.unmap_page(va)
        assert tables.translate(va) is None
    assert len(allocated) <= 1


def test_program_caches_are_bounded(rootfs):
    """Many distinct images in one worker: the parse and symbol-table caches stay small."""
    from emulator.kernel import symbols as symbols_module
    from emulator.loader.program import _parse
    for i in range(12):
        data = APP + b"\0" * (i + 1)                  # a distinct image each time
        (rootfs / f"app{i}").write_bytes(data)
    status, out, _ = run_script("".join(f"./app{i} /dev/none 1 2\nexpect exit 1\n"
                                        for i in range(12)), rootfs)
    assert _parse.cache_info().currsize <= 8
    assert len(symbols_module._SYMBOL_TABLES) <= symbols_module.SYMBOL_TABLES_KEPT


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1])
def test_board_api_rejects_a_bad_timeout(value):
    from emulator import Board
    from emulator.errors import InputError
    with pytest.raises(InputError, match="a finite number of seconds >= 0"):
        Board("fs4412", timeout=value)
