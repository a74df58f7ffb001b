"""`emu4412 info`: what a .ko or an ARM program contains, as a driver developer asks it."""

from collections import Counter

from elftools.elf.sections import SymbolTableSection

from .loader import reloc_arm
from .loader.elf import open_arm_elf, read_bytes
from .loader.module import ModuleLinker
from .loader.program import load_program


def describe(path):
    data = read_bytes(path)
    if len(data) >= 18 and data[:4] == b"\x7fELF" and data[16] == 1:      # ET_REL
        return _describe_module(data, path)
    return _describe_program(data, path)


def _describe_module(data, path):
    linker = ModuleLinker(data, path)
    lines = [f"{path}: Linux kernel module (ELF32 REL, ARM)"]
    lines.append("modinfo:")
    lines += [f"  {k}: {v}" for k, v in linker.modinfo.items()]
    lines.append("sections:")
    for _, s in linker.alloc:
        lines.append(f"  {s.name:<32} {s['sh_size']:8d} bytes  align {s['sh_addralign']}")
    symtab = linker.symtab
    imports = sorted({sym.name for sym in symtab.iter_symbols()
                      if sym["st_shndx"] == "SHN_UNDEF" and sym.name})
    lines.append(f"imports ({len(imports)}): " + " ".join(imports))
    funcs = sorted(sym.name for sym in symtab.iter_symbols()
                   if sym["st_info"]["type"] == "STT_FUNC" and sym["st_shndx"] != "SHN_UNDEF")
    lines.append(f"functions ({len(funcs)}): " + " ".join(funcs))
    counts = Counter(reloc_arm.name(r["r_info_type"]) for s in linker.relocs
                     if s["sh_info"] in dict(linker.alloc) for r in s.iter_relocations())
    lines.append("relocations: " + ", ".join(f"{n} x{c}" for n, c in sorted(counts.items())))
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
