"""Kernel oops reports in the shape of arch/arm/kernel/traps.c's __die and fault.c messages.

Unicorn does not set DFAR on a data abort, so the faulting address is recomputed from the
faulting instruction's memory operand (decoded with capstone) and the registers.
"""

import functools

from ..memory.mmu import GuestFaultAccess
from .panic import cpu_line, modules_linked_in

_MODES = {0x10: "USER_32", 0x13: "SVC_32", 0x17: "ABT_32", 0x1B: "UND_32", 0x12: "IRQ_32"}


@functools.cache
def _capstone():
    """(capstone, arm_const, a detailed ARM disassembler, register names): imported on the
    first oops, not at start-up (speed: capstone costs ~20 ms to import)."""
    import capstone
    from capstone import arm_const

    regs = {getattr(arm_const, f"ARM_REG_R{i}"): f"r{i}" for i in range(13)}
    regs.update({arm_const.ARM_REG_SP: "sp", arm_const.ARM_REG_LR: "lr",
                 arm_const.ARM_REG_PC: "pc"})
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM)
    md.detail = True
    return capstone, arm_const, md, regs


def decode(code, addr, thumb=False):
    capstone, _, md, _ = _capstone()
    md.mode = capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM
    return next(md.disasm(code, addr), None)


def fault_address(insn, regs):
    """The address the instruction's memory operand names, or None."""
    if insn is None:
        return None
    _, arm_const, _, names = _capstone()
    for op in insn.operands:
        if op.type == arm_const.ARM_OP_MEM:
            base = regs.get(names.get(op.mem.base), 0)
            if op.mem.base == arm_const.ARM_REG_PC:
                base = insn.address + 8
            index = regs.get(names.get(op.mem.index), 0) if op.mem.index else 0
            if op.mem.index and op.shift.type == arm_const.ARM_SFT_LSL:
                index <<= op.shift.value
            if op.subtracted:
                index = -index
            return (base + index + op.mem.disp) & 0xFFFFFFFF
    return None


def _flags(cpsr):
    return "".join(c.upper() if cpsr >> bit & 1 else c for c, bit in
                   (("n", 31), ("z", 30), ("c", 29), ("v", 28)))


def oops_report(fault, vm, symbolize, modules, comm, pid):
    """The lines Linux prints for a kernel-mode fault (printed at KERN_EMERG/ALERT)."""
    regs = fault.regs
    pc, thumb = regs["pc"], bool(regs["cpsr"] & 0x20)
    try:
        code = vm.read(pc, 4)
    except GuestFaultAccess:
        code = None
    insn = decode(code, pc, thumb) if code else None
    lines = []
    if fault.kind == "data abort":
        addr = fault.addr if fault.addr is not None else fault_address(insn, regs)
        where = "(unknown)" if addr is None else f"{addr:08x}"
        what = ("NULL pointer dereference" if addr is not None and addr < 4096
                else "paging request")
        lines.append(f"Unable to handle kernel {what} at virtual address {where}")
        lines.append("Internal error: Oops: 817 [#1] PREEMPT SMP ARM")
    elif fault.kind == "prefetch abort":
        lines.append(f"Unable to handle kernel paging request at virtual address {pc:08x}")
        lines.append("Internal error: Oops: 80000005 [#1] PREEMPT SMP ARM")
    else:
        lines.append(f"Internal error: Oops - {fault.kind}: 0 [#1] PREEMPT SMP ARM")
    lines.append(modules_linked_in(modules))
    lines.append(cpu_line(comm, pid))
    lines.append(f"PC is at {fault.where}" if fault.where else f"PC is at {symbolize(pc)}")
    lines.append(f"LR is at {symbolize(regs['lr'])}")
    lines.append(f"pc : [<{pc:08x}>]    lr : [<{regs['lr']:08x}>]    psr: {regs['cpsr']:08x}")
    lines.append(f"sp : {regs['sp']:08x}  ip : {regs['r12']:08x}  fp : {regs['r11']:08x}")
    lines.append(f"r10: {regs['r10']:08x}  r9 : {regs['r9']:08x}  r8 : {regs['r8']:08x}")
    lines.append("  ".join(f"r{i:<2d}: {regs[f'r{i}']:08x}" for i in (7, 6, 5, 4)))
    lines.append("  ".join(f"r{i:<2d}: {regs[f'r{i}']:08x}" for i in (3, 2, 1, 0)))
    mode = _MODES.get(regs["cpsr"] & 0x1F, "???")
    lines.append(f"Flags: {_flags(regs['cpsr'])}  IRQs off  FIQs off  Mode {mode}  "
                 f"ISA {'Thumb' if thumb else 'ARM'}  Segment kernel")
    if insn is not None:
        lines.append(f"Code: {int.from_bytes(code, 'little'):08x} ({insn.mnemonic} {insn.op_str})")
    lines.append("---[ end trace 0000000000000001 ]---")
    return lines
