"""The tiny ARM assembler behind the allocation fast path, checked against capstone."""

import capstone
import pytest

from emulator.kernel.mm.armasm import Asm, encode_imm


def disasm(code, base):
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM)
    return [f"{i.mnemonic} {i.op_str}".strip() for i in md.disasm(code, base)]


def test_immediates():
    assert encode_imm(0x2000) == (10 << 8) | 0x2 and encode_imm(0xFF) == 0xFF
    assert encode_imm(0x101) is None


def test_instruction_forms():
    a = Asm(0x1000)
    a.ldr_lit("ip", 0xC0812345)
    a.ldr("r2", "ip", 12)
    a.ldr("r3", "r3", ("r2", "lsl", 2))
    a.ldrb("r3", "r3", ("r2", "lsr", 12))
    a.str("r2", "r3", -4)
    a.sub("r2", "r2", 1, s=True)
    a.add("ip", "ip", ("r2", "lsr", 3))
    a.mov("r2", ("r2", "ror", "ip"))
    a.tst("r1", 0x10)
    a.cmp("r2", 0, cond="eq")
    a.mul("r2", "ip", "r2")
    a.stm("ip", ["r0", "lr"])
    a.mrs_cpsr("r3")
    a.label("here")
    a.b("here", cond="mi")
    a.bx("lr", cond="ls")
    assert disasm(a.assemble(), 0x1000) == [
        "ldr ip, [pc, #0x34]", "ldr r2, [ip, #0xc]", "ldr r3, [r3, r2, lsl #2]",
        "ldrb r3, [r3, r2, lsr #12]", "str r2, [r3, #-4]", "subs r2, r2, #1",
        "add ip, ip, r2, lsr #3", "ror r2, r2, ip", "tst r1, #0x10", "cmpeq r2, #0",
        "mul r2, ip, r2", "stm ip, {r0, lr}", "mrs r3, apsr", "bmi #0x1034", "bxls lr",
        "addgt r2, r1, r5, asr #6"]               # the literal 0xc0812345


def test_out_of_range_operands_are_refused():
    a = Asm(0)
    with pytest.raises(ValueError):
        a.add("r0", "r0", 0x101)
    with pytest.raises(ValueError):
        a.ldr("r0", "r1", 5000)
