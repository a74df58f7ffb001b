"""Backtraces with the ARM EHABI unwind tables (.ARM.exidx), as Linux's unwind.c does.

Modules and glibc are built with -O2 and no frame pointer, so a backtrace needs the tables
the compiler emits: each .ARM.exidx entry maps a function to unwind opcodes (inline, or in
.ARM.extab). Executing them on a virtual stack pointer recovers the caller's registers.
Reference: "Exception Handling ABI for the ARM Architecture" (IHI 0038), section 9.3.
An interrupt handler returns to a vector stub (__irq_svc, __irq_usr) whose frame holds the
interrupted registers as struct pt_regs: the backtrace goes on from them (kernel code), or
ends there (user code: ``interrupted_user`` gives those registers), as Linux's does.
"""

import struct
from dataclasses import dataclass

from ..memory.mmu import GuestFaultAccess

EXIDX_CANTUNWIND = 1
MAX_FRAMES = 32
#: The vector stubs an interrupt handler returns to (kernel/hypercall.py's slots).
IRQ_SVC, IRQ_USR = "__irq_svc", "__irq_usr"
PT_REGS_WORDS = 18               # r0-r15, cpsr, orig_r0


@dataclass
class Frame:
    pc: int
    sp: int


def _prel31(word, place):
    offset = word & 0x7FFFFFFF
    if offset & 0x40000000:
        offset -= 0x80000000
    return (place + offset) & 0xFFFFFFFF


def _find_entry(vm, exidx, pc):
    """(entry word, entry address) of the function holding pc, from one table."""
    addr, size = exidx
    best = None
    for i in range(0, size, 8):
        fn = _prel31(vm.read_u32(addr + i), addr + i)
        if fn > pc:
            break
        best = (vm.read_u32(addr + i + 4), addr + i + 4)
    return best


def _opcodes(vm, word, place):
    """The unwind opcode bytes of an entry, or None when it cannot be unwound."""
    if word == EXIDX_CANTUNWIND:
        return None
    if word & 0x80000000:                         # inline compact model, personality 0
        return [(word >> 16) & 0xFF, (word >> 8) & 0xFF, word & 0xFF]
    extab = _prel31(word, place)
    first = vm.read_u32(extab)
    if not first & 0x80000000:
        return None                               # generic personality routine: not here
    personality = (first >> 24) & 0xF
    if personality == 0:
        return [(first >> 16) & 0xFF, (first >> 8) & 0xFF, first & 0xFF]
    count = (first >> 16) & 0xFF
    ops = [(first >> 8) & 0xFF, first & 0xFF]
    for i in range(count):
        w = vm.read_u32(extab + 4 + 4 * i)
        ops += [(w >> 24) & 0xFF, (w >> 16) & 0xFF, (w >> 8) & 0xFF, w & 0xFF]
    return ops


def _execute(vm, ops, regs):
    """Run unwind opcodes on regs (r0-r15 list; r13 is vsp). False if refused."""
    i = 0
    pc_popped = False

    def pop(reg_numbers):
        """Load the registers from vsp upwards; vsp ends past them unless r13 itself was
        loaded, which then is the new vsp (EHABI 9.3, as libgcc's _Unwind_VRS_Pop)."""
        nonlocal pc_popped
        ptr = regs[13]
        for r in reg_numbers:
            regs[r] = vm.read_u32(ptr)
            ptr += 4
            pc_popped |= r == 15
        if 13 not in reg_numbers:
            regs[13] = ptr

    while i < len(ops):
        op = ops[i]
        i += 1
        if op & 0xC0 == 0x00:
            regs[13] += ((op & 0x3F) << 2) + 4
        elif op & 0xC0 == 0x40:
            regs[13] -= ((op & 0x3F) << 2) + 4
        elif op & 0xF0 == 0x80:
            mask = ((op & 0x0F) << 8) | ops[i]
            i += 1
            if mask == 0:
                return False                       # refuse to unwind
            pop([4 + b for b in range(12) if mask & (1 << b)])
        elif op & 0xF0 == 0x90:
            regs[13] = regs[op & 0x0F]
        elif op & 0xF8 == 0xA0:
            pop(range(4, 5 + (op & 7)))
        elif op & 0xF8 == 0xA8:
            pop(list(range(4, 5 + (op & 7))) + [14])
        elif op == 0xB0:
            break
        elif op == 0xB1:
            mask = ops[i]
            i += 1
            pop([b for b in range(4) if mask & (1 << b)])
        elif op == 0xB2:
            value, shift = 0, 0
            while True:
                byte = ops[i]
                i += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            regs[13] += 0x204 + (value << 2)
        elif op in (0xB3, 0xC8, 0xC9):
            count = (ops[i] & 0x0F) + 1
            i += 1
            regs[13] += count * 8 + (4 if op == 0xB3 else 0)
        elif op & 0xF8 == 0xB8:
            regs[13] += ((op & 7) + 1) * 8 + 4
        elif op & 0xF8 == 0xD0:
            regs[13] += ((op & 7) + 1) * 8
        else:
            return False                           # spare or iWMMXt opcodes
    if not pc_popped:
        regs[15] = regs[14]
    return True


def _unwind_with_tables(vm, symbolizer, r):
    table = symbolizer.table_at(r[15])
    if table is None or not table.exidx:
        return False
    entry = None
    for exidx in table.exidx:
        hit = _find_entry(vm, exidx, r[15])
        if hit and (entry is None or hit[1] > entry[1]):
            entry = hit
    try:
        ops = _opcodes(vm, *entry) if entry else None
        return ops is not None and _execute(vm, ops, r)
    except GuestFaultAccess:
        return False


def _prologue_done(vm, symbolizer, pc):
    """Has the function holding pc already moved sp (push, stmdb sp!, sub sp)?

    The unwind tables describe the stack after the prologue; before it, the caller is
    simply lr. A linear scan from the function's start is enough for compiled C.
    """
    hit = symbolizer.find(pc)
    if hit is None:
        return True
    start = pc - hit[1]
    try:
        code = vm.read(start, pc - start)
    except GuestFaultAccess:
        return True
    for i in range(0, len(code), 4):
        word = int.from_bytes(code[i:i + 4], "little")
        if (word & 0x0FFF0000) == 0x092D0000:          # push / stmdb sp!, {...}
            return True
        if (word & 0x0FFFF000) == 0x024DD000:          # sub sp, sp, #imm
            return True
        if (word & 0x0FFF0FFF) == 0x052D0004:          # str rX, [sp, #-4]!
            return True
    return False


def _vector_stub(symbolizer, pc):
    hit = symbolizer.find(pc)
    return hit[0] if hit is not None and hit[0] in (IRQ_SVC, IRQ_USR) else None


def pt_regs(vm, sp):
    """The registers (dict r0..r12, sp, lr, pc, cpsr) a vector stub saved at sp, or None."""
    try:
        words = struct.unpack(f"<{PT_REGS_WORDS}I", vm.read(sp, 4 * PT_REGS_WORDS))
    except GuestFaultAccess:
        return None
    regs = {f"r{i}": words[i] for i in range(13)}
    regs.update(sp=words[13], lr=words[14], pc=words[15], cpsr=words[16])
    return regs


def interrupted_user(vm, symbolizer, frames):
    """The user registers an interrupt's pt_regs hold when frames end in __irq_usr, else None."""
    last = frames[-1] if frames else None
    if last is None or _vector_stub(symbolizer, last.pc) != IRQ_USR:
        return None
    return pt_regs(vm, last.sp)


def backtrace(vm, symbolizer, regs):
    """Frames from the registers (dict r0..r12, sp, lr, pc) outwards, while tables allow.

    The innermost frame's caller is lr while its function has not pushed anything yet.
    Code without tables (parts of glibc, hand-written assembly) ends the backtrace. At
    __irq_svc it goes on with the interrupted kernel registers (that frame is innermost
    again); at __irq_usr it ends.
    """
    r = [regs[f"r{i}"] for i in range(13)] + [regs["sp"], regs["lr"], regs["pc"]]
    frames = [Frame(r[15], r[13])]
    innermost = True
    while len(frames) < MAX_FRAMES:
        if innermost and not _prologue_done(vm, symbolizer, r[15]):
            r[15] = r[14]
        elif not _unwind_with_tables(vm, symbolizer, r):
            break
        innermost = False
        r[15] &= ~1
        if r[15] == 0 or (r[15], r[13]) == (frames[-1].pc, frames[-1].sp):
            break
        frames.append(Frame(r[15], r[13]))
        stub = _vector_stub(symbolizer, r[15])
        if stub == IRQ_USR:
            break
        if stub == IRQ_SVC:
            saved = pt_regs(vm, r[13])
            if saved is None or len(frames) >= MAX_FRAMES:
                break
            r = [saved[f"r{i}"] for i in range(13)] + [saved["sp"], saved["lr"],
                                                       saved["pc"] & ~1]
            frames.append(Frame(r[15], r[13]))
            innermost = True
    return frames
