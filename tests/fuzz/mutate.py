"""Hypothesis strategies for corrupt ELF files: edits aimed at the fields loaders trust
(ELF header, program and section headers, symbol and relocation tables) plus truncation."""

import struct

from hypothesis import strategies as st

INTERESTING = [0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
               0xFFFFFFF0, 0x1000, 0x60000000]


def regions(data):
    """[(start, end)] of the headers and tables in an ELF32 file."""
    out = [(0, 52)]
    phoff, shoff = struct.unpack_from("<II", data, 28)
    phnum, shentsize, shnum = struct.unpack_from("<HHH", data, 44)
    if phnum:
        out.append((phoff, phoff + 32 * phnum))
    if shnum:
        out.append((shoff, shoff + 40 * shnum))
        for i in range(shnum):
            kind, _, _, offset, size = struct.unpack_from("<IIIII", data, shoff + 40 * i + 4)
            if kind in (2, 9) and size:                 # SYMTAB, REL
                out.append((offset, offset + min(size, 4096)))
    return [(a, min(b, len(data))) for a, b in out if a < len(data)]


def corrupt(data):
    """A strategy for corrupted copies of data."""
    spans = regions(data)
    offset = st.one_of(st.sampled_from(spans).flatmap(lambda r: st.integers(r[0], r[1] - 1)),
                       st.integers(0, len(data) - 1))
    word = st.one_of(st.sampled_from(INTERESTING), st.integers(0, 0xFFFFFFFF))
    edit = st.tuples(offset, st.sampled_from([1, 2, 4]), word)
    truncate = st.one_of(st.none(), st.integers(0, len(data)))

    @st.composite
    def build(draw):
        out = bytearray(data)
        for pos, width, value in draw(st.lists(edit, min_size=1, max_size=6)):
            value &= (1 << (8 * width)) - 1
            out[pos:pos + width] = value.to_bytes(width, "little")[:len(out) - pos]
        cut = draw(truncate)
        return bytes(out if cut is None else out[:cut])
    return build()
