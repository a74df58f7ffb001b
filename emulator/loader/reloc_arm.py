"""ARM ELF relocations for REL objects (Linux .ko files).

One class per relocation type, its formula from "ELF for the Arm Architecture" (AAELF, IHI 0044)
in the docstring, and one table from type number to class (:data:`RELOCATIONS`). Anything not
in the table is refused by name ("R_ARM_TLS_IE32 (type 107)"), never silently skipped.

Notation (AAELF 5.6): S the symbol's address, A the addend, P the place (address of the word
being relocated), T 1 when the target is a Thumb function (then S is its address with bit 0
clear), else 0. Linux modules are REL objects: A is not in the relocation entry but encoded in
the place itself, so each class knows how to extract it from the instruction or data word.

The place is handled as one 32-bit little-endian word. For a 32-bit Thumb instruction the first
halfword (at P) is the low 16 bits of that word and the second (at P + 2) the high 16 bits.

Branches that cannot be encoded as they stand (beyond +-32 MiB, or an ARM B to a Thumb
function, which cannot switch state) raise :class:`BranchOutOfRange`: the loader then places
:func:`veneer` (``ldr pc, [pc, #-4]`` + the target; interworking on ARMv5T and later) within
range and applies the relocation again with S = the veneer's address and T = 0.

Linux 3.14's own arch/arm/kernel/module.c applies fewer types (:data:`KERNEL_3_14_TYPES`):
it has no R_ARM_REL32 (added in 4.x), no BLX conversion (a call to a Thumb function is
refused), and no veneers (module PLTs came in 4.x): out-of-range branches fail with -ENOEXEC.
"""

import struct

from emulator.errors import LoaderError

MASK32 = 0xFFFFFFFF


class RelocationError(LoaderError):
    """A relocation cannot be applied: unsupported type, unencodable value, wrong instruction."""


class BranchOutOfRange(RelocationError):
    """A branch that a veneer can fix: too far, or needs a state change the opcode cannot do."""

    def __init__(self, rtype, P, target, reason):
        self.rtype, self.P, self.target, self.reason = rtype, P, target, reason
        super().__init__(f"{name(rtype)} (type {rtype}) at {P:#010x} to {target:#010x}: {reason}")


def _signed(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _fits(value, bits):
    """value fits a signed two's-complement field of ``bits`` bits."""
    return -(1 << (bits - 1)) <= value < (1 << (bits - 1))


def _place_relative(S, A, T, P):
    """((S + A) | T) - P, as a signed 32-bit displacement."""
    return _signed((((S + A) & MASK32) | T) - P, 32)


class Relocation:
    """One relocation type. ``apply(word, S, P, T)`` returns the new 32-bit word at P.

    ``may_need_veneer``: apply can raise BranchOutOfRange, so the loader reserves veneer room
    for each relocation of the type (a branch that can reach an ARM veneer by its own kind).
    """

    type = None
    may_need_veneer = False

    @staticmethod
    def apply(word, S, P, T):
        raise NotImplementedError


# -- data ------------------------------------------------------------------------------------

class R_ARM_NONE(Relocation):
    """No relocation: the word is left as it is."""

    type = 0

    @staticmethod
    def apply(word, S, P, T):
        return word & MASK32


class R_ARM_ABS32(Relocation):
    """(S + A) | T. A is the 32-bit word at the place."""

    type = 2

    @staticmethod
    def apply(word, S, P, T):
        return ((S + word) & MASK32) | T


class R_ARM_REL32(Relocation):
    """((S + A) | T) - P. A is the 32-bit word at the place."""

    type = 3

    @staticmethod
    def apply(word, S, P, T):
        return _place_relative(S, word, T, P) & MASK32


class R_ARM_PREL31(Relocation):
    """((S + A) | T) - P in bits 30:0; bit 31 of the word is kept (exception tables).

    A is bits 30:0 sign-extended from bit 30. The result must fit 31 signed bits.
    """

    type = 42

    @staticmethod
    def apply(word, S, P, T):
        X = _place_relative(S, _signed(word, 31), T, P)
        if not _fits(X, 31):
            raise RelocationError(f"R_ARM_PREL31 (type 42) at {P:#010x}: "
                                  f"offset {X:#x} does not fit 31 bits")
        return (word & 0x80000000) | (X & 0x7FFFFFFF)


# -- ARM branches ----------------------------------------------------------------------------

def _is_blx_imm(word):
    return (word >> 25) == 0b1111101


def _arm_branch_addend(word):
    """imm24 << 2 sign-extended (the usual REL addend is -8, the ARM PC bias); BLX adds H << 1."""
    A = _signed(word & 0xFFFFFF, 24) << 2
    if _is_blx_imm(word):
        A |= ((word >> 24) & 1) << 1
    return A


def _arm_branch_offset(rtype, X, P, target):
    if X & 3:
        raise BranchOutOfRange(rtype, P, target, f"offset {X:#x} is not a multiple of 4")
    if not _fits(X, 26):
        raise BranchOutOfRange(rtype, P, target, f"offset {X:#x} exceeds +-32 MiB")
    return (X >> 2) & 0xFFFFFF


class R_ARM_JUMP24(Relocation):
    """((S + A) | T) - P into imm24 of B<cond> or BL<cond> (ARM state, +-32 MiB).

    A B cannot change state: a Thumb target (T = 1) needs a veneer, like an out-of-range one.
    """

    type = 29
    may_need_veneer = True

    @classmethod
    def apply(cls, word, S, P, T):
        if word >> 28 == 0xF:
            raise RelocationError(f"{name(cls.type)} (type {cls.type}) at {P:#010x}: "
                                  f"{word:#010x} is not a B/BL instruction")
        A = _arm_branch_addend(word)
        target = ((S + A + 8) & MASK32) | T
        if T:
            raise BranchOutOfRange(cls.type, P, target,
                                   "an ARM branch cannot switch to a Thumb target")
        X = _place_relative(S, A, T, P)
        return (word & 0xFF000000) | _arm_branch_offset(cls.type, X, P, target)


class R_ARM_PC24(R_ARM_JUMP24):
    """((S + A) | T) - P into imm24 (deprecated form of R_ARM_CALL / R_ARM_JUMP24)."""

    type = 1


class R_ARM_CALL(Relocation):
    """((S + A) | T) - P into imm24 of BL or BLX (ARM state, +-32 MiB).

    A Thumb target (T = 1) turns BL into BLX, whose H bit carries bit 1 of the offset; an ARM
    target turns BLX back into BL (AAELF 5.6.1.2). A conditional BL cannot become BLX: veneer.
    """

    type = 28
    may_need_veneer = True

    @classmethod
    def apply(cls, word, S, P, T):
        A = _arm_branch_addend(word)
        X = _place_relative(S, A, T, P)
        target = ((S + A + 8) & MASK32) | T
        if not T:
            imm24 = _arm_branch_offset(cls.type, X, P, target)
            cond_bl = 0xEB000000 if _is_blx_imm(word) else word & 0xFF000000
            return cond_bl | imm24
        if not _is_blx_imm(word) and word >> 28 != 0xE:
            raise BranchOutOfRange(cls.type, P, target,
                                   "a conditional BL cannot become BLX for a Thumb target")
        X &= ~1
        if not _fits(X, 26):
            raise BranchOutOfRange(cls.type, P, target, f"offset {X:#x} exceeds +-32 MiB")
        H = (X >> 1) & 1
        return 0xFA000000 | H << 24 | ((X >> 2) & 0xFFFFFF)


class R_ARM_V4BX(Relocation):
    """Marks a BX Rm for ARMv4 (no BX). Linux rewrites it as MOV PC, Rm (cond and Rm kept).

    S and A are unused. On ARMv7 a MOV to PC in ARM state interworks like BX, so the
    rewrite is harmless on the Cortex-A9; we do what the board's kernel does.
    """

    type = 40

    @staticmethod
    def apply(word, S, P, T):
        return (word & 0xF000000F) | 0x01A0F000


# -- ARM MOVW / MOVT -------------------------------------------------------------------------

def _arm_imm16(word):
    return ((word >> 4) & 0xF000) | (word & 0xFFF)


def _arm_with_imm16(word, value):
    return (word & 0xFFF0F000) | ((value & 0xF000) << 4) | (value & 0xFFF)


class R_ARM_MOVW_ABS_NC(Relocation):
    """MOVW Rd, #lo16: ((S + A) | T) & 0xFFFF. A is imm4:imm12 read as signed 16 bits."""

    type = 43

    @staticmethod
    def apply(word, S, P, T):
        A = _signed(_arm_imm16(word), 16)
        return _arm_with_imm16(word, ((S + A) & MASK32) | T)


class R_ARM_MOVT_ABS(Relocation):
    """MOVT Rd, #hi16: (S + A) >> 16. A is imm4:imm12 read as signed 16 bits."""

    type = 44

    @staticmethod
    def apply(word, S, P, T):
        A = _signed(_arm_imm16(word), 16)
        return _arm_with_imm16(word, ((S + A) & MASK32) >> 16)


# -- Thumb-2 (32-bit instructions: first halfword in the low 16 bits of the word) ------------

def _thumb_branch_addend(word):
    """S:I1:I2:imm10:imm11:0 of BL / BLX / B.W, I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S)."""
    hw1, hw2 = word & 0xFFFF, word >> 16
    s = (hw1 >> 10) & 1
    i1 = 1 ^ ((hw2 >> 13) & 1) ^ s
    i2 = 1 ^ ((hw2 >> 11) & 1) ^ s
    return _signed(s << 24 | i1 << 23 | i2 << 22 | (hw1 & 0x3FF) << 12 | (hw2 & 0x7FF) << 1, 25)


def _thumb_with_branch(word, offset, link_bit):
    """Encode ``offset`` (a multiple of 2, fits 25 bits); link_bit: hw2 bit 12 (1 BL/B.W, 0 BLX)."""
    s = (offset >> 24) & 1
    j1 = (1 ^ ((offset >> 23) & 1)) ^ s
    j2 = (1 ^ ((offset >> 22) & 1)) ^ s
    hw1 = (word & 0xF800) | s << 10 | ((offset >> 12) & 0x3FF)
    hw2 = (word >> 16) & 0xC000 | j1 << 13 | link_bit << 12 | j2 << 11 | ((offset >> 1) & 0x7FF)
    return hw2 << 16 | hw1


def _check_thumb32_branch(rtype, word, P, want_link):
    """BL: hw2 = 11 J1 1 J2, BLX: 11 J1 0 J2, B.W (T4): 10 J1 1 J2; hw1 = 11110 S imm10."""
    hw1, hw2 = word & 0xFFFF, word >> 16
    ok = (hw2 & 0xC000) == 0xC000 if want_link else (hw2 & 0xD000) == 0x9000
    if (hw1 & 0xF800) != 0xF000 or not ok:
        raise RelocationError(f"{name(rtype)} (type {rtype}) at {P:#010x}: {word:#010x} "
                              f"is not a Thumb-2 {'BL/BLX' if want_link else 'B.W'}")


class R_ARM_THM_CALL(Relocation):
    """((S + A) | T) - P into a Thumb-2 BL or BLX (+-16 MiB).

    An ARM target (T = 0) turns BL into BLX, whose offset is from Align(PC, 4), so P & 2 is
    added and the target must be 4-byte aligned; a Thumb target turns BLX back into BL.
    Out of range, it reaches an ARM veneer by BLX.
    """

    type = 10
    may_need_veneer = True

    @classmethod
    def apply(cls, word, S, P, T):
        _check_thumb32_branch(cls.type, word, P, want_link=True)
        A = _thumb_branch_addend(word)
        X = _place_relative(S, A, T, P)
        target = ((S + A + 4) & MASK32) | T
        if T:
            X &= ~1
        else:
            X += P & 2
            if X & 3:
                raise BranchOutOfRange(cls.type, P, target, "BLX to an unaligned ARM target")
        if not _fits(X, 25):
            raise BranchOutOfRange(cls.type, P, target, f"offset {X:#x} exceeds +-16 MiB")
        return _thumb_with_branch(word, X, 1 if T else 0)


class R_ARM_THM_JUMP24(Relocation):
    """((S + A) | T) - P into a Thumb-2 B.W (+-16 MiB). No state change is possible.

    Failures raise a plain RelocationError: the ARM veneer cannot be reached by B.W either.
    """

    type = 30

    @classmethod
    def apply(cls, word, S, P, T):
        _check_thumb32_branch(cls.type, word, P, want_link=False)
        A = _thumb_branch_addend(word)
        X = _place_relative(S, A, T, P)
        where = f"{name(cls.type)} (type {cls.type}) at {P:#010x}"
        if not T:
            raise RelocationError(f"{where}: a Thumb B.W cannot switch to an ARM target")
        X &= ~1
        if not _fits(X, 25):
            raise RelocationError(f"{where}: offset {X:#x} exceeds +-16 MiB")
        return _thumb_with_branch(word, X, 1)


def _thumb_imm16(word):
    hw1, hw2 = word & 0xFFFF, word >> 16
    return (hw1 & 0xF) << 12 | ((hw1 >> 10) & 1) << 11 | ((hw2 >> 12) & 7) << 8 | (hw2 & 0xFF)


def _thumb_with_imm16(word, value):
    hw1 = (word & 0xFBF0) | ((value >> 11) & 1) << 10 | ((value >> 12) & 0xF)
    hw2 = ((word >> 16) & 0x8F00) | ((value >> 8) & 7) << 12 | (value & 0xFF)
    return hw2 << 16 | hw1


class R_ARM_THM_MOVW_ABS_NC(Relocation):
    """Thumb-2 MOVW: ((S + A) | T) & 0xFFFF into imm4:i:imm3:imm8 (A: that field, signed)."""

    type = 47

    @staticmethod
    def apply(word, S, P, T):
        A = _signed(_thumb_imm16(word), 16)
        return _thumb_with_imm16(word, ((S + A) & MASK32) | T)


class R_ARM_THM_MOVT_ABS(Relocation):
    """Thumb-2 MOVT: (S + A) >> 16 into imm4:i:imm3:imm8 (A: that field, signed)."""

    type = 48

    @staticmethod
    def apply(word, S, P, T):
        A = _signed(_thumb_imm16(word), 16)
        return _thumb_with_imm16(word, ((S + A) & MASK32) >> 16)


#: type number -> relocation class: every type this loader applies.
RELOCATIONS = {cls.type: cls for cls in (
    R_ARM_NONE, R_ARM_PC24, R_ARM_ABS32, R_ARM_REL32, R_ARM_THM_CALL, R_ARM_CALL, R_ARM_JUMP24,
    R_ARM_THM_JUMP24, R_ARM_V4BX, R_ARM_PREL31, R_ARM_MOVW_ABS_NC, R_ARM_MOVT_ABS,
    R_ARM_THM_MOVW_ABS_NC, R_ARM_THM_MOVT_ABS)}

#: The types Linux 3.14 arch/arm/kernel/module.c accepts (ARM kernel, no CONFIG_THUMB2_KERNEL).
KERNEL_3_14_TYPES = frozenset({0, 1, 2, 28, 29, 40, 42, 43, 44})

#: AAELF names of the assigned relocation codes (for messages about types we refuse).
NAMES = {
    0: "NONE", 1: "PC24", 2: "ABS32", 3: "REL32", 4: "LDR_PC_G0", 5: "ABS16", 6: "ABS12",
    7: "THM_ABS5", 8: "ABS8", 9: "SBREL32", 10: "THM_CALL", 11: "THM_PC8", 12: "BREL_ADJ",
    13: "TLS_DESC", 14: "THM_SWI8", 15: "XPC25", 16: "THM_XPC22", 17: "TLS_DTPMOD32",
    18: "TLS_DTPOFF32", 19: "TLS_TPOFF32", 20: "COPY", 21: "GLOB_DAT", 22: "JUMP_SLOT",
    23: "RELATIVE", 24: "GOTOFF32", 25: "BASE_PREL", 26: "GOT_BREL", 27: "PLT32", 28: "CALL",
    29: "JUMP24", 30: "THM_JUMP24", 31: "BASE_ABS", 32: "ALU_PCREL_7_0",
    33: "ALU_PCREL_15_8", 34: "ALU_PCREL_23_15", 35: "LDR_SBREL_11_0_NC",
    36: "ALU_SBREL_19_12_NC", 37: "ALU_SBREL_27_20_CK", 38: "TARGET1", 39: "SBREL31",
    40: "V4BX", 41: "TARGET2", 42: "PREL31", 43: "MOVW_ABS_NC", 44: "MOVT_ABS",
    45: "MOVW_PREL_NC", 46: "MOVT_PREL", 47: "THM_MOVW_ABS_NC", 48: "THM_MOVT_ABS",
    49: "THM_MOVW_PREL_NC", 50: "THM_MOVT_PREL", 51: "THM_JUMP19", 52: "THM_JUMP6",
    53: "THM_ALU_PREL_11_0", 54: "THM_PC12", 55: "ABS32_NOI", 56: "REL32_NOI",
    57: "ALU_PC_G0_NC", 58: "ALU_PC_G0", 59: "ALU_PC_G1_NC", 60: "ALU_PC_G1", 61: "ALU_PC_G2",
    62: "LDR_PC_G1", 63: "LDR_PC_G2", 64: "LDRS_PC_G0", 65: "LDRS_PC_G1", 66: "LDRS_PC_G2",
    67: "LDC_PC_G0", 68: "LDC_PC_G1", 69: "LDC_PC_G2", 70: "ALU_SB_G0_NC", 71: "ALU_SB_G0",
    72: "ALU_SB_G1_NC", 73: "ALU_SB_G1", 74: "ALU_SB_G2", 75: "LDR_SB_G0", 76: "LDR_SB_G1",
    77: "LDR_SB_G2", 78: "LDRS_SB_G0", 79: "LDRS_SB_G1", 80: "LDRS_SB_G2", 81: "LDC_SB_G0",
    82: "LDC_SB_G1", 83: "LDC_SB_G2", 84: "MOVW_BREL_NC", 85: "MOVT_BREL", 86: "MOVW_BREL",
    87: "THM_MOVW_BREL_NC", 88: "THM_MOVT_BREL", 89: "THM_MOVW_BREL", 90: "TLS_GOTDESC",
    91: "TLS_CALL", 92: "TLS_DESCSEQ", 93: "THM_TLS_CALL", 94: "PLT32_ABS", 95: "GOT_ABS",
    96: "GOT_PREL", 97: "GOT_BREL12", 98: "GOTOFF12", 99: "GOTRELAX", 100: "GNU_VTENTRY",
    101: "GNU_VTINHERIT", 102: "THM_JUMP11", 103: "THM_JUMP8", 104: "TLS_GD32",
    105: "TLS_LDM32", 106: "TLS_LDO32", 107: "TLS_IE32", 108: "TLS_LE32", 109: "TLS_LDO12",
    110: "TLS_LE12", 111: "TLS_IE12GP",
    **{112 + k: f"PRIVATE_{k}" for k in range(16)},
    128: "ME_TOO", 129: "THM_TLS_DESCSEQ16", 130: "THM_TLS_DESCSEQ32", 131: "THM_GOT_BREL12",
    132: "THM_ALU_ABS_G0_NC", 133: "THM_ALU_ABS_G1_NC", 134: "THM_ALU_ABS_G2_NC",
    135: "THM_ALU_ABS_G3", 136: "THM_BF16", 137: "THM_BF12", 138: "THM_BF18",
    160: "IRELATIVE", 249: "RXPC25", 250: "RSBREL32", 251: "THM_RPC22", 252: "RREL32",
    253: "RABS32", 254: "RPC24", 255: "RBASE",
}


def name(rtype):
    """'R_ARM_CALL' for 28; 'R_ARM_<unassigned>' for a code AAELF does not define."""
    return "R_ARM_" + NAMES.get(rtype, "<unassigned>")


def may_need_veneer(rtype):
    """Whether a relocation of type rtype may be satisfied through a veneer (room needed)."""
    cls = RELOCATIONS.get(rtype)
    return cls is not None and cls.may_need_veneer


def apply(rtype, word, S, P, T=0):
    """The new 32-bit word at P after relocation ``rtype`` with symbol S (REL: A is in ``word``)."""
    cls = RELOCATIONS.get(rtype)
    if cls is None:
        raise RelocationError(f"unsupported ARM relocation {name(rtype)} (type {rtype})")
    return cls.apply(word & MASK32, S & MASK32, P & MASK32, T & 1) & MASK32


VENEER_SIZE = 8
_LDR_PC_PC_MINUS_4 = 0xE51FF004  # ldr pc, [pc, #-4]: loads the word right after it


def veneer(target):
    """8 bytes of ARM code that jump to ``target`` (bit 0 set: Thumb) from anywhere."""
    return struct.pack("<II", _LDR_PC_PC_MINUS_4, target & MASK32)
