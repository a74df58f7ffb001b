"""ARM EHABI unwind opcodes (emulator/debug/unwind.py) on a fake stack."""

from emulator.debug.unwind import _execute


class _Stack:
    def __init__(self, base, words):
        self.base, self.words = base, words

    def read_u32(self, addr):
        return self.words[(addr - self.base) // 4]


def _regs(sp):
    regs = [0] * 16
    regs[13] = sp
    return regs


def test_pop_under_mask_moves_vsp_past_the_registers():
    regs = _regs(0x1000)
    assert _execute(_Stack(0x1000, [0x44, 0xEE]), [0x84, 0x01, 0xB0], regs) is not False
    assert (regs[4], regs[14], regs[13]) == (0x44, 0xEE, 0x1008)    # pop {r4, r14}


def test_pop_including_sp_makes_the_loaded_value_the_new_vsp():
    # pop {r4, r13, r14}: r13 comes from the stack and is not bumped past the pops.
    regs = _regs(0x1000)
    assert _execute(_Stack(0x1000, [0x44, 0x2000, 0xEE]), [0x86, 0x01, 0xB0], regs) is not False
    assert (regs[4], regs[13], regs[14]) == (0x44, 0x2000, 0xEE)
