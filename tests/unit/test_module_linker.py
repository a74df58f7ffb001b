"""Linking the prebuilt leddrv.ko: placement, symbol resolution, veneers, one error for all."""

import struct
from pathlib import Path

import pytest

from emulator.errors import LoaderError, UnresolvedSymbols
from emulator.kernel.module import module_struct
from emulator.loader.module import ModuleLinker

KO = Path(__file__).resolve().parents[2] / "firmware" / "prebuilt" / "leddrv.ko"
IMPORTS = ["__aeabi_unwind_cpp_pr0", "__arm_ioremap", "__arm_iounmap", "__memzero",
           "alloc_chrdev_region", "cdev_add", "cdev_del", "cdev_init", "kfree",
           "kmalloc_caches", "kmem_cache_alloc", "outer_cache", "printk",
           "register_chrdev_region", "unregister_chrdev_region"]


def _link(base, stubs):
    linker = ModuleLinker(KO.read_bytes(), "leddrv.ko")
    offsets, size = linker.layout()
    addr = {name: stubs + 8 * i for i, name in enumerate(IMPORTS)}
    return linker, linker.link(base, offsets, size, addr.get), addr


def _branch_target(image, base, place):
    word = struct.unpack_from("<I", image, place - base)[0]
    off = (word & 0xFFFFFF) << 2
    off -= (1 << 26) if off & (1 << 25) else 0
    return place + 8 + off


def test_sections_placed_and_init_exit_found():
    linker, mod, _ = _link(0xBF001000, 0xBF000020)
    name, init, exit_ = module_struct(mod)
    assert name == "leddrv" and mod.modinfo["license"] == "GPL"
    text, _ = mod.sections[".text"]
    assert text == 0xBF001000
    names = {s.name: s.addr for s in mod.symbols}
    assert init == names["myled_init"] and exit_ == names["myled_exit"]
    assert all(addr % 4 == 0 for addr, _ in mod.sections.values())
    assert sorted(mod.imports) == sorted(IMPORTS)


def test_calls_reach_their_service_stub():
    linker, mod, addr = _link(0xBF001000, 0xBF000020)
    # Every BL in myled_init lands on a stub or on a function of the module.
    names = {s.addr: s.name for s in mod.symbols}
    init = next(s for s in mod.symbols if s.name == "myled_init")
    targets = set()
    for place in range(init.addr, init.addr + init.size, 4):
        word = struct.unpack_from("<I", mod.image, place - mod.base)[0]
        if word & 0x0F000000 == 0x0B000000:            # BL
            targets.add(_branch_target(mod.image, mod.base, place))
    assert addr["register_chrdev_region"] in targets and addr["kmem_cache_alloc"] in targets
    assert targets <= set(addr.values()) | set(names)


def test_far_targets_get_veneers():
    linker, mod, addr = _link(0xBF001000, 0xF0000000)   # services 500 MiB away
    init = next(s for s in mod.symbols if s.name == "myled_init")
    veneer_lo = mod.base + linker.veneer_offset
    veneers = 0
    for place in range(init.addr, init.addr + init.size, 4):
        word = struct.unpack_from("<I", mod.image, place - mod.base)[0]
        if word & 0x0F000000 == 0x0B000000:
            target = _branch_target(mod.image, mod.base, place)
            if target >= veneer_lo:                    # a veneer: ldr pc, [pc, #-4]; .word T
                ldr, dest = struct.unpack_from("<II", mod.image, target - mod.base)
                assert ldr == 0xE51FF004 and dest in addr.values()
                veneers += 1
    assert veneers >= 5


def test_all_unresolved_symbols_in_one_error():
    linker = ModuleLinker(KO.read_bytes(), "leddrv.ko")
    offsets, size = linker.layout()
    with pytest.raises(UnresolvedSymbols) as err:
        linker.link(0xBF001000, offsets, size, lambda name: None)
    assert err.value.names == sorted(IMPORTS)


@pytest.mark.parametrize("data,msg", [
    (b"hello", "not an ELF file"),
    (b"\x7fELF\x02\x01\x01" + bytes(57), "32-bit"),
    (KO.read_bytes()[:200], "corrupt"),
])
def test_bad_files_raise_loader_error(data, msg):
    with pytest.raises(LoaderError, match=msg):
        ModuleLinker(data, "x.ko")


def test_read_bytes_gives_back_the_same_object_only_for_the_same_bytes(tmp_path):
    """(issue 15) An unchanged image read again is the very bytes object read before (its
    hash is cached for the parse caches); a file rewritten in place, same size, within the
    same timestamp tick, reads as its new bytes."""
    from emulator.loader.elf import IMAGE_CACHE_MIN, read_bytes
    path = tmp_path / "image"
    path.write_bytes(b"a" * IMAGE_CACHE_MIN)
    first = read_bytes(str(path))
    assert read_bytes(str(path)) is first
    with open(path, "r+b") as f:
        f.write(b"b")
    again = read_bytes(str(path))
    assert again[:2] == b"ba" and again is not first
