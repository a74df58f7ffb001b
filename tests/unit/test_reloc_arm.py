"""ARM REL relocations (emulator.loader.reloc_arm).

Expected words were produced with Debian's arm-linux-gnueabi-as/ld 2.40 (objects assembled with
the relocations shown, linked at the same addresses, read back with objdump); the toolchain is
not needed to run these tests.
"""

import capstone
import pytest

from emulator.errors import LoaderError
from emulator.loader import reloc_arm
from emulator.loader.reloc_arm import (
    RELOCATIONS, VENEER_SIZE, BranchOutOfRange, RelocationError, apply, name, veneer)

ARM_FN = 0xBF400000     # an ARM function
THUMB_FN = 0xBF400004   # a Thumb function: S has bit 0 clear, T = 1
DATA = 0xBF800000


# -- data relocations ----------------------------------------------------------------------------

def test_abs32():
    assert apply(2, 0x00000000, DATA, 0xBF00002C) == 0xBF800000   # .word data_sym
    assert apply(2, 0x00000020, DATA, 0xBF000030) == 0xBF800020   # .word data_sym + 0x20
    assert apply(2, 0, THUMB_FN, 0xBF000000, T=1) == 0xBF400005    # (S + A) | T


def test_abs32_wraps_to_32_bits():
    assert apply(2, 0x20, 0xFFFFFFF0, 0) == 0x10


def test_rel32():
    assert apply(3, 0x00000000, DATA, 0xBF000034) == 0x007FFFCC   # .word data_sym - .
    assert apply(3, 0x00000008, DATA, 0xBF000038) == 0x007FFFD0   # .word data_sym + 8 - .
    assert apply(3, 0, 0x1000, 0x2000) == 0xFFFFF000               # negative, as 32 bits


def test_prel31_keeps_bit_31():
    # .reloc ., R_ARM_PREL31, arm_fn ; .word 0x80000000
    assert apply(42, 0x80000000, ARM_FN, 0xBF00003C) == 0x803FFFC4
    # .word 0x7ffffff0 : A = -16 (bits 30:0 sign-extended), bit 31 clear
    assert apply(42, 0x7FFFFFF0, DATA, 0xBF000040) == 0x007FFFB0
    # a Thumb target: ((S + A) | T) - P
    assert apply(42, 0x00000010, THUMB_FN, 0xBF000044, T=1) == 0x003FFFD1


def test_prel31_overflow():
    with pytest.raises(RelocationError, match="31 bits"):
        apply(42, 0, 0x00001000, 0xBF000000)


def test_none_and_v4bx():
    assert apply(0, 0x12345678, DATA, 0) == 0x12345678
    # V4BX: Linux rewrites "bx lr" (e12fff1e) as "mov pc, lr" (e1a0f00e), cond and Rm kept
    assert apply(40, 0xE12FFF1E, 0, 0xBF000000) == 0xE1A0F00E
    assert apply(40, 0x112FFF13, 0, 0xBF000004) == 0x11A0F003      # bxne r3 -> movne pc, r3


# -- ARM branches --------------------------------------------------------------------------------

def test_call_forward_with_default_addend():
    # bl target at 0xbf000010, target 0xbf000100, in-place addend -8 (ebfffffe):
    # objdump: "bf000010: eb00003a  bl bf000100 <target>"
    assert apply(28, 0xEBFFFFFE, 0xBF000100, 0xBF000010) == 0xEB00003A


def test_call_jump24_far_and_backwards():
    assert apply(28, 0xEBFFFFFE, ARM_FN, 0xBF000000) == 0xEB0FFFFE   # bl arm_fn
    assert apply(29, 0xEAFFFFFE, ARM_FN, 0xBF000004) == 0xEA0FFFFD   # b arm_fn
    assert apply(29, 0x0BFFFFFE, ARM_FN, 0xBF000008) == 0x0B0FFFFC   # bleq arm_fn (cond kept)
    assert apply(28, 0xEB000000, ARM_FN, 0xBF000010) == 0xEB0FFFFC   # bl arm_fn + 8 (A = 0)
    # backwards, -32 MiB + 0x800: "bf000000: eb8001fe  bl bd000800"
    assert apply(28, 0xEBFFFFFE, 0xBD000800, 0xBF000000) == 0xEB8001FE


def test_call_to_thumb_target_becomes_blx():
    # bl thumb_fn -> "bf00000c: fa0ffffc  blx bf400004 <thumb_fn>"
    assert apply(28, 0xEBFFFFFE, THUMB_FN, 0xBF00000C, T=1) == 0xFA0FFFFC
    # H bit carries offset bit 1: "0: fb000002  blx 12 <tfn>" (X = 0x12 - 8 = 0xa)
    assert apply(28, 0xEBFFFFFE, 0x00000012, 0x00000000, T=1) == 0xFB000002


def test_blx_to_arm_target_becomes_bl():
    assert apply(28, 0xFAFFFFFE, ARM_FN, 0xBF000000) == 0xEB0FFFFE


def test_conditional_call_to_thumb_needs_a_veneer():
    with pytest.raises(BranchOutOfRange, match="conditional"):
        apply(28, 0x0BFFFFFE, THUMB_FN, 0xBF000000, T=1)


def test_jump24_to_thumb_target_needs_a_veneer():
    with pytest.raises(BranchOutOfRange, match="Thumb"):
        apply(29, 0xEAFFFFFE, THUMB_FN, 0xBF000000, T=1)


@pytest.mark.parametrize("rtype", [1, 28, 29])
def test_branch_range_limits(rtype):
    P = 0xBF000000
    # X = S - 8 - P: the largest forward offset is 0x1fffffc, the largest backward -0x2000000
    assert apply(rtype, 0xEBFFFFFE, P + 8 + 0x1FFFFFC, P) == 0xEB7FFFFF
    assert apply(rtype, 0xEBFFFFFE, P + 8 - 0x2000000, P) == 0xEB800000
    for S in (P + 8 + 0x2000000, P + 8 - 0x2000004, 0xF0000000, 0xFFFF0FA0):
        with pytest.raises(BranchOutOfRange) as info:
            apply(rtype, 0xEBFFFFFE, S, P)
        assert info.value.P == P and info.value.target == S
        assert "32 MiB" in str(info.value)


def test_out_of_range_is_a_relocation_and_loader_error():
    # kernel text at 0xc0008000 is 16 MiB away (fine); vmalloc space is not
    assert apply(28, 0xEBFFFFFE, 0xC0008000, 0xBF000000) == 0xEB401FFE
    with pytest.raises(RelocationError):
        apply(28, 0xEBFFFFFE, 0xF0000000, 0xBF000000)
    assert issubclass(BranchOutOfRange, RelocationError)
    assert issubclass(RelocationError, LoaderError)


def test_misaligned_arm_target_needs_a_veneer():
    with pytest.raises(BranchOutOfRange, match="multiple of 4"):
        apply(28, 0xEBFFFFFE, ARM_FN + 1, 0xBF000000)    # st_value of a Thumb fn passed as T=0


# -- MOVW / MOVT ---------------------------------------------------------------------------------

@pytest.mark.parametrize("movw, movt, addend, lo, hi", [
    # movw r0, #:lower16:data_sym / movt r0, #:upper16:data_sym
    (0xE3000000, 0xE3400000, 0, 0xE3000000, 0xE34B0F80),
    # ...data_sym+0x1234: "movw r1, #4660" / "movt r1, #49024"
    (0xE3011234, 0xE3411234, 0x1234, 0xE3011234, 0xE34B1F80),
    # ...data_sym-4: imm16 0xfffc is A = -4 -> "movw r2, #65532" / "movt r2, #49023"
    (0xE30F2FFC, 0xE34F2FFC, -4, 0xE30F2FFC, 0xE34B2F7F),
])
def test_movw_movt(movw, movt, addend, lo, hi):
    assert apply(43, movw, DATA, 0xBF000014) == lo
    assert apply(44, movt, DATA, 0xBF000018) == hi


def test_movw_takes_thumb_bit_movt_does_not():
    # (S + A) | T = 0x1234ffff: "e30f0fff movw r0, #65535" / "e3410234 movt r0, #4660"
    assert apply(43, 0xE3000000, 0x1234FFFE, 0, T=1) == 0xE30F0FFF
    assert apply(44, 0xE3400000, 0x1234FFFE, 0, T=1) == 0xE3410234


# -- Thumb-2 -------------------------------------------------------------------------------------

def test_thm_call():
    # words hold the first halfword in bits 15:0: "f3ff ffdc" -> 0xffdcf3ff
    assert apply(10, 0xFFFEF7FF, THUMB_FN, 0xBF000048, T=1) == 0xFFDCF3FF  # bl thumb_fn
    assert apply(10, 0xFFFEF7FF, ARM_FN, 0xBF00004C) == 0xEFD8F3FF         # blx arm_fn
    assert apply(10, 0xFFFEF7FF, ARM_FN, 0xBF000052) == 0xEFD6F3FF         # blx, P & 2
    with pytest.raises(BranchOutOfRange, match="16 MiB"):
        apply(10, 0xFFFEF7FF, 0xBD000804, 0xBF000048, T=1)


def test_thm_jump24():
    assert apply(30, 0xBFFEF7FF, THUMB_FN, 0xBF000056, T=1) == 0xBFD5F3FF  # b.w thumb_fn
    with pytest.raises(RelocationError) as info:
        apply(30, 0xBFFEF7FF, ARM_FN, 0xBF000056)
    assert not isinstance(info.value, BranchOutOfRange)   # an ARM veneer cannot help B.W


def test_thm_movw_movt():
    assert apply(47, 0x0388F240, DATA, 0xBF00005A) == 0x0388F240       # movw r3, #0x88
    assert apply(48, 0x0388F2C0, DATA, 0xBF00005E) == 0x7380F6CB       # movt r3, #0xbf80
    assert apply(47, 0x0300F240, THUMB_FN, 0xBF000062, T=1) == 0x0305F240  # movw r3, #5


def test_thumb_relocation_on_a_non_thumb_instruction():
    with pytest.raises(RelocationError, match="not a Thumb-2"):
        apply(10, 0xEBFFFFFE, THUMB_FN, 0xBF000000, T=1)


# -- the table, names, errors ------------------------------------------------------------------

def test_table_and_names():
    assert name(28) == "R_ARM_CALL"
    assert name(107) == "R_ARM_TLS_IE32"
    assert name(200) == "R_ARM_<unassigned>"
    for rtype, cls in RELOCATIONS.items():
        assert cls.type == rtype and cls.__name__ == name(rtype) and cls.__doc__
    assert {0, 2, 3, 28, 29, 40, 42, 43, 44} <= set(RELOCATIONS)
    assert reloc_arm.KERNEL_3_14_TYPES <= set(RELOCATIONS)


@pytest.mark.parametrize("rtype, text", [
    (38, "R_ARM_TARGET1 (type 38)"),
    (107, "R_ARM_TLS_IE32 (type 107)"),
    (200, "(type 200)"),
])
def test_unsupported_types_are_named(rtype, text):
    with pytest.raises(RelocationError, match=text.replace("(", r"\(").replace(")", r"\)")):
        apply(rtype, 0, 0, 0)


# -- veneers -------------------------------------------------------------------------------------

def test_veneer_bytes_decode_as_ldr_pc():
    code = veneer(0xC0123457)
    assert len(code) == VENEER_SIZE == 8
    assert code == bytes.fromhex("04f01fe5" "573412c0")  # e51ff004 = ldr pc, [pc, #-4]
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM)
    insn = next(md.disasm(code[:4], 0xBF000000))
    assert (insn.mnemonic, insn.op_str) == ("ldr", "pc, [pc, #-4]")


def test_out_of_range_call_through_a_veneer():
    P, far = 0xBF000000, 0xF0001000
    with pytest.raises(BranchOutOfRange):
        apply(28, 0xEBFFFFFE, far, P)
    veneer_at = 0xBF001000
    assert apply(28, 0xEBFFFFFE, veneer_at, P) == 0xEB0003FE
