"""The on-disk cache of parsed ELF files (emulator/loader/cache.py): a hit gives what a fresh
parse gives, without pyelftools; an entry is never used for other contents or another
parser; a corrupt, foreign or unwritable cache is as no cache."""

import os
import subprocess
import sys
from pathlib import Path

from emulator.kernel.abi import GUARDED
from emulator.loader import cache as cache_mod
from emulator.loader import module as module_mod
from emulator.loader import program as program_mod
from emulator.loader.cache import ParseCache, default_root
from emulator.loader.module import ModuleLinker

ROOT = Path(__file__).resolve().parents[2]
PREBUILT = ROOT / "firmware" / "prebuilt"
KO = (PREBUILT / "leddrv.ko").read_bytes()
APP = (PREBUILT / "testled_app").read_bytes()


def _fail(*_args, **_kwargs):
    raise AssertionError("parsed with pyelftools despite a cache entry")


def _same_linker(a, b):
    assert a.alloc == b.alloc and a.symbols == b.symbols
    assert a.relocs == b.relocs and a.modinfo == b.modinfo


def test_a_module_and_its_layouts_come_back_as_parsed(tmp_path, monkeypatch):
    fresh = ModuleLinker(KO, "leddrv.ko", ParseCache(None))
    cache = ParseCache(str(tmp_path))
    cold = ModuleLinker(KO, "leddrv.ko", cache)
    cold_layouts = cold.struct_layouts(GUARDED)
    assert cold_layouts == fresh.struct_layouts(GUARDED) and "file_operations" in cold_layouts
    monkeypatch.setattr(module_mod, "_parse_elf", _fail)
    monkeypatch.setattr(module_mod, "struct_layouts", _fail)
    warm = ModuleLinker(KO, "other.ko", cache)
    _same_linker(warm, fresh)
    assert warm.label == "other.ko"             # the label is the caller's, not the entry's
    assert warm.struct_layouts(GUARDED) == cold_layouts
    linked = [linker.link(0xBF000000, *linker.layout(), lambda name: 0xC0001000)
              for linker in (warm, fresh)]
    assert linked[0].image == linked[1].image and linked[0].symbols == linked[1].symbols


def test_layouts_not_yet_cached_are_parsed_and_added(tmp_path):
    cache = ParseCache(str(tmp_path))
    ModuleLinker(KO, "leddrv.ko", cache).struct_layouts(["file"])
    later = ModuleLinker(KO, "leddrv.ko", cache)
    assert set(later.struct_layouts(["file", "cdev", "no_such_struct"])) == {"file", "cdev"}
    stored = cache.get(cache.key("dwarf", KO))
    assert set(stored) == {"file", "cdev", "no_such_struct"} and stored["no_such_struct"] is None


def test_a_program_comes_back_as_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv("EMU4412_NO_CACHE", "1")
    fresh = program_mod._parse.__wrapped__(APP, "testled_app")
    monkeypatch.delenv("EMU4412_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cold = program_mod._parse.__wrapped__(APP, "testled_app")
    monkeypatch.setattr(program_mod, "_parse_elf", _fail)
    warm = program_mod._parse.__wrapped__(APP, "testled_app")
    assert warm == cold == fresh
    assert warm.symtab == fresh.symtab and warm.symbols == fresh.symbols
    entries = list((tmp_path / "emu4412" / "parsed").iterdir())
    assert len(entries) == 1 and entries[0].stat().st_size < 4096   # offsets, not the file


def test_other_contents_or_another_parser_never_share_an_entry(monkeypatch, tmp_path):
    cache = ParseCache(str(tmp_path))
    other = bytearray(KO)
    other[-1] ^= 1
    key = cache.key("module", KO)
    assert len({key, cache.key("module", bytes(other)), cache.key("dwarf", KO),
                cache.key("program", KO)}) == 4
    import elftools
    monkeypatch.setattr(elftools, "__version__", "0.0-other")
    assert ParseCache(str(tmp_path)).key("module", KO) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache_mod, "SOURCES", cache_mod.SOURCES[:-1])   # other parser code
    assert ParseCache(str(tmp_path)).key("module", KO) != key


def test_corrupt_or_foreign_entries_are_parsed_again(tmp_path):
    cache = ParseCache(str(tmp_path))
    ModuleLinker(KO, "leddrv.ko", cache)
    key = cache.key("module", KO)
    entry = tmp_path / key
    good = entry.read_bytes()
    for bad in (b"", good[:len(good) // 2], good[:-1] + bytes([good[-1] ^ 0xFF]),
                b"emu4412-parsed-1\n" + b"\0" * 64):
        entry.write_bytes(bad)
        assert cache.get(key) is None
        _same_linker(ModuleLinker(KO, "leddrv.ko", cache), ModuleLinker(KO, "x", ParseCache(None)))
        assert entry.read_bytes() == good                          # written again
    other = cache.key("program", APP)
    (tmp_path / other).write_bytes(good)               # a valid entry under another name
    assert cache.get(other) is None


def test_an_unwritable_cache_is_no_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = ParseCache(str(blocker / "parsed"))
    _same_linker(ModuleLinker(KO, "leddrv.ko", cache), ModuleLinker(KO, "x", ParseCache(None)))
    assert cache.get(cache.key("module", KO)) is None


def test_the_folder_keeps_the_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "MAX_ENTRIES", 3)
    cache = ParseCache(str(tmp_path))
    keys = [cache.key("module", bytes([i])) for i in range(5)]
    for i, key in enumerate(keys):
        cache.put(key, i)
        os.utime(tmp_path / key, (i, i))
    cache.put(keys[4], 4)
    assert sorted(os.listdir(tmp_path)) == sorted(keys[2:])
    assert [cache.get(k) for k in keys] == [None, None, 2, 3, 4]


def test_where_the_cache_lives(monkeypatch):
    monkeypatch.delenv("EMU4412_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/cache")
    assert default_root() == "/x/cache/emu4412/parsed"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")           # ignored, as XDG says
    monkeypatch.setenv("HOME", "/home/u")
    assert default_root() == "/home/u/.cache/emu4412/parsed"
    monkeypatch.setenv("EMU4412_NO_CACHE", "1")
    assert default_root() is None


def test_a_seed_demo_with_a_warm_cache_does_not_import_the_elf_parser(tmp_path):
    """What a user sees is the same cold and warm; warm, pyelftools' parser stays unloaded."""
    code = ("import atexit, sys; atexit.register(lambda: sys.stderr.write("
            "'\\nELFFILE=%s\\n' % ('elftools.elf.elffile' in sys.modules))); "
            "sys.argv = ['emu4412', 'run']; from emulator.cli import main; main()")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("EMU4412_NO_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=300) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout == runs[1].stdout and "11 myled" in runs[0].stdout
    assert [r.stderr.split()[-1] for r in runs] == ["ELFFILE=True", "ELFFILE=False"]
