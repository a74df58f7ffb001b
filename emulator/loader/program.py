"""User programs: static ARM EABI ELF executables, as the board's shell would exec them."""

import functools
import struct
from dataclasses import dataclass, field

from ..errors import LoaderError
from .cache import default_cache, span, unspan
from .elf import open_arm_elf, section_data

PF_X, PF_W, PF_R = 1, 2, 4
USER_TOP = 0xBF000000     # TASK_SIZE: user space ends where the module area starts


@dataclass(frozen=True)
class Segment:
    """A loadable segment (PT_LOAD): where it goes, its bytes, its permissions."""
    vaddr: int
    memsz: int
    data: bytes
    flags: int


#: Elf32_Sym: st_name, st_value, st_size, st_info, st_other, st_shndx.
ELF32_SYM = struct.Struct("<IIIBBH")
STT_FUNC = 2
MAPPING = (b"$a", b"$d", b"$t")


def read_symtab(symtab, strtab):
    """(functions [(addr, size, name)], mapping symbols [(addr, "$a"|"$d"|"$t")]), sorted,
    from the raw bytes of .symtab and its string table: a direct reader, ~20x faster than
    pyelftools' per-symbol parsing (testled_app has 4,130 symbols)."""
    functions, mapping = [], []
    find = strtab.find
    for name, value, size, info, _, shndx in ELF32_SYM.iter_unpack(symtab):
        if info & 0xF == STT_FUNC:
            if value:
                end = find(b"\0", name)
                functions.append((value & ~1, size, strtab[name:end].decode("utf-8", "replace")))
        elif strtab[name:name + 2] in MAPPING and shndx:
            mapping.append((value, strtab[name:name + 2].decode()))
    return tuple(sorted(functions)), tuple(sorted(mapping))


@dataclass(frozen=True)
class Program:
    """A parsed static ARM executable: its entry, program headers and segments."""
    entry: int
    phdr: int             # address of the program headers in memory (AT_PHDR)
    phnum: int
    phent: int
    segments: tuple
    digest: bytes = b""  # identifies the image (the page cache shares its read-only pages)
    exidx: tuple = ()     # (addr, size) of .ARM.exidx, the unwind table
    #: The raw .symtab and its string table, read into symbols only when first needed (a
    #: trace, an oops, the debugger): running a program does not need them.
    symtab: tuple = field(default=(b"", b""), repr=False, compare=False)

    @functools.cached_property
    def _symbols(self):
        return read_symtab(*self.symtab)

    @property
    def symbols(self):
        """[(addr, size, name)] functions, for symbolization."""
        return self._symbols[0]

    @property
    def mapping(self):
        """ARM mapping symbols (addr, "$a"|"$d"|"$t") for disassembly."""
        return self._symbols[1]


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

    The cache holds at most 8 images (a program's symbols are ~0.7 MB of Python objects);
    cache.py keeps what pyelftools read across processes (issue 15 (a)).
    """
    cache = default_cache()
    key = cache.key("program", data)
    fields = cache.get(key)
    if fields is None:
        fields = _parse_elf(data, label)
        cache.put(key, fields)
    entry, phdr, phnum, phent, segments, digest, exidx, symtab = fields
    return Program(entry, phdr, phnum, phent,
                   tuple(Segment(vaddr, memsz, unspan(data, body), flags)
                         for vaddr, memsz, body, flags in segments),
                   digest, exidx, tuple(unspan(data, ref) for ref in symtab))


def _parse_elf(data, label):
    """Program's fields as plain data (Segment's as tuples, bytes as cache.span()), read
    with pyelftools."""
    import hashlib
    from elftools.elf.sections import SymbolTableSection
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
        segments.append((seg["p_vaddr"], seg["p_memsz"], span(data, seg["p_offset"], body),
                         seg["p_flags"]))
        if phdr is None and seg["p_offset"] <= header["e_phoff"] < seg["p_offset"] + seg["p_filesz"]:
            phdr = seg["p_vaddr"] + header["e_phoff"] - seg["p_offset"]
    if not segments:
        raise LoaderError(f"{label}: no loadable segments")
    symtab, exidx = (b"", b""), ()
    for sec in elf.iter_sections():
        if sec.name == ".ARM.exidx":
            exidx = ((sec["sh_addr"], sec["sh_size"]),)
        if isinstance(sec, SymbolTableSection) and sec.name == ".symtab":
            if not 0 < sec["sh_link"] < elf.num_sections():
                raise LoaderError(f"{label}: .symtab links to no string table")
            strtab = elf.get_section(sec["sh_link"])
            symtab = (span(data, sec["sh_offset"], section_data(sec, label)),
                      span(data, strtab["sh_offset"], section_data(strtab, label)))
    return (header["e_entry"], phdr or 0, header["e_phnum"], header["e_phentsize"],
            tuple(segments), hashlib.sha1(data).digest(), exidx, symtab)
