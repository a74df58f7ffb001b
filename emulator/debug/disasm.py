"""Disassembly with capstone, honouring ARM mapping symbols ($a code, $t Thumb, $d data).

`switch` jump tables live inside .text; without the mapping symbols they would disassemble
as nonsense instructions. Data words are shown as `.word`.
"""

import capstone

_ARM = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_ARM)
_THUMB = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB)


def disassemble(vm, symbolizer, addr, count):
    """[(addr, text)] for count items starting at addr."""
    lines = []
    while len(lines) < count:
        table = symbolizer.table_at(addr)
        state = table.state_at(addr) if table else "$a"
        if state == "$d":
            word = vm.read_u32(addr)
            lines.append((addr, f".word\t{word:#010x}"))
            addr += 4
            continue
        md, width = (_THUMB, 2) if state == "$t" else (_ARM, 4)
        code = vm.read(addr, 4)
        insn = next(md.disasm(code, addr), None)
        if insn is None:
            lines.append((addr, f".inst\t{int.from_bytes(code[:width], 'little'):#x}"))
            addr += width
            continue
        lines.append((addr, f"{insn.mnemonic}\t{insn.op_str}"))
        addr += insn.size
    return lines
