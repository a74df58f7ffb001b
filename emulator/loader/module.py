"""Linking a Linux .ko (ELF32 REL for ARM) at its place in the module area.

Like the kernel's load_module/layout_sections/apply_relocations: every SHF_ALLOC section is
placed (text, then read-only data, then data, then bss; each aligned), undefined symbols are
resolved against the kernel's exports, and REL relocations are applied with the addend held
in the place. Every unresolved symbol is collected and reported in one error. As 3.14's ARM
apply_relocate, only the relocation types it knows are accepted (reloc_arm.KERNEL_3_14_TYPES;
anything else is "unknown relocation: N", -ENOEXEC, e.g. a default-PIE build's GOT
relocations). A branch that cannot reach its target gets a veneer after the text (3.14 would
refuse it: a deliberate difference, the emulator's kernel is far from the module area).
module_finalize's `.pv_table` fix-up (ARM_PATCH_PHYS_VIRT) patches the phys-virt offset into
each listed add/sub instruction, so virt_to_phys() in module code is right.
"""

import functools
import struct
from dataclasses import dataclass, field

from ..errors import LoaderError, UnresolvedSymbols
from ..memory.layout import PAGE_OFFSET, PHYS_OFFSET
from . import reloc_arm
from .cache import default_cache, span, unspan
from .dwarf import struct_layouts
from .elf import open_arm_elf, section_data, symbols_of

MODULES_SIZE = 0xBFE00000 - 0xBF000000    # the module area: no module can be larger
#: Relocations that only position-independent code has (GOT, GOT-relative, PC-relative data).
PIE_TYPES = frozenset({3, 24, 25, 26, 96, 97})
GOT_SYMBOL = "_GLOBAL_OFFSET_TABLE_"
#: ARM_PATCH_PHYS_VIRT: the rotation field of an add/sub immediate (nonzero for the
#: __PV_BITS_31_24 stubs) and the imm8 the offset's top byte goes to (head.S,
#: __fixup_a_pv_table).
PV_ROTATION_MASK, PV_IMM8_MASK = 0xF00, 0xFF


class UnknownRelocation(LoaderError):
    """A relocation type 3.14's ARM loader does not apply (it says "unknown relocation: N")."""

    def __init__(self, label, rtype, pie):
        self.rtype, self.pie = rtype, pie
        super().__init__(f"{label}: unknown relocation: {rtype} ({reloc_arm.name(rtype)})")


@dataclass
class Symbol:
    """A symbol a linked module defines, at its address in the module area."""
    name: str
    addr: int
    size: int
    kind: str      # "func", "object", "notype"


@dataclass
class LinkedModule:
    """A module linked at base: its image and symbols. Reading `struct module` at
    this_module (name, init, exit) is the kernel's business (kernel/module.py)."""
    base: int
    image: bytes
    sections: dict                  # name -> (addr, size)
    symbols: list                   # [Symbol] defined by the module
    mapping_symbols: list           # [(addr, "$a"|"$t"|"$d")]
    modinfo: dict
    this_module: int                # address of struct module (__this_module)
    imports: list = field(default_factory=list)
    linker: object = None           # the ModuleLinker (DWARF layouts on demand)


@dataclass(frozen=True)
class Section:
    """An allocated section, read out of the ELF once."""
    idx: int
    name: str
    group: int          # placement order: 0 text, 1 read-only data, 2 data, 3 bss
    size: int
    align: int
    data: bytes         # empty for NOBITS


#: sh_flags bits (the ELF specification's values).
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4


def _group(section):
    flags = section["sh_flags"]
    if flags & SHF_EXECINSTR:
        return 0
    if not flags & SHF_WRITE:
        return 1
    return 3 if section["sh_type"] == "SHT_NOBITS" else 2


def parse_modinfo(data):
    info = {}
    for entry in data.split(b"\0"):
        if b"=" in entry:
            key, _, value = entry.partition(b"=")
            info.setdefault(key.decode("ascii", "replace"), value.decode("utf-8", "replace"))
    return info


def _parse_elf(data, label):
    """(allocated sections as Section fields, symbols, relocations, modinfo) of a .ko, as
    plain data (cache.py keeps it; bytes as cache.span()); LoaderError naming the field
    when the file is bad."""
    from elftools.elf.sections import SymbolTableSection
    elf = open_arm_elf(data, label, "ET_REL")
    sections = list(elf.iter_sections())
    symtabs = [s for s in sections if isinstance(s, SymbolTableSection)]
    if not symtabs:
        raise LoaderError(f"{label}: module has no symbol table")
    alloc = [(i, s.name, _group(s), s["sh_size"], max(1, s["sh_addralign"]),
              b"" if s["sh_type"] == "SHT_NOBITS"
              else span(data, s["sh_offset"], section_data(s, label)))
             for i, s in enumerate(sections) if s["sh_flags"] & SHF_ALLOC and s["sh_size"]]
    placed = {sec[0] for sec in alloc}
    # (name, shndx, value, size, type) per symbol, in symbol-table order.
    symbols = symbols_of(symtabs[0], label)
    # (relocation section name, target section index, [(offset, type, symbol index)])
    # for the sections that are loaded; debug-info relocations are never applied.
    relocs = []
    for s in sections:
        if s["sh_type"] == "SHT_RELA":
            raise LoaderError(f"{label}: RELA relocations in {s.name}: ARM modules use REL")
        if s["sh_type"] == "SHT_REL" and s["sh_info"] in placed:
            try:
                entries = [(r["r_offset"], r["r_info_type"], r["r_info_sym"])
                           for r in s.iter_relocations()]
            except Exception as e:  # pyelftools raises assorted errors on truncation
                raise LoaderError(f"{label}: corrupt relocations in {s.name} ({e})") from None
            _check_relocs(label, symbols, s, entries, sections[s["sh_info"]])
            relocs.append((s.name, s["sh_info"], entries))
    modinfo = next((s for s in sections if s.name == ".modinfo"), None)
    return (alloc, symbols, relocs,
            parse_modinfo(section_data(modinfo, label)) if modinfo else {})


def _check_relocs(label, symbols, rel, entries, target):
    """apply_relocate's checks (arch/arm/kernel/module.c): symbol index and offset in range."""
    limit = target["sh_size"] - 4
    for i, (offset, _, sym_index) in enumerate(entries):
        if sym_index >= len(symbols):
            raise LoaderError(f"{label}: {rel.name}: reloc {i}: bad relocation symbol "
                              f"index {sym_index} ({len(symbols)} symbols)")
        if offset > limit:
            raise LoaderError(f"{label}: {rel.name}: reloc {i} sym "
                              f"'{symbols[sym_index][0]}': out of bounds relocation, "
                              f"offset {offset:#x} size {target['sh_size']:#x}")


class ModuleLinker:
    """A parsed .ko: its sections, symbols and relocations as plain data, linkable anywhere.

    Parsing with pyelftools is most of insmod's cost, so `parse` keeps the result per image
    and cache.py across processes (as it does the DWARF layouts asked for); `link` then only
    does arithmetic.
    """

    def __init__(self, data, label, cache=None):
        self.label = label
        self._data = data
        self._cache = cache or default_cache()
        self._layouts = {}                  # struct name -> (size, members) or None
        key = self._cache.key("module", data)
        parsed = self._cache.get(key)
        if parsed is None:
            parsed = _parse_elf(data, label)
            self._cache.put(key, parsed)
        alloc, self.symbols, self.relocs, self.modinfo = parsed
        self.alloc = [Section(idx, name, group, size, align, unspan(data, body))
                      for idx, name, group, size, align, body in alloc]

    @staticmethod
    @functools.lru_cache(maxsize=32)
    def parse(data, label):
        return ModuleLinker(data, label)

    def struct_layouts(self, names):
        """{name: (size, {member: offset})} from the module's DWARF, parsed once per name
        asked (structs the DWARF lacks are left out)."""
        missing = [n for n in names if n not in self._layouts]
        if missing:
            key = self._cache.key("dwarf", self._data)
            known = self._cache.get(key) or {}
            unknown = [n for n in missing if n not in known]
            if unknown:
                found = struct_layouts(self._data, unknown)
                known.update((n, found.get(n)) for n in unknown)
                self._cache.put(key, known)
            for n in missing:
                self._layouts[n] = known[n]
        return {n: self._layouts[n] for n in names if self._layouts[n] is not None}

    def relocation_types(self):
        return {rtype for _, _, entries in self.relocs for _, rtype, _ in entries}

    def is_pie(self):
        """Built as position-independent code (Debian's gcc default): GOT relocations or
        an import of the GOT."""
        return bool(self.relocation_types() & PIE_TYPES) or any(
            sym[0] == GOT_SYMBOL and sym[1] == "SHN_UNDEF" for sym in self.symbols)

    def check_relocations(self):
        """The first relocation type 3.14's apply_relocate refuses, raised."""
        for _, _, entries in self.relocs:
            for _, rtype, _ in entries:
                if rtype not in reloc_arm.KERNEL_3_14_TYPES:
                    raise UnknownRelocation(self.label, rtype, self.is_pie())

    def layout(self):
        """Offsets of each allocated section and the total size (veneer room included)."""
        offsets, pos = {}, 0
        branch_relocs = sum(1 for _, _, entries in self.relocs for _, rtype, _ in entries
                            if reloc_arm.may_need_veneer(rtype))
        for group in range(4):
            for sec in self.alloc:
                if sec.group != group:
                    continue
                pos = (pos + sec.align - 1) // sec.align * sec.align
                offsets[sec.idx] = pos
                pos += sec.size
                if pos > MODULES_SIZE:
                    raise LoaderError(f"{self.label}: section {sec.name} (sh_size {sec.size:#x}, "
                                      f"sh_addralign {sec.align}) does not fit the "
                                      f"{MODULES_SIZE >> 20} MiB module area")
            if group == 0:
                pos = (pos + 7) & ~7
                self.veneer_offset = pos
                pos += reloc_arm.VENEER_SIZE * branch_relocs
                self.veneer_end = pos
        return offsets, pos

    def _fixup_pv_table(self, image, base, addr):
        """module_finalize -> fixup_pv_table: each word of .pv_table (relocated: the
        address of an add/sub stub) gets the top byte of the phys-virt offset as imm8."""
        pv = next((sec for sec in self.alloc if sec.name == ".pv_table"), None)
        if pv is None:
            return
        top = ((PHYS_OFFSET - PAGE_OFFSET) & 0xFFFFFFFF) >> 24
        start = addr[pv.idx] - base
        for (va,) in struct.iter_unpack("<I", bytes(image[start:start + pv.size])):
            off = va - base
            if not 0 <= off <= len(image) - 4:
                raise LoaderError(f"{self.label}: .pv_table entry {va:#010x} outside the module")
            insn = int.from_bytes(image[off:off + 4], "little")
            if not insn & PV_ROTATION_MASK:
                raise LoaderError(f"{self.label}: .pv_table entry {va:#010x} is not an add/sub "
                                  f"of bits 31-24 (LPAE stubs are not supported)")
            image[off:off + 4] = ((insn & ~PV_IMM8_MASK) | top).to_bytes(4, "little")

    def link(self, base, offsets, size, resolve):
        image = bytearray(size)
        addr = {idx: base + off for idx, off in offsets.items()}
        for sec in self.alloc:
            image[offsets[sec.idx]:offsets[sec.idx] + len(sec.data)] = sec.data

        unresolved, imports = set(), {}
        symbols = self.symbols

        def symbol_value(sym):
            name, shndx, value = sym[0], sym[1], sym[2]
            if shndx == "SHN_UNDEF":
                if not name:
                    return 0
                target = resolve(name)
                if target is None:
                    unresolved.add(name)
                    return 0
                imports[name] = target
                return target
            if shndx == "SHN_ABS":
                return value
            if shndx == "SHN_COMMON":
                raise LoaderError(f"{self.label}: common symbol {name}: build with -fno-common")
            if shndx not in addr:
                return None          # symbol in a non-allocated section (debug info)
            return addr[shndx] + value

        values = [symbol_value(sym) for sym in symbols]
        if unresolved:
            raise UnresolvedSymbols(self.modinfo.get("name", self.label), unresolved)
        self.check_relocations()

        veneers, next_veneer = {}, base + self.veneer_offset
        for rel_name, target_idx, entries in self.relocs:
            sec_base, sec_off = addr[target_idx], offsets[target_idx]
            for r_offset, rtype, sym_index in entries:
                S = values[sym_index] or 0
                T = 1 if symbols[sym_index][4] == "STT_FUNC" and S & 1 else 0
                S &= ~T
                place = sec_off + r_offset
                P = sec_base + r_offset
                word = int.from_bytes(image[place:place + 4], "little")
                try:
                    new = reloc_arm.apply(rtype, word, S, P, T)
                except reloc_arm.BranchOutOfRange:
                    key = S | T
                    if key not in veneers and next_veneer >= base + self.veneer_end:
                        raise LoaderError(f"{self.label}: no veneer room left for "
                                          f"{reloc_arm.name(rtype)} at {rel_name}+{r_offset:#x}")
                    if key not in veneers:
                        veneers[key] = next_veneer
                        off = next_veneer - base
                        image[off:off + reloc_arm.VENEER_SIZE] = reloc_arm.veneer(key)
                        next_veneer += reloc_arm.VENEER_SIZE
                    new = reloc_arm.apply(rtype, word, veneers[key], P, 0)
                except reloc_arm.RelocationError as e:
                    raise LoaderError(f"{self.label}: {e} at {rel_name}+{r_offset:#x}") from None
                image[place:place + 4] = (new & 0xFFFFFFFF).to_bytes(4, "little")

        self._fixup_pv_table(image, base, addr)

        defined, mapping = [], []
        kinds = {"STT_FUNC": "func", "STT_OBJECT": "object", "STT_NOTYPE": "notype"}
        for (name, shndx, _, sym_size, sym_type), value in zip(symbols, values):
            if value is None or shndx in ("SHN_UNDEF", "SHN_ABS") or not name:
                continue
            if name[0] == "$":
                mapping.append((value, name[:2]))
            elif sym_type in kinds:
                defined.append(Symbol(name, value, sym_size, kinds[sym_type]))

        this_module = next((s.addr for s in defined if s.name == "__this_module"), None)
        if this_module is None:
            raise LoaderError(f"{self.label}: no __this_module: not built as a kernel module "
                              "(missing the .mod.c / modpost step?)")
        sections = {sec.name: (addr[sec.idx], sec.size) for sec in self.alloc}
        return LinkedModule(base=base, image=bytes(image), sections=sections,
                            symbols=defined, mapping_symbols=sorted(mapping),
                            modinfo=self.modinfo, this_module=this_module,
                            imports=sorted(imports), linker=self)
