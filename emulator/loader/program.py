"""User programs: static ARM EABI ELF executables, as the board's shell would exec them."""

import functools
import hashlib
from dataclasses import dataclass

from elftools.elf.sections import SymbolTableSection

from ..errors import LoaderError
from .elf import open_arm_elf, symbols_of

PF_X, PF_W, PF_R = 1, 2, 4
USER_TOP = 0xBF000000     # TASK_SIZE: user space ends where the module area starts


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


def load_program(data, label, ram_bytes=None):
    """The program in data; LoaderError (exit 2) naming the field when it cannot run.

    ram_bytes: the board's RAM; segments needing more fail here, before anything is
    allocated (Linux's exec would fail with -ENOMEM after a long reclaim).
    """
    program = _parse(data, label)
    need = sum(seg.memsz for seg in program.segments)
    if ram_bytes is not None and need > ram_bytes:
        raise LoaderError(f"{label}: loadable segments need {need:#x} bytes, more than the "
                          f"board's {ram_bytes >> 20} MiB of RAM")
    return program


@functools.lru_cache(maxsize=8)
def _parse(data, label):
    """Parse once per distinct image: a shell runs the same program many times.

    The cache holds at most 8 images (a program's symbols are ~0.7 MB of Python objects).
    """
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
        if seg["p_vaddr"] + seg["p_memsz"] > USER_TOP:
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
            for name, shndx, value, size, kind in symbols_of(sec, label):
                if kind == "STT_FUNC" and value:
                    symbols.append((value & ~1, size, name))
                elif name[:2] in ("$a", "$d", "$t") and shndx != "SHN_UNDEF":
                    mapping.append((value, name[:2]))
    return Program(header["e_entry"], phdr or 0, header["e_phnum"], header["e_phentsize"],
                   tuple(segments), tuple(sorted(symbols)), hashlib.sha1(data).digest(),
                   tuple(sorted(mapping)), exidx)
