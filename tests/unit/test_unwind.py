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


class _Symbols:
    """A symbolizer knowing functions by their first address (no unwind tables)."""

    def __init__(self, names):
        self.names = names

    def find(self, addr):
        name = self.names.get(addr)
        return None if name is None else (name, 0, 8, None)

    def table_at(self, addr):
        return None


class _Memory(_Stack):
    def read(self, addr, size):
        return b"".join(self.read_u32(addr + i).to_bytes(4, "little") for i in range(0, size, 4))


def _pt_regs(pc, sp, lr):
    return list(range(13)) + [sp, lr, pc, 0x13, 0xFFFFFFFF]


def test_backtrace_goes_through_irq_svc_pt_regs():
    from emulator.debug.unwind import backtrace
    # handler at 0x100 (lr -> __irq_svc at 0x200), pt_regs at sp 0x1000: interrupted pc
    # 0x300 with lr 0x400 (a leaf that has not pushed: its caller is lr)
    mem = _Memory(0x1000, _pt_regs(0x300, 0x2000, 0x400))
    syms = _Symbols({0x100: "isr", 0x200: "__irq_svc", 0x300: "leaf"})
    regs = {f"r{i}": 0 for i in range(13)}
    regs.update(sp=0x1000, lr=0x200, pc=0x100)
    frames = backtrace(mem, syms, regs)
    assert [f.pc for f in frames][:4] == [0x100, 0x200, 0x300, 0x400]
    assert frames[2].sp == 0x2000


def test_backtrace_ends_at_irq_usr_with_the_user_registers():
    from emulator.debug.unwind import backtrace, interrupted_user
    mem = _Memory(0x1000, _pt_regs(0x8000, 0xBEFF0000, 0x8100))
    syms = _Symbols({0x100: "isr", 0x204: "__irq_usr"})
    regs = {f"r{i}": 0 for i in range(13)}
    regs.update(sp=0x1000, lr=0x204, pc=0x100)
    frames = backtrace(mem, syms, regs)
    assert [f.pc for f in frames] == [0x100, 0x204]
    user = interrupted_user(mem, syms, frames)
    assert (user["pc"], user["sp"], user["lr"], user["r5"]) == (0x8000, 0xBEFF0000, 0x8100, 5)
