"""Reading ELF files with pyelftools, turning every malformation into one LoaderError line."""

import io

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from ..errors import LoaderError

EM_ARM = 40
ET_REL, ET_EXEC, ET_DYN = "ET_REL", "ET_EXEC", "ET_DYN"


def read_bytes(path, error=LoaderError, label=None):
    """A file's bytes; a missing or unreadable file raises `error` naming label (or path)."""
    label = label or path
    try:
        with open(path, "rb") as f:
            return f.read()
    except IsADirectoryError:
        raise error(f"{label}: Is a directory") from None
    except OSError as e:
        raise error(f"{label}: {e.strerror}") from None


def open_arm_elf(data, label, want_type):
    """Parse data as a little-endian ELF32 ARM file of type want_type ('ET_REL'/'ET_EXEC')."""
    if data[:4] != b"\x7fELF":
        raise LoaderError(f"{label}: not an ELF file")
    try:
        elf = ELFFile(io.BytesIO(data))
        header = elf.header
        if elf.elfclass != 32 or not elf.little_endian:
            raise LoaderError(f"{label}: not a 32-bit little-endian ELF (the Cortex-A9 runs ARM EABI)")
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
    except (ValueError, KeyError, IndexError, OSError) as e:
        raise LoaderError(f"{label}: corrupt ELF file ({type(e).__name__}: {e})") from None


def section_data(section, label):
    try:
        return section.data()
    except (ELFError, ValueError, OSError) as e:
        raise LoaderError(f"{label}: corrupt section {section.name} ({e})") from None
