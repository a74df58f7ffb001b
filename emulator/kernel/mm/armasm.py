"""A tiny ARM (A32) assembler for the kernel's own fast-path routines (ARM ARM DDI 0406C A5).

Just the instruction forms those routines use: data processing with an immediate or a
shifted register, word/byte loads and stores with an immediate or shifted-register offset,
stm, push/pop, movw/movt, mul, mrs, b and bx, plus a literal pool. Labels are resolved at `assemble()`.
"""

import struct

COND = {"eq": 0x0, "ne": 0x1, "hs": 0x2, "lo": 0x3, "mi": 0x4, "pl": 0x5, "hi": 0x8,
        "ls": 0x9, "ge": 0xA, "lt": 0xB, "gt": 0xC, "le": 0xD, "al": 0xE}
DP = {"and": 0x0, "eor": 0x1, "sub": 0x2, "rsb": 0x3, "add": 0x4, "tst": 0x8, "cmp": 0xA,
      "cmn": 0xB, "orr": 0xC, "mov": 0xD, "bic": 0xE, "mvn": 0xF}
SHIFT = {"lsl": 0, "lsr": 1, "asr": 2, "ror": 3}
REGS = {**{f"r{i}": i for i in range(13)}, "ip": 12, "sp": 13, "lr": 14, "pc": 15}


def reg(name):
    return REGS[name]


def encode_imm(value):
    """operand2 immediate: imm8 rotated right by an even amount, or None."""
    value &= 0xFFFFFFFF
    for rot in range(16):
        imm = ((value << (2 * rot)) | (value >> (32 - 2 * rot))) & 0xFFFFFFFF if rot else value
        if imm < 256:
            return (rot << 8) | imm
    return None


class Asm:
    def __init__(self, base):
        self.base = base
        self.words = []
        self.labels = {}
        self._branches = []        # (index, cond, target label or address)
        self._literals = []        # (index, rd, cond, value)

    @property
    def here(self):
        return self.base + 4 * len(self.words)

    def label(self, name):
        self.labels[name] = self.here

    def _emit(self, word):
        self.words.append(word & 0xFFFFFFFF)

    # -- data processing ----------------------------------------------------------------------
    def dp(self, op, rd, rn, operand, s=False, cond="al"):
        """operand: an int (immediate), "rM", or ("rM", "lsl"|"lsr"|..., amount or "rS")."""
        code = DP[op]
        s = s or code in (0x8, 0xA, 0xB)
        word = (COND[cond] << 28) | (code << 21) | (int(s) << 20) | (reg(rn) << 16) \
            | (reg(rd) << 12)
        if isinstance(operand, int):
            imm = encode_imm(operand)
            if imm is None:
                raise ValueError(f"immediate {operand:#x} cannot be encoded")
            word |= (1 << 25) | imm
        elif isinstance(operand, str):
            word |= reg(operand)
        else:
            rm, kind, amount = operand
            if isinstance(amount, str):
                word |= (reg(amount) << 8) | (SHIFT[kind] << 5) | (1 << 4) | reg(rm)
            else:
                word |= ((amount & 31) << 7) | (SHIFT[kind] << 5) | reg(rm)
        self._emit(word)

    def add(self, rd, rn, operand, **kw):
        self.dp("add", rd, rn, operand, **kw)

    def sub(self, rd, rn, operand, **kw):
        self.dp("sub", rd, rn, operand, **kw)

    def and_(self, rd, rn, operand, **kw):
        self.dp("and", rd, rn, operand, **kw)

    def bic(self, rd, rn, operand, **kw):
        self.dp("bic", rd, rn, operand, **kw)

    def mov(self, rd, operand, **kw):
        self.dp("mov", rd, "r0", operand, **kw)

    def cmp(self, rn, operand, cond="al"):
        self.dp("cmp", "r0", rn, operand, cond=cond)

    def cmn(self, rn, operand, cond="al"):
        self.dp("cmn", "r0", rn, operand, cond=cond)

    def orr(self, rd, rn, operand, **kw):
        self.dp("orr", rd, rn, operand, **kw)

    def tst(self, rn, operand, cond="al"):
        self.dp("tst", "r0", rn, operand, cond=cond)

    # -- memory ---------------------------------------------------------------------------
    def _mem(self, load, byte, rd, rn, offset, cond, post=False):
        """post: post-indexed (rn += offset after the access)."""
        word = (COND[cond] << 28) | (1 << 26) | (int(not post) << 24) | (int(byte) << 22) \
            | (int(load) << 20) | (reg(rn) << 16) | (reg(rd) << 12)
        if isinstance(offset, int):
            if not -4096 < offset < 4096:
                raise ValueError(f"offset {offset} out of range")
            word |= ((1 << 23) if offset >= 0 else 0) | abs(offset)
        else:
            rm, kind, amount = offset if isinstance(offset, tuple) else (offset, "lsl", 0)
            word |= (1 << 25) | (1 << 23) | ((amount & 31) << 7) | (SHIFT[kind] << 5) | reg(rm)
        self._emit(word)

    def ldr(self, rd, rn, offset=0, cond="al"):
        self._mem(True, False, rd, rn, offset, cond)

    def str(self, rd, rn, offset=0, cond="al", post=False):
        self._mem(False, False, rd, rn, offset, cond, post)

    def strb(self, rd, rn, offset=0, cond="al", post=False):
        self._mem(False, True, rd, rn, offset, cond, post)

    def push(self, regs, cond="al"):
        """stmdb sp!, {regs}"""
        mask = sum(1 << reg(r) for r in regs)
        self._emit((COND[cond] << 28) | 0x092D0000 | mask)

    def pop(self, regs, cond="al"):
        """ldmia sp!, {regs}"""
        mask = sum(1 << reg(r) for r in regs)
        self._emit((COND[cond] << 28) | 0x08BD0000 | mask)

    def ldrb(self, rd, rn, offset=0, cond="al"):
        self._mem(True, True, rd, rn, offset, cond)

    def stm(self, rn, regs, cond="al"):
        """stmia rn, {regs} (no writeback)."""
        mask = sum(1 << reg(r) for r in regs)
        self._emit((COND[cond] << 28) | 0x08800000 | (reg(rn) << 16) | mask)

    def ldr_lit(self, rd, value, cond="al"):
        self._literals.append((len(self.words), rd, cond, value & 0xFFFFFFFF))
        self._emit(0)

    def mov32(self, rd, value, cond="al"):
        """movw (+ movt): a constant without a literal load (no data access)."""
        value &= 0xFFFFFFFF
        lo, hi = value & 0xFFFF, value >> 16
        self._emit((COND[cond] << 28) | 0x03000000 | ((lo >> 12) << 16) | (reg(rd) << 12)
                   | (lo & 0xFFF))
        if hi:
            self._emit((COND[cond] << 28) | 0x03400000 | ((hi >> 12) << 16) | (reg(rd) << 12)
                       | (hi & 0xFFF))

    # -- other ----------------------------------------------------------------------------
    def mul(self, rd, rm, rs, cond="al"):
        self._emit((COND[cond] << 28) | (reg(rd) << 16) | (reg(rs) << 8) | 0x90 | reg(rm))

    def mrs_cpsr(self, rd, cond="al"):
        self._emit((COND[cond] << 28) | 0x010F0000 | (reg(rd) << 12))

    def b(self, target, cond="al"):
        self._branches.append((len(self.words), cond, target))
        self._emit(0)

    def bx(self, rm, cond="al"):
        self._emit((COND[cond] << 28) | 0x012FFF10 | reg(rm))

    # -- output ---------------------------------------------------------------------------
    def assemble(self):
        """The code followed by its literal pool, as bytes."""
        words = list(self.words)
        for index, cond, target in self._branches:
            addr = self.labels[target] if isinstance(target, str) else target
            offset = (addr - (self.base + 4 * index + 8)) >> 2
            if not -(1 << 23) <= offset < (1 << 23):
                raise ValueError(f"branch to {target} out of range")
            words[index] = (COND[cond] << 28) | 0x0A000000 | (offset & 0xFFFFFF)
        pool = {}
        for index, rd, cond, value in self._literals:
            if value not in pool:
                pool[value] = len(words)
                words.append(value)
            offset = (self.base + 4 * pool[value]) - (self.base + 4 * index + 8)
            words[index] = (COND[cond] << 28) | 0x059F0000 | (reg(rd) << 12) | offset
        return struct.pack(f"<{len(words)}I", *words)
