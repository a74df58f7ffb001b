"""Linking a Linux .ko (ELF32 REL for ARM) at its place in the module area.

Like the kernel's load_module/layout_sections/apply_relocations: every SHF_ALLOC section is
placed (text, then read-only data, then data, then bss; each aligned), undefined symbols are
resolved against the kernel's exports, and REL relocations are applied with the addend held
in the place. A branch that cannot reach its target gets a veneer after the text. Every
unresolved symbol is collected and reported in one error.
"""

from dataclasses import dataclass, field

from elftools.elf.constants import SH_FLAGS
from elftools.elf.sections import SymbolTableSection

from ..errors import LoaderError, UnresolvedSymbols
from ..kernel.abi import MODULE
from . import reloc_arm
from .elf import open_arm_elf, section_data

R_ARM_CALL, R_ARM_JUMP24 = 28, 29


@dataclass
class Symbol:
    name: str
    addr: int
    size: int
    kind: str      # "func", "object", "notype"


@dataclass
class LinkedModule:
    name: str
    base: int
    image: bytes
    sections: dict                  # name -> (addr, size)
    symbols: list                   # [Symbol] defined by the module
    mapping_symbols: list           # [(addr, "$a"|"$t"|"$d")]
    modinfo: dict
    this_module: int                # address of struct module
    init: int                       # 0 when the module has no init
    exit: int
    imports: list = field(default_factory=list)


def _group(section):
    flags = section["sh_flags"]
    if flags & SH_FLAGS.SHF_EXECINSTR:
        return 0
    if not flags & SH_FLAGS.SHF_WRITE:
        return 1
    return 3 if section["sh_type"] == "SHT_NOBITS" else 2


def parse_modinfo(data):
    info = {}
    for entry in data.split(b"\0"):
        if b"=" in entry:
            key, _, value = entry.partition(b"=")
            info.setdefault(key.decode("ascii", "replace"), value.decode("utf-8", "replace"))
    return info


class ModuleLinker:
    def __init__(self, data, label):
        self.label = label
        self.elf = open_arm_elf(data, label, "ET_REL")
        self.sections = list(self.elf.iter_sections())
        symtabs = [s for s in self.sections if isinstance(s, SymbolTableSection)]
        if not symtabs:
            raise LoaderError(f"{label}: module has no symbol table")
        self.symtab = symtabs[0]
        self.alloc = [(i, s) for i, s in enumerate(self.sections)
                      if s["sh_flags"] & SH_FLAGS.SHF_ALLOC and s["sh_size"]]
        self.relocs = [s for s in self.sections if s["sh_type"] in ("SHT_REL", "SHT_RELA")]
        for s in self.relocs:
            if s["sh_type"] == "SHT_RELA":
                raise LoaderError(f"{label}: RELA relocations in {s.name}: ARM modules use REL")
        modinfo = next((s for s in self.sections if s.name == ".modinfo"), None)
        self.modinfo = parse_modinfo(section_data(modinfo, label)) if modinfo else {}

    def layout(self):
        """Offsets of each allocated section and the total size (veneer room included)."""
        offsets, pos = {}, 0
        branch_relocs = sum(1 for s in self.relocs for r in s.iter_relocations()
                            if r["r_info_type"] in (R_ARM_CALL, R_ARM_JUMP24))
        for group in range(4):
            for idx, s in self.alloc:
                if _group(s) != group:
                    continue
                align = max(1, s["sh_addralign"])
                pos = (pos + align - 1) // align * align
                offsets[idx] = pos
                pos += s["sh_size"]
            if group == 0:
                pos = (pos + 7) & ~7
                self.veneer_offset = pos
                pos += reloc_arm.VENEER_SIZE * branch_relocs
        return offsets, pos

    def link(self, base, offsets, size, resolve):
        image = bytearray(size)
        addr = {idx: base + off for idx, off in offsets.items()}
        for idx, s in self.alloc:
            if s["sh_type"] != "SHT_NOBITS":
                data = section_data(s, self.label)
                image[offsets[idx]:offsets[idx] + len(data)] = data

        unresolved, imports = set(), {}
        symbols = list(self.symtab.iter_symbols())

        def symbol_value(sym):
            shndx = sym["st_shndx"]
            if shndx == "SHN_UNDEF":
                if not sym.name:
                    return 0
                target = resolve(sym.name)
                if target is None:
                    unresolved.add(sym.name)
                    return 0
                imports[sym.name] = target
                return target
            if shndx == "SHN_ABS":
                return sym["st_value"]
            if shndx == "SHN_COMMON":
                raise LoaderError(f"{self.label}: common symbol {sym.name}: build with -fno-common")
            if shndx not in addr:
                return None          # symbol in a non-allocated section (debug info)
            return addr[shndx] + sym["st_value"]

        values = [symbol_value(sym) for sym in symbols]
        if unresolved:
            raise UnresolvedSymbols(self.modinfo.get("name", self.label), unresolved)

        veneers, next_veneer = {}, base + self.veneer_offset
        for rel_section in self.relocs:
            target_idx = rel_section["sh_info"]
            if target_idx not in addr:
                continue                         # relocations of debug sections
            sec_base, sec_off = addr[target_idx], offsets[target_idx]
            for r in rel_section.iter_relocations():
                rtype, sym = r["r_info_type"], symbols[r["r_info_sym"]]
                S = values[r["r_info_sym"]] or 0
                T = 1 if sym["st_info"]["type"] == "STT_FUNC" and S & 1 else 0
                S &= ~T
                place = sec_off + r["r_offset"]
                P = sec_base + r["r_offset"]
                word = int.from_bytes(image[place:place + 4], "little")
                try:
                    new = reloc_arm.apply(rtype, word, S, P, T)
                except reloc_arm.BranchOutOfRange:
                    key = S | T
                    if key not in veneers:
                        veneers[key] = next_veneer
                        off = next_veneer - base
                        image[off:off + reloc_arm.VENEER_SIZE] = reloc_arm.veneer(key)
                        next_veneer += reloc_arm.VENEER_SIZE
                    new = reloc_arm.apply(rtype, word, veneers[key], P, 0)
                except reloc_arm.RelocationError as e:
                    raise LoaderError(f"{self.label}: {e} at {rel_section.name}+{r['r_offset']:#x}") from None
                image[place:place + 4] = (new & 0xFFFFFFFF).to_bytes(4, "little")

        defined, mapping = [], []
        kinds = {"STT_FUNC": "func", "STT_OBJECT": "object", "STT_NOTYPE": "notype"}
        for sym, value in zip(symbols, values):
            if value is None or sym["st_shndx"] in ("SHN_UNDEF", "SHN_ABS") or not sym.name:
                continue
            if sym.name[0] == "$":
                mapping.append((value, sym.name[:2]))
            elif sym["st_info"]["type"] in kinds:
                defined.append(Symbol(sym.name, value, sym["st_size"],
                                      kinds[sym["st_info"]["type"]]))

        this_module = next((s.addr for s in defined if s.name == "__this_module"), None)
        if this_module is None:
            raise LoaderError(f"{self.label}: no __this_module: not built as a kernel module "
                              "(missing the .mod.c / modpost step?)")
        tm = this_module - base

        def field_u32(name):
            return int.from_bytes(image[tm + MODULE[name]:tm + MODULE[name] + 4], "little")

        raw_name = bytes(image[tm + MODULE["name"]:tm + MODULE["name"] + 60]).split(b"\0")[0]
        name = self.modinfo.get("name") or raw_name.decode("ascii", "replace")
        sections = {}
        for idx, s in self.alloc:
            sections[s.name] = (addr[idx], s["sh_size"])
        return LinkedModule(name=name, base=base, image=bytes(image), sections=sections,
                            symbols=defined, mapping_symbols=sorted(mapping),
                            modinfo=self.modinfo, this_module=this_module,
                            init=field_u32("init"), exit=field_u32("exit"),
                            imports=sorted(imports))
