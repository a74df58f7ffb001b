"""Struct layouts from a module's DWARF (its -g debug info), read lazily.

Only the top-level structure DIEs of each compilation unit are visited, and only for the
names asked for; members of anonymous structs/unions are flattened into their parent (as C
names them). Used by insmod's ABI guard and to recognise the seed's legacy `nopage`.
"""

import io

_STRIP = ("DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type")
_AGGREGATE = ("DW_TAG_structure_type", "DW_TAG_union_type")


def _strip(die):
    while die is not None and die.tag in _STRIP:
        if "DW_AT_type" not in die.attributes:
            return None
        die = die.get_DIE_from_attribute("DW_AT_type")
    return die


def _members(die, base=0):
    out = {}
    for child in die.iter_children():
        if child.tag != "DW_TAG_member":
            continue
        loc = child.attributes.get("DW_AT_data_member_location")
        off = base + (loc.value if loc is not None and isinstance(loc.value, int) else 0)
        name = child.attributes.get("DW_AT_name")
        if name is None:
            inner = _strip(child.get_DIE_from_attribute("DW_AT_type"))
            if inner is not None and inner.tag in _AGGREGATE:
                out.update(_members(inner, off))
            continue
        out.setdefault(name.value.decode("utf-8", "replace"), off)
    return out


def struct_layouts(data, names):
    """{name: (size, {member: offset})} for the structs in `names` that the module's DWARF
    defines (complete types only); {} without debug info."""
    from elftools.elf.elffile import ELFFile      # (imported when a layout is not cached)
    try:
        elf = ELFFile(io.BytesIO(data))
        if not elf.has_dwarf_info():
            return {}
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=False)
        wanted, found = set(names), {}
        for cu in dwarf.iter_CUs():
            for die in cu.get_top_DIE().iter_children():
                if die.tag not in _AGGREGATE or "DW_AT_byte_size" not in die.attributes:
                    continue
                name = die.attributes.get("DW_AT_name")
                if name is None:
                    continue
                name = name.value.decode("utf-8", "replace")
                if name in wanted and name not in found:
                    found[name] = (die.attributes["DW_AT_byte_size"].value, _members(die))
            if len(found) == len(wanted):
                break
        return found
    except Exception:      # corrupt or unusual debug info: no layouts rather than a crash
        return {}
