"""`emu4412 info`: what a .ko or an ARM program contains, as a driver developer asks it."""

from collections import Counter

from elftools.elf.sections import SymbolTableSection

from .loader import reloc_arm
from .loader.elf import open_arm_elf, read_bytes
from .loader.module import ModuleLinker
from .loader.program import load_program


def describe(path, board="fs4412"):
    data = read_bytes(path)
    if len(data) >= 18 and data[:4] == b"\x7fELF" and data[16] == 1:      # ET_REL
        return _describe_module(data, path, board)
    return _describe_program(data, path)


def board_checks(linker, board):
    """What insmod on `board` would say: vermagic, relocations, ABI layouts, exports."""
    from .hw.board import load_board
    from .kernel.abi import GUARDED, vermagic
    from .kernel.module import NOT_EXPORTED, abi_mismatches
    from .loader.module import UnknownRelocation
    from .machine import Machine

    spec = load_board(board)
    lines = [f"checks against the {spec.name} kernel ({spec.kernel_release}):"]
    expected, have = vermagic(spec.kernel_release), linker.modinfo.get("vermagic")
    lines.append("  vermagic: ok" if have == expected else
                 f"  vermagic: '{have}' should be '{expected}' (refused; --force-vermagic "
                 f"loads it)")
    try:
        linker.check_relocations()
        lines.append("  relocations: ok (the types 3.14's ARM loader applies)")
    except UnknownRelocation as e:
        hint = " - position-independent build: rebuild with KCFLAGS=-fno-pie" if e.pie else ""
        lines.append(f"  relocations: unknown relocation: {e.rtype} "
                     f"({reloc_arm.name(e.rtype)}){hint}")
    layouts = linker.struct_layouts(GUARDED)
    if not layouts:
        lines.append("  ABI: not checked (no DWARF: build with debug info)")
    else:
        problems = abi_mismatches(linker)
        lines.append(f"  ABI: ok ({len(layouts)} shared structs match the board's layout)"
                     if not problems else "  ABI: " + "; ".join(problems))
    exports = set(Machine(board, ".").hypercalls.names()) - NOT_EXPORTED
    imports = sorted({name for name, shndx, *_ in linker.symbols
                      if shndx == "SHN_UNDEF" and name})
    missing = [name for name in imports if name not in exports]
    lines.append("  exports: all imports provided" if not missing else
                 f"  exports: missing {len(missing)}: " + " ".join(missing))
    return lines


def _describe_module(data, path, board):
    linker = ModuleLinker(data, path)
    lines = [f"{path}: Linux kernel module (ELF32 REL, ARM)"]
    lines.append("modinfo:")
    lines += [f"  {k}: {v}" for k, v in linker.modinfo.items()]
    lines.append("sections:")
    for sec in linker.alloc:
        lines.append(f"  {sec.name:<32} {sec.size:8d} bytes  align {sec.align}")
    imports = sorted({name for name, shndx, *_ in linker.symbols
                      if shndx == "SHN_UNDEF" and name})
    lines.append(f"imports ({len(imports)}): " + " ".join(imports))
    funcs = sorted(name for name, shndx, _, _, kind in linker.symbols
                   if kind == "STT_FUNC" and shndx != "SHN_UNDEF")
    lines.append(f"functions ({len(funcs)}): " + " ".join(funcs))
    counts = Counter(reloc_arm.name(rtype) for _, _, entries in linker.relocs
                     for _, rtype, _ in entries)
    lines.append("relocations: " + ", ".join(f"{n} x{c}" for n, c in sorted(counts.items())))
    lines += board_checks(linker, board)
    return "\n".join(lines)


def _describe_program(data, path):
    elf = open_arm_elf(data, path, "ET_EXEC")
    program = load_program(data, path)
    lines = [f"{path}: ARM EABI executable, statically linked, entry {program.entry:#x}"]
    for seg in program.segments:
        flags = "".join(c if seg.flags & bit else "-" for c, bit in (("r", 4), ("w", 2), ("x", 1)))
        lines.append(f"  LOAD {seg.vaddr:#010x} {seg.memsz:8d} bytes {flags}")
    symtabs = [s for s in elf.iter_sections() if isinstance(s, SymbolTableSection)]
    lines.append(f"symbols: {len(program.symbols)} functions" if symtabs else "symbols: stripped")
    return "\n".join(lines)
