"""Reading ELF files with pyelftools, turning every malformation into one LoaderError line.

pyelftools is imported by the first file parsed (cache.py spares a run files it has seen).

Before pyelftools sees a file, `check_layout` reads the raw ELF32 headers and checks every
offset, count, size and index they hold against the file (the way the kernel's
elf_header_check / module_sig checks do), so a corrupt file fails here with the field named,
never later with a Python error or a huge allocation.
"""

import io
import os
import struct

from ..errors import LoaderError

EM_ARM = 40
ET_REL, ET_EXEC, ET_DYN = "ET_REL", "ET_EXEC", "ET_DYN"

EHDR = struct.Struct("<16sHHIIIIIHHHHHH")      # Elf32_Ehdr, 52 bytes
SHDR = struct.Struct("<IIIIIIIIII")            # Elf32_Shdr, 40 bytes
PHDR = struct.Struct("<IIIIIIII")              # Elf32_Phdr, 32 bytes
SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL, SHT_DYNSYM = 0, 2, 3, 4, 8, 9, 11
SHN_LORESERVE = 0xFF00
PT_LOAD = 1
#: Entry sizes of the tables the loaders walk: a wrong one would misread every entry.
ENTSIZE = {SHT_SYMTAB: 16, SHT_DYNSYM: 16, SHT_REL: 8, SHT_RELA: 12}


#: Images read before, by (device, inode): a file read again with the same bytes gives back
#: the same bytes object, so the parse caches keyed by an image's bytes find it without
#: hashing it again (half a millisecond a program: issue 15 (d), a script runs the same
#: program many times, and forked clones share what their parent read). The bytes are
#: compared, not trusted to a timestamp: a memcmp costs a tenth of the hash.
_IMAGES = {}
IMAGE_CACHE_MIN = 64 << 10          # smaller files are read and hashed in microseconds
IMAGE_CACHE_ENTRIES = 16


def read_bytes(path, error=LoaderError, label=None):
    """A file's bytes; a missing or unreadable file raises `error` naming label (or path)."""
    label = label or path
    try:
        with open(path, "rb", buffering=0) as f:
            st = os.fstat(f.fileno())
            key = (st.st_dev, st.st_ino)
            known = _IMAGES.get(key)
            if known is not None and len(known) == st.st_size and _same(f, known):
                return known
            f.seek(0)
            data = f.read()
            if len(data) < IMAGE_CACHE_MIN:
                return data
        if known == data:
            return known
        if known is None and len(_IMAGES) >= IMAGE_CACHE_ENTRIES:
            _IMAGES.pop(next(iter(_IMAGES)))
        _IMAGES[key] = data
        return data
    except IsADirectoryError:
        raise error(f"{label}: Is a directory") from None
    except (OSError, ValueError) as e:           # ValueError: a NUL byte in the path
        raise error(f"{label}: {getattr(e, 'strerror', None) or e}") from None


_CHUNK = bytearray(64 << 10)


def _same(f, known):
    """Whether the file's bytes (from its position) are ``known``: compared a chunk at a
    time through one reused buffer (a forked clone would otherwise fault in a fresh copy of
    the whole image for each program start; issue 15 d)."""
    view, at = memoryview(_CHUNK), 0
    while n := f.readinto(_CHUNK):
        if not known.startswith(view[:n], at):
            return False
        at += n
    return at == len(known)


class _Checker:
    def __init__(self, data, label):
        self.size, self.label = len(data), label

    def fail(self, what):
        raise LoaderError(f"{self.label}: corrupt ELF file: {what}")

    def span(self, what, offset, length):
        """[offset, offset+length) must lie inside the file."""
        if offset + length > self.size:
            self.fail(f"{what} {offset:#x}+{length:#x} is past the end of the file "
                      f"({self.size:#x} bytes)")


def check_layout(data, label):
    """Check the ELF32 headers' offsets, sizes and indices against the file; LoaderError if not."""
    c = _Checker(data, label)
    if len(data) < EHDR.size:
        c.fail(f"truncated ELF header ({len(data)} bytes, need {EHDR.size})")
    (_, _, _, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
     shstrndx) = EHDR.unpack_from(data)
    if phnum:
        if phentsize != PHDR.size:
            c.fail(f"e_phentsize {phentsize}, expected {PHDR.size}")
        c.span("program headers at e_phoff", phoff, phnum * PHDR.size)
    if shnum == 0 and shoff:
        c.fail("e_shnum 0 with section headers present (extended numbering is not supported)")
    if not shnum:
        return
    if shentsize != SHDR.size:
        c.fail(f"e_shentsize {shentsize}, expected {SHDR.size}")
    c.span("section headers at e_shoff", shoff, shnum * SHDR.size)
    if shstrndx >= shnum:
        c.fail(f"e_shstrndx {shstrndx} out of range ({shnum} sections)")
    headers = [SHDR.unpack_from(data, shoff + i * SHDR.size) for i in range(shnum)]
    strtab_size = headers[shstrndx][5] if shstrndx else 0
    if shstrndx and headers[shstrndx][1] == SHT_NOBITS:
        c.fail(f"e_shstrndx {shstrndx} is not a string table")
    for i, (name, kind, _, _, offset, size, link, info, align, entsize) in enumerate(headers):
        if kind == SHT_NULL:
            continue
        if shstrndx and name >= strtab_size:
            c.fail(f"section {i}: sh_name {name:#x} outside the section name table")
        if kind != SHT_NOBITS:
            c.span(f"section {i}: sh_offset+sh_size", offset, size)
        if align & (align - 1):
            c.fail(f"section {i}: sh_addralign {align} is not a power of two")
        if kind in ENTSIZE:
            if entsize != ENTSIZE[kind]:
                c.fail(f"section {i}: sh_entsize {entsize}, expected {ENTSIZE[kind]}")
            if size % entsize:
                c.fail(f"section {i}: sh_size {size:#x} is not a multiple of sh_entsize")
            if link >= shnum:
                c.fail(f"section {i}: sh_link {link} out of range ({shnum} sections)")
            wanted = SHT_STRTAB if kind in (SHT_SYMTAB, SHT_DYNSYM) else SHT_SYMTAB
            if headers[link][1] != wanted and not (wanted == SHT_SYMTAB
                                                    and headers[link][1] == SHT_DYNSYM):
                c.fail(f"section {i}: sh_link {link} is not a "
                       f"{'string' if wanted == SHT_STRTAB else 'symbol'} table")
        if kind in (SHT_REL, SHT_RELA) and info >= shnum:
            c.fail(f"section {i}: sh_info {info} out of range ({shnum} sections)")
    for i in range(phnum):
        kind, offset, vaddr, _, filesz, memsz, _, _ = PHDR.unpack_from(data, phoff + i * PHDR.size)
        if kind != PT_LOAD:
            continue
        c.span(f"segment {i}: p_offset+p_filesz", offset, filesz)
        if filesz > memsz:
            c.fail(f"segment {i}: p_filesz {filesz:#x} larger than p_memsz {memsz:#x}")
        if vaddr + memsz > 1 << 32:
            c.fail(f"segment {i}: p_vaddr+p_memsz {vaddr:#x}+{memsz:#x} wraps around")


def open_arm_elf(data, label, want_type):
    """Parse data as a little-endian ELF32 ARM file of type want_type ('ET_REL'/'ET_EXEC')."""
    if data[:4] != b"\x7fELF":
        raise LoaderError(f"{label}: not an ELF file")
    if len(data) < 6 or data[4] != 1 or data[5] != 1:
        raise LoaderError(f"{label}: not a 32-bit little-endian ELF (the Cortex-A9 runs ARM EABI)")
    check_layout(data, label)
    from elftools.common.exceptions import ELFError   # pyelftools: only for a file cache.py
    from elftools.elf.elffile import ELFFile          # has not seen (~25 ms to import)
    try:
        elf = ELFFile(io.BytesIO(data))
        header = elf.header
        if header["e_machine"] not in ("EM_ARM", EM_ARM):
            raise LoaderError(f"{label}: ELF for {header['e_machine']}, not ARM")
        if header["e_type"] != want_type:
            kind = {"ET_REL": "a relocatable module (.ko)", "ET_EXEC": "an executable"}[want_type]
            raise LoaderError(f"{label}: ELF type {header['e_type']}, expected {kind}")
        # Touch every section header now so truncation is reported here, not later.
        list(elf.iter_sections())
        return elf
    except ELFError as e:
        raise LoaderError(f"{label}: corrupt ELF file ({e})") from None
    except (ValueError, KeyError, IndexError, OSError, struct.error, UnicodeDecodeError) as e:
        raise LoaderError(f"{label}: corrupt ELF file ({type(e).__name__}: {e})") from None


def section_data(section, label):
    from elftools.common.exceptions import ELFError
    try:
        return section.data()
    except (ELFError, ValueError, OSError, struct.error) as e:
        raise LoaderError(f"{label}: corrupt section {section.name} ({e})") from None


def symbols_of(section, label):
    """[(name, st_shndx, st_value, st_size, type)] of a checked symbol table section.

    A name offset outside the string table or a section index past the section headers is a
    corrupt file (LoaderError naming the symbol and field).
    """
    from elftools.common.exceptions import ELFError
    strtab = section.stringtable
    names = section_data(strtab, label)
    nsections = section.elffile.num_sections()
    out = []
    try:
        for i, sym in enumerate(section.iter_symbols()):
            if sym["st_name"] >= max(len(names), 1):
                raise LoaderError(f"{label}: corrupt ELF file: symbol {i}: st_name "
                                  f"{sym['st_name']:#x} outside the string table")
            shndx = sym["st_shndx"]
            if isinstance(shndx, int) and shndx >= nsections:
                raise LoaderError(f"{label}: corrupt ELF file: symbol {i} ({sym.name}): "
                                  f"st_shndx {shndx} out of range ({nsections} sections)")
            out.append((sym.name, shndx, sym["st_value"], sym["st_size"], sym["st_info"]["type"]))
    except (ELFError, ValueError, KeyError, struct.error, UnicodeDecodeError) as e:
        raise LoaderError(f"{label}: corrupt symbol table {section.name} ({e})") from None
    return out
