"""The unflattened device tree in guest memory and the OF API (drivers/of/base.c, 3.14).

At boot every node becomes a `struct device_node` (name, type, phandle, full_name, the
property list, parent/child/sibling/allnext links) and every property a `struct property`,
in blob order, as unflatten_device_tree lays them out, so drivers may read the fields
directly. A node without a "name" property gets one, as 3.14 adds it. The services below
work on the Python tree and answer with the guest addresses.
"""

import struct

from .. import errno
from ..abi import DEVICE, DEVICE_NODE, OF_DEVICE_ID, PROPERTY
from ..hypercall import export

INT_MAX = 0x7FFFFFFF


def _neg(err):
    return -err & 0xFFFFFFFF


def _ci(a, b):
    """of_node_cmp / of_compat_cmp on this board: strcasecmp."""
    return a.lower() == b.lower()


#: Packed images by tree (fdt.parse_dtb keeps parsed trees alive), and relocated ones by
#: (tree, base): boards made one after another lay the tree out identically.
_PACKED, _RELOCATED = {}, {}


class OfTree:
    """The device tree as the kernel holds it: DtNode <-> guest device_node.

    The structures are laid out in one block of boot memory (as unflatten_device_tree does
    in one memblock allocation) and written with one copy.
    """

    def __init__(self, root, vm, early):
        self.root, self._vm = root, vm
        self.nodes = list(root.walk())             # allnext order
        self.by_phandle = {}
        for node in self.nodes:
            if "name" not in node.props:
                node.props["name"] = node.short_name.encode() + b"\0"
            phandle = node.cells("phandle") or node.cells("linux,phandle")
            if phandle:
                self.by_phandle[phandle[0]] = node
        image, pointers, where = _PACKED.get(id(root)) or self._pack()
        _PACKED[id(root)] = (image, pointers, where)       # the parsed tree is shared
        base = early.alloc(len(image))
        relocated = _RELOCATED.get((id(root), base))
        if relocated is None:
            relocated = bytearray(image)
            for pos in pointers:                       # offsets -> addresses
                struct.pack_into("<I", relocated, pos,
                                 struct.unpack_from("<I", relocated, pos)[0] + base)
            relocated = _RELOCATED[(id(root), base)] = bytes(relocated)
        vm.write(base, relocated)
        self.va_of = {node: base + off for node, off in where["node"].items()}
        self.node_of = {va: node for node, va in self.va_of.items()}
        self._prop_va = {key: (base + p, base + v if v is not None else 0)
                         for key, (p, v) in where["prop"].items()}
        self._full_name_va = {node: base + off for node, off in where["full_name"].items()}

    def _pack(self):
        """The block's bytes with pointer fields holding offsets, the positions of those
        fields, and where each node, property and full_name string went."""
        image, pointers = bytearray(), []
        where = {"node": {}, "prop": {}, "full_name": {}}

        def put(data, align=4):
            image.extend(bytes(-len(image) % align))
            off = len(image)
            image.extend(data)
            return off

        for node in self.nodes:
            where["node"][node] = put(bytes(DEVICE_NODE.size))
        for index, node in enumerate(self.nodes):
            nva = where["node"][node]
            prop_offs = []
            for name, value in node.props.items():
                poff = put(bytes(PROPERTY.size))
                name_off = put(name.encode() + b"\0", 1)
                value_off = put(value) if value else None
                struct.pack_into("<II", image, poff + PROPERTY["name"], name_off, len(value))
                pointers.append(poff + PROPERTY["name"])
                if value_off is not None:
                    struct.pack_into("<I", image, poff + PROPERTY["value"], value_off)
                    pointers.append(poff + PROPERTY["value"])
                prop_offs.append(poff)
                where["prop"][(node, name)] = (poff, value_off)
            for poff, nxt in zip(prop_offs, prop_offs[1:]):
                struct.pack_into("<I", image, poff + PROPERTY["next"], nxt)
                pointers.append(poff + PROPERTY["next"])
            dtype = node.strings("device_type")
            where["full_name"][node] = put(node.full_name.encode() + b"\0", 1)
            links = {"name": put(node.short_name.encode() + b"\0", 1),
                     "type": put((dtype[0] if dtype else "<NULL>").encode() + b"\0", 1),
                     "full_name": where["full_name"][node],
                     "properties": prop_offs[0] if prop_offs else None,
                     "parent": where["node"].get(node.parent),
                     "child": where["node"][node.children[0]] if node.children else None}
            siblings = node.parent.children if node.parent else [node]
            pos = siblings.index(node)
            links["sibling"] = where["node"][siblings[pos + 1]] if pos + 1 < len(siblings) \
                else None
            links["allnext"] = where["node"][self.nodes[index + 1]] \
                if index + 1 < len(self.nodes) else None
            for field, off in links.items():
                if off is not None:
                    struct.pack_into("<I", image, nva + DEVICE_NODE[field], off)
                    pointers.append(nva + DEVICE_NODE[field])
            struct.pack_into("<I", image, nva + DEVICE_NODE["phandle"],
                             (node.cells("phandle") or [0])[0])
            struct.pack_into("<I", image, nva + DEVICE_NODE["kref"], 1)
        return image, pointers, where

    def full_name_va(self, node):
        """The node's full_name string in guest memory (resources point at it, as in 3.14)."""
        return self._full_name_va[node]

    def string_va(self, node, prop, index):
        """Guest address of the index-th string of a string-list property."""
        parts = node.props[prop].split(b"\0")
        return self._prop_va[(node, prop)][1] + sum(len(p) + 1 for p in parts[:index])

    # -- queries shared with the other OF parts --------------------------------------------
    def node(self, va):
        return self.node_of.get(va)

    def find_path(self, path):
        return next((n for n in self.nodes if n.full_name == path), None)

    def compatible_score(self, node, compat, dtype=None, name=None):
        """__of_device_is_compatible: 0 for no match, higher for better matches."""
        score = 0
        if compat:
            for index, cp in enumerate(node.strings("compatible") or []):
                if _ci(cp, compat):
                    score = INT_MAX // 2 - (index << 2)
                    break
            if not score:
                return 0
        if dtype:
            node_type = node.strings("device_type")
            if not node_type or not _ci(dtype, node_type[0]):
                return 0
            score += 2
        if name:
            if not _ci(name, node.short_name):
                return 0
            score += 1
        return score

    def available(self, node):
        """of_device_is_available: no status, or "okay"/"ok"."""
        status = node.strings("status")
        return not status or status[0] in ("okay", "ok")

    def match_table(self, table_va, node):
        """__of_match_node: the best-scoring of_device_id in the table, or 0."""
        best, best_score, vm = 0, 0, self._vm
        if not table_va or node is None:
            return 0
        entry = table_va
        while True:
            raw = vm.read(entry, OF_DEVICE_ID.size)
            name, dtype, compat = (raw[o:o + n].split(b"\0")[0].decode("utf-8", "replace")
                                   for o, n in ((0, 32), (32, 32), (64, 128)))
            if not (name or dtype or compat):
                return best
            score = self.compatible_score(node, compat, dtype, name)
            if score > best_score:
                best, best_score = entry, score
            entry += OF_DEVICE_ID.size

    def parse_phandle_with_args(self, node, list_name, cells_name, index):
        """(target node, [args]) of entry `index` of a phandle list, or a negative errno."""
        cells = node.cells(list_name)
        if cells is None:
            return -errno.ENOENT
        pos, cur = 0, 0
        while pos < len(cells):
            target = self.by_phandle.get(cells[pos])
            if target is None:
                return -errno.EINVAL
            count = (target.cells(cells_name) or [None])[0]
            if count is None:
                return -errno.EINVAL
            args = cells[pos + 1:pos + 1 + count]
            if len(args) < count:
                return -errno.EINVAL
            if cur == index:
                return target, args
            pos, cur = pos + 1 + count, cur + 1
        return -errno.ENOENT

    def alias_id(self, node, stem):
        aliases = self.find_path("/aliases")
        for name in (aliases.props if aliases else {}):
            target = aliases.strings(name)
            if target and target[0] == node.full_name and name.startswith(stem) \
                    and name[len(stem):].isdigit():
                return int(name[len(stem):])
        return -errno.ENODEV


class OfApi:
    """The exported OF functions (names and error returns of 3.14)."""

    def __init__(self, tree, vm):
        self._tree, self._vm = tree, vm

    def _str(self, va):
        return self._vm.read_cstr(va).decode("utf-8", "replace") if va else None

    def _next_from(self, from_va):
        nodes = self._tree.nodes
        if not from_va:
            return nodes
        node = self._tree.node(from_va)
        return nodes[nodes.index(node) + 1:] if node in nodes else []

    def _va(self, node):
        return self._tree.va_of[node] if node is not None else 0

    # -- finding nodes ---------------------------------------------------------------------
    @export()
    def of_find_node_by_path(self, path):
        return self._va(self._tree.find_path(self._str(path)))

    @export()
    def of_find_node_by_name(self, from_va, name):
        want = self._str(name)
        return self._va(next((n for n in self._next_from(from_va)
                              if want is not None and _ci(n.short_name, want)), None))

    @export()
    def of_find_node_by_type(self, from_va, dtype):
        want = self._str(dtype)
        return self._va(next((n for n in self._next_from(from_va)
                              if (n.strings("device_type") or [None])[0] is not None
                              and _ci(n.strings("device_type")[0], want)), None))

    @export()
    def of_find_compatible_node(self, from_va, dtype, compat):
        t, c = self._str(dtype), self._str(compat)
        return self._va(next((n for n in self._next_from(from_va)
                              if self._tree.compatible_score(n, c, t)), None))

    @export()
    def of_find_node_by_phandle(self, handle):
        return self._va(self._tree.by_phandle.get(handle))

    @export()
    def of_get_parent(self, node):
        n = self._tree.node(node)
        return self._va(n.parent) if n is not None else 0

    @export()
    def of_get_next_parent(self, node):
        return self.of_get_parent(node)

    @export()
    def of_get_next_child(self, node, prev):
        n = self._tree.node(node)
        if n is None:
            return 0
        kids = n.children
        if not prev:
            return self._va(kids[0]) if kids else 0
        p = self._tree.node(prev)
        i = kids.index(p) + 1 if p in kids else len(kids)
        return self._va(kids[i]) if i < len(kids) else 0

    @export()
    def of_get_next_available_child(self, node, prev):
        child = self.of_get_next_child(node, prev)
        while child and not self._tree.available(self._tree.node(child)):
            child = self.of_get_next_child(node, child)
        return child

    @export()
    def of_get_child_by_name(self, node, name):
        n, want = self._tree.node(node), self._str(name)
        return self._va(next((c for c in (n.children if n else []) if _ci(c.short_name, want)),
                             None))

    # -- properties ------------------------------------------------------------------------
    def _prop(self, node, name):
        n = self._tree.node(node)
        key = self._str(name)
        if n is None or key is None or key not in n.props:
            return None, None
        return n, key

    @export()
    def of_find_property(self, node, name, lenp):
        n, key = self._prop(node, name)
        if n is None:
            return 0
        if lenp:
            self._vm.write_u32(lenp, len(n.props[key]))
        return self._tree._prop_va[(n, key)][0]

    @export()
    def of_get_property(self, node, name, lenp):
        n, key = self._prop(node, name)
        if n is None:
            return 0
        if lenp:
            self._vm.write_u32(lenp, len(n.props[key]))
        return self._tree._prop_va[(n, key)][1]

    def _read_array(self, node, name, out, count, size, fmt):
        n, key = self._prop(node, name)
        if n is None:
            return _neg(errno.EINVAL)
        value = n.props[key]
        if not value:
            return _neg(errno.ENODATA)
        if len(value) < count * size:
            return _neg(errno.EOVERFLOW)
        items = struct.unpack(f">{count}{fmt}", value[:count * size])
        self._vm.write(out, struct.pack(f"<{count}{fmt}", *items))
        return 0

    @export()
    def of_property_read_u8_array(self, node, name, out, count):
        return self._read_array(node, name, out, count, 1, "B")

    @export()
    def of_property_read_u16_array(self, node, name, out, count):
        return self._read_array(node, name, out, count, 2, "H")

    @export()
    def of_property_read_u32_array(self, node, name, out, count):
        return self._read_array(node, name, out, count, 4, "I")

    @export()
    def of_property_read_u32_index(self, node, name, index, out):
        n, key = self._prop(node, name)
        if n is None:
            return _neg(errno.EINVAL)
        cells = n.cells(key)
        if not n.props[key]:
            return _neg(errno.ENODATA)
        if index >= len(cells):
            return _neg(errno.EOVERFLOW)
        self._vm.write_u32(out, cells[index])
        return 0

    @export()
    def of_property_read_u64(self, node, name, out):
        n, key = self._prop(node, name)
        if n is None:
            return _neg(errno.EINVAL)
        value = n.props[key]
        if not value:
            return _neg(errno.ENODATA)
        if len(value) < 8:
            return _neg(errno.EOVERFLOW)
        self._vm.write(out, struct.pack("<Q", struct.unpack(">Q", value[:8])[0]))
        return 0

    def _strings(self, node, name):
        n, key = self._prop(node, name)
        if n is None:
            return None, -errno.EINVAL
        value = n.props[key]
        if not value:
            return None, -errno.ENODATA
        if value[-1:] != b"\0":
            return None, -errno.EILSEQ
        return (n, key), 0

    @export()
    def of_property_read_string(self, node, name, out):
        found, err = self._strings(node, name)
        if found is None:
            return _neg(-err)
        self._vm.write_u32(out, self._tree._prop_va[found][1])
        return 0

    @export()
    def of_property_read_string_index(self, node, name, index, out):
        found, err = self._strings(node, name)
        if found is None:
            return _neg(-err)
        value = found[0].props[found[1]]
        parts = value.split(b"\0")[:-1]
        if index >= len(parts):
            return _neg(errno.ENODATA)
        offset = sum(len(p) + 1 for p in parts[:index])
        self._vm.write_u32(out, self._tree._prop_va[found][1] + offset)
        return 0

    @export()
    def of_property_count_strings(self, node, name):
        found, err = self._strings(node, name)
        if found is None:
            return _neg(-err)
        return len(found[0].props[found[1]].split(b"\0")[:-1])

    @export()
    def of_property_match_string(self, node, name, string):
        found, err = self._strings(node, name)
        if found is None:
            return _neg(-err)
        want = self._str(string)
        parts = [p.decode("utf-8", "replace") for p in found[0].props[found[1]].split(b"\0")[:-1]]
        return parts.index(want) if want in parts else _neg(errno.ENODATA)

    @export()
    def of_count_phandle_with_args(self, node, list_name, cells_name):
        n = self._tree.node(node)
        name, cells = self._str(list_name), self._str(cells_name)
        if n is None or name not in n.props:
            return _neg(errno.ENOENT)
        count = 0
        while True:
            found = self._tree.parse_phandle_with_args(n, name, cells, count)
            if isinstance(found, int):
                return count if found == -errno.ENOENT else _neg(-found)
            count += 1

    # -- matching --------------------------------------------------------------------------
    @export()
    def of_device_is_compatible(self, node, compat):
        n = self._tree.node(node)
        return self._tree.compatible_score(n, self._str(compat)) if n is not None else 0

    @export()
    def of_device_is_available(self, node):
        n = self._tree.node(node)
        return int(n is not None and self._tree.available(n))

    @export()
    def of_match_node(self, matches, node):
        return self._tree.match_table(matches, self._tree.node(node))

    @export()
    def of_match_device(self, matches, dev):
        if not matches or not dev:
            return 0
        return self.of_match_node(matches, self._vm.read_u32(dev + DEVICE["of_node"]))

    @export()
    def of_alias_get_id(self, node, stem):
        n = self._tree.node(node)
        return _neg(errno.ENODEV) if n is None else self._tree.alias_id(n, self._str(stem)) & 0xFFFFFFFF

    @export()
    def of_n_addr_cells(self, node):
        return self._cells_up(node, "#address-cells", 1)

    @export()
    def of_n_size_cells(self, node):
        return self._cells_up(node, "#size-cells", 1)

    def _cells_up(self, node, prop, default):
        n = self._tree.node(node)
        n = n.parent if n is not None else None
        while n is not None:
            cells = n.cells(prop)
            if cells:
                return cells[0]
            n = n.parent
        return default
