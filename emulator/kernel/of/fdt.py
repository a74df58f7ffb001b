"""Reading the board's device tree: a .dtb through the `fdt` library, a .dts through cpp and
Debian's dtc exactly as the kernel's Makefile builds one (cmd_dtc in scripts/Makefile.lib).

The result is a plain tree of `DtNode`s with raw big-endian property values; the kernel side
(of/base.py) mirrors it into guest memory as `struct device_node`s.
"""

import os
import struct

import fdt

from ...data import data_dir
from ...errors import InputError

#: The SDK's dts folder: fs4412.dts, the SoC .dtsi files and the dt-bindings headers.
DTS_DIR = data_dir("sdk") / "dts"
BOARD_DTB = data_dir("prebuilt") / "fs4412.dtb"
#: Checks dtc gained after 3.14 (its trees predate them): not reported.
DTC_QUIET = ("-W", "no-unit_address_vs_reg", "-W", "no-unit_address_format",
             "-W", "no-interrupt_provider", "-W", "no-avoid_unnecessary_addr_size",
             "-W", "no-simple_bus_reg")


class DtNode:
    """One node: `name` as in the blob ("led@11000c40"), ordered raw properties, children."""

    def __init__(self, name, parent=None):
        self.name, self.parent = name, parent
        self.props = {}            # name -> bytes (big-endian cells, NUL-ended strings)
        self.children = []
        self._cells = {}           # memo of cells(): the tree is not changed once parsed

    @property
    def full_name(self):
        if self.parent is None:
            return "/"
        base = self.parent.full_name
        return (base if base != "/" else "") + "/" + self.name

    @property
    def short_name(self):
        """node->name in Linux: the node name without its unit address."""
        return self.name.split("@", 1)[0] if self.parent is not None else ""

    def cells(self, prop):
        """The property as big-endian 32-bit cells (a new list), or None."""
        if prop not in self._cells:
            raw = self.props.get(prop)
            self._cells[prop] = None if raw is None else \
                struct.unpack(f">{len(raw) // 4}I", raw[:len(raw) // 4 * 4])
        found = self._cells[prop]
        return None if found is None else list(found)

    def strings(self, prop):
        """The property as a list of strings (a new list), or None."""
        key = "$" + prop
        if key not in self._cells:
            raw = self.props.get(prop)
            self._cells[key] = None if raw is None else \
                tuple(s.decode("utf-8", "replace") for s in raw.split(b"\0")[:-1])
        found = self._cells[key]
        return None if found is None else list(found)

    def walk(self):
        """This node and its descendants, in blob order (Linux's allnext order)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self):
        return f"DtNode({self.full_name})"


def _raw(prop):
    """A property's value bytes as the blob holds them (the library decodes them by type)."""
    if isinstance(prop, fdt.PropStrings):
        return b"".join(s.encode() + b"\0" for s in prop.data)
    if isinstance(prop, fdt.PropWords):
        return struct.pack(f">{len(prop.data)}I", *prop.data)
    if isinstance(prop, fdt.PropBytes):
        return bytes(prop.data)
    return b""                     # an empty property (`interrupt-controller;`)


def _convert(node, parent=None):
    out = DtNode(node.name if parent is not None else "", parent)
    for prop in node.props:
        out.props[prop.name] = _raw(prop)
    out.children = [_convert(child, out) for child in node.nodes]
    return out


_PARSED = {}


def parse_dtb(data, label="device tree"):
    """The root DtNode of a flattened device tree blob; InputError if it is not one.
    Parsed once per blob (boards share the tree: the kernel side never changes it, except
    adding the "name" properties 3.14 adds, the same each time)."""
    key = bytes(data)                  # the blob itself (a few KiB): no hash to import
    if key not in _PARSED:
        _PARSED[key] = _parse(data, label)
    return _PARSED[key]


def _parse(data, label):
    if data[:4] != b"\xd0\x0d\xfe\xed":
        raise InputError(f"{label}: not a device tree blob (bad magic)")
    try:
        tree = fdt.parse_dtb(data)
    except Exception as e:              # the library raises bare Exceptions on bad blobs
        raise InputError(f"{label}: invalid device tree blob: {e}") from None
    return _convert(tree.root)


def compile_dts(path):
    """A .dts source to blob bytes: cpp with the SDK's dts folder and headers, then dtc."""
    import shutil            # (imported here: a run with the board's .dtb needs none of them)
    import subprocess
    import tempfile
    for tool in ("cpp", "dtc"):
        if shutil.which(tool) is None:
            raise InputError(f"{path}: compiling a .dts needs `{tool}` "
                             f"(apt-get install {'cpp' if tool == 'cpp' else 'device-tree-compiler'})")
    src = os.path.abspath(path)
    with tempfile.TemporaryDirectory(prefix="emu4412-dt-") as tmp:
        pre, out = os.path.join(tmp, "tree.dts.tmp"), os.path.join(tmp, "tree.dtb")
        cpp = subprocess.run(
            ["cpp", "-nostdinc", "-I", os.path.dirname(src), "-I", str(DTS_DIR),
             "-I", str(DTS_DIR / "include"), "-undef", "-D__DTS__", "-x", "assembler-with-cpp",
             "-o", pre, src], capture_output=True, text=True)
        if cpp.returncode != 0:
            raise InputError(f"{path}: {_first_error(cpp.stderr)}")
        dtc = subprocess.run(["dtc", "-q", *DTC_QUIET, "-I", "dts", "-O", "dtb", "-o", out, pre],
                             capture_output=True, text=True)
        if dtc.returncode != 0:
            raise InputError(f"{path}: dtc: {_first_error(dtc.stderr)}")
        with open(out, "rb") as f:
            return f.read()


def _first_error(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return errors[0] if errors else "failed"


def load(path=None):
    """The tree of a .dtb or .dts file (default: the board's committed fs4412.dtb)."""
    path = str(path) if path is not None else str(BOARD_DTB)
    if path.endswith((".dts", ".dtsi")):
        if not os.path.isfile(path):
            raise InputError(f"{path}: No such file or directory")
        return parse_dtb(compile_dts(path), path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None
    return parse_dtb(data, path)
