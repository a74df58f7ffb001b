"""User programs: static ARM EABI ELF executables, as the board's shell would exec them."""

import functools
import hashlib
from dataclasses import dataclass

from elftools.elf.sections import SymbolTableSection

from ..errors import LoaderError
from .elf import open_arm_elf, section_data

PF_X, PF_W, PF_R = 1, 2, 4


@dataclass(frozen=True)
class Segment:
    vaddr: int
    memsz: int
    data: bytes
    flags: int


@dataclass(frozen=True)
class Program:
    entry: int
    phdr: int             # address of the program headers in memory (AT_PHDR)
    phnum: int
    phent: int
    segments: tuple
    symbols: tuple        # [(addr, size, name)] functions, for symbolization
    digest: bytes = b""  # identifies the image (the page cache shares its read-only pages)
    mapping: tuple = ()   # ARM mapping symbols (addr, "$a"|"$d"|"$t") for disassembly
    exidx: tuple = ()     # (addr, size) of .ARM.exidx, the unwind table


@functools.lru_cache(maxsize=16)
def load_program(data, label):
    """Parse once per distinct image: a shell runs the same program many times."""
    elf = open_arm_elf(data, label, "ET_EXEC")
    segments, phdr = [], None
    header = elf.header
    for seg in elf.iter_segments():
        kind = seg["p_type"]
        if kind == "PT_INTERP":
            raise LoaderError(f"{label}: dynamically linked; the board runs static programs "
                              "(link with -static)")
        if kind == "PT_PHDR":
            phdr = seg["p_vaddr"]
        if kind != "PT_LOAD" or seg["p_memsz"] == 0:
            continue
        if seg["p_vaddr"] + seg["p_memsz"] > 0xBF000000:
            raise LoaderError(f"{label}: segment at {seg['p_vaddr']:#x} is outside user space")
        try:
            body = seg.data()
        except Exception as e:  # pyelftools raises assorted errors on truncated files
            raise LoaderError(f"{label}: corrupt segment ({e})") from None
        if len(body) != seg["p_filesz"]:
            raise LoaderError(f"{label}: truncated segment at {seg['p_vaddr']:#x}")
        segments.append(Segment(seg["p_vaddr"], seg["p_memsz"], body, seg["p_flags"]))
        if phdr is None and seg["p_offset"] <= header["e_phoff"] < seg["p_offset"] + seg["p_filesz"]:
            phdr = seg["p_vaddr"] + header["e_phoff"] - seg["p_offset"]
    if not segments:
        raise LoaderError(f"{label}: no loadable segments")
    symbols, mapping, exidx = [], [], ()
    for sec in elf.iter_sections():
        if sec.name == ".ARM.exidx":
            exidx = ((sec["sh_addr"], sec["sh_size"]),)
        if isinstance(sec, SymbolTableSection) and sec.name == ".symtab":
            section_data(sec, label)
            for sym in sec.iter_symbols():
                if sym["st_info"]["type"] == "STT_FUNC" and sym["st_value"]:
                    symbols.append((sym["st_value"] & ~1, sym["st_size"], sym.name))
                elif sym.name[:2] in ("$a", "$d", "$t") and sym["st_shndx"] != "SHN_UNDEF":
                    mapping.append((sym["st_value"], sym.name[:2]))
    return Program(header["e_entry"], phdr or 0, header["e_phnum"], header["e_phentsize"],
                   tuple(segments), tuple(sorted(symbols)), hashlib.sha1(data).digest(),
                   tuple(sorted(mapping)), exidx)
