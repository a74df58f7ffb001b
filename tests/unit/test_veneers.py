"""Veneer room: every relocation class that may need a veneer gets room for one, so an
out-of-range R_ARM_CALL, R_ARM_JUMP24 or R_ARM_PC24 links through a veneer inside the
reserved space and never over the next section. (R_ARM_THM_CALL has a veneer class too, but the
board's 3.14 loader, without CONFIG_THUMB2_KERNEL, refuses the type, and so does insmod here.)"""

import io
import struct
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from emulator.loader import reloc_arm
from emulator.loader.module import ModuleLinker, UnknownRelocation

KO = Path(__file__).resolve().parents[2] / "firmware" / "prebuilt" / "leddrv.ko"
BASE, FAR = 0xBF001000, 0xF0000000          # services 784 MiB away: beyond any branch
THUMB_BL = 0xF800F000                       # BL with offset 0 (hw1 0xF000, hw2 0xF800)


def _patched(rtype):
    """leddrv.ko with every R_ARM_CALL turned into rtype (for a Thumb type, the places become
    Thumb-2 BL instructions), and the patched places of .text."""
    data = bytearray(KO.read_bytes())
    elf = ELFFile(io.BytesIO(bytes(data)))
    places = []
    for rel in elf.iter_sections():
        if rel["sh_type"] != "SHT_REL":
            continue
        target = elf.get_section(rel["sh_info"])
        for i, entry in enumerate(rel.iter_relocations()):
            if entry["r_info_type"] != 28:
                continue
            data[rel["sh_offset"] + i * 8 + 4] = rtype    # r_info: type in the low byte
            if target.name == ".text":
                places.append(entry["r_offset"])
            if rtype == 10:
                struct.pack_into("<I", data, target["sh_offset"] + entry["r_offset"], THUMB_BL)
    return bytes(data), places


def _link(data):
    linker = ModuleLinker(data, "leddrv.ko")
    offsets, size = linker.layout()
    imports = {}
    linked = linker.link(BASE, offsets, size,
                         lambda name: imports.setdefault(name, FAR + 8 * len(imports)))
    return linker, offsets, linked, imports


def _room(linker):
    return BASE + linker.veneer_offset, BASE + linker.veneer_end


@pytest.mark.parametrize("rtype", [28, 1], ids=["R_ARM_CALL", "R_ARM_PC24"])
def test_out_of_range_calls_go_through_veneers_in_the_reserved_room(rtype):
    data, places = _patched(rtype)
    assert places, "leddrv.ko has calls to patch"
    linker, offsets, linked, imports = _link(data)
    lo, hi = _room(linker)
    assert hi - lo >= reloc_arm.VENEER_SIZE * len(places)
    veneers = {}
    for va in range(lo, hi, reloc_arm.VENEER_SIZE):
        ldr, dest = struct.unpack_from("<II", linked.image, va - BASE)
        if ldr == 0xE51FF004:                         # ldr pc, [pc, #-4]; .word target
            veneers[va] = dest
    assert set(veneers.values()) <= set(imports.values()) and veneers
    for place in places:
        word = struct.unpack_from("<I", linked.image, place)[0]
        if rtype == 10:                               # BLX (hw2 bit 12 clear) to an ARM veneer
            hw1, hw2 = word & 0xFFFF, word >> 16
            assert hw1 >> 11 == 0b11110 and hw2 & 0xD000 == 0xC000
        else:
            assert word & 0x0F000000 == 0x0B000000    # still a BL
    # The sections after the veneer room start beyond it, and those no relocation changes
    # are intact (a veneer written past the room would land in them).
    relocated = {target for _, target, _ in linker.relocs}
    later = [sec for sec in linker.alloc if sec.group > 0]
    assert later and all(BASE + offsets[sec.idx] >= hi for sec in later)
    for sec in later:
        if sec.data and sec.idx not in relocated:
            start = offsets[sec.idx]
            assert linked.image[start:start + len(sec.data)] == sec.data, sec.name


def test_each_branch_class_says_whether_it_may_need_a_veneer():
    may = {t for t, cls in reloc_arm.RELOCATIONS.items() if cls.may_need_veneer}
    assert may == {1, 10, 28, 29}          # PC24, THM_CALL, CALL, JUMP24 (THM_JUMP24 cannot)


def test_thumb_calls_are_refused_as_the_boards_loader_refuses_them():
    data, places = _patched(10)
    assert places
    with pytest.raises(UnknownRelocation, match="unknown relocation: 10"):
        _link(data)
