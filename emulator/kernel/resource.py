"""I/O memory and I/O port resources: the two resource trees of kernel/resource.c (3.14).

`iomem_resource` and `ioport_resource` are real `struct resource` objects in guest memory
(modules take their address: `request_mem_region` is `__request_region(&iomem_resource, ...)`);
the tree itself is kept here, and every node's guest struct is rewritten when the tree
changes, so a driver can read `res->start`, `res->name` or walk `->child`. The iomem tree is
seeded with the board's regions (System RAM, each peripheral block) as the platform code
inserts them at boot; those are not busy, so a driver's request nests inside them.
/proc/iomem and /proc/ioports print the trees as r_show() does.
"""

import struct
from dataclasses import dataclass, field

from .abi import RESOURCE
from .errno import EBUSY, EINVAL
from .hypercall import export

IORESOURCE_IO = 0x00000100
IORESOURCE_MEM = 0x00000200
IORESOURCE_BUSY = 0x80000000
IORESOURCE_TYPE_BITS = 0x00001F00
IO_SPACE_LIMIT = 0xFFFFF            # arch/arm/include/asm/io.h
MAX_IORES_LEVEL = 5                 # depth /proc/iomem shows


@dataclass(eq=False)
class Resource:
    """A struct resource in the iomem/ioport trees."""
    start: int
    end: int
    name: str
    flags: int
    va: int = 0                      # the guest struct resource
    name_va: int = 0                 # the guest string it names
    parent: "Resource" = None
    children: list = field(default_factory=list)    # sorted by start

    def contains(self, start, end):
        return self.start <= start and end <= self.end


class ResourceTree:
    """One tree (kernel/resource.c's __request_resource / __release_region logic)."""

    def __init__(self, root, on_change):
        self.root, self._on_change = root, on_change

    def find(self, va):
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.va == va:
                return node
            stack.extend(node.children)
        return None

    @staticmethod
    def _insert(parent, new):
        """__request_resource: None when inserted, else the conflicting resource."""
        if new.end < new.start or new.start < parent.start or new.end > parent.end:
            return parent
        for i, tmp in enumerate(parent.children):
            if tmp.start > new.end:
                break
            if tmp.end < new.start:
                continue
            return tmp
        else:
            i = len(parent.children)
        parent.children.insert(i, new)
        new.parent = parent
        return None

    def request(self, parent, new):
        """__request_region's walk: descend into non-busy conflicts; True when inserted."""
        while True:
            conflict = self._insert(parent, new)
            if conflict is None:
                self._on_change(self)
                return True
            if conflict is parent or conflict.flags & IORESOURCE_BUSY:
                return False
            parent = conflict

    def release_region(self, parent, start, end):
        """__release_region: the busy node exactly [start, end] below parent, removed."""
        nodes = parent.children
        i = 0
        while i < len(nodes):
            res = nodes[i]
            if res.start <= start and res.end >= end:
                if not res.flags & IORESOURCE_BUSY:
                    nodes, i = res.children, 0
                    continue
                if res.start != start or res.end != end:
                    break
                nodes.remove(res)
                res.parent = None
                self._on_change(self)
                return res
            i += 1
        return None

    def lines(self):
        """/proc/iomem text (r_show: 4 hex digits for trees ending below 0x10000)."""
        width = 4 if self.root.end < 0x10000 else 8
        out = []

        def walk(node, depth):
            for child in node.children:
                out.append(f"{'':{depth * 2}}{child.start:0{width}x}-{child.end:0{width}x} : "
                           f"{child.name}")
                if depth + 1 < MAX_IORES_LEVEL:
                    walk(child, depth + 1)
        walk(self.root, 0)
        return out


class Resources:
    """The kernel's resource services and the /proc views of both trees."""

    def __init__(self, vm, kmalloc, ledger, kernel_printk, caller):
        self._vm, self._kmalloc, self._ledger = vm, kmalloc, ledger
        self._printk, self._caller = kernel_printk, caller
        self.iomem = ResourceTree(self._new("PCI mem", 0, 0xFFFFFFFF, IORESOURCE_MEM), self._sync)
        self.ioport = ResourceTree(self._new("PCI IO", 0, IO_SPACE_LIMIT, IORESOURCE_IO),
                                   self._sync)
        self._trees = {self.iomem.root.va: self.iomem, self.ioport.root.va: self.ioport}

    # -- guest mirror ---------------------------------------------------------------------
    def _new(self, name, start, end, flags, name_va=0):
        if not name_va:
            text = name.encode() + b"\0"
            name_va = self._kmalloc.alloc(len(text))
            self._vm.write(name_va, text)
        va = self._kmalloc.alloc(RESOURCE.size, zero=True)
        return Resource(start, end, name, flags, va, name_va)

    def _write(self, node):
        sibling = 0
        if node.parent is not None:
            kids = node.parent.children
            i = kids.index(node)
            sibling = kids[i + 1].va if i + 1 < len(kids) else 0
        fields = {"start": node.start, "end": node.end, "name": node.name_va,
                  "flags": node.flags, "parent": node.parent.va if node.parent else 0,
                  "sibling": sibling, "child": node.children[0].va if node.children else 0}
        data = bytearray(RESOURCE.size)
        for name, value in fields.items():
            struct.pack_into("<I", data, RESOURCE[name], value & 0xFFFFFFFF)
        self._vm.write(node.va, data)

    def _sync(self, tree):
        stack = [tree.root]
        while stack:
            node = stack.pop()
            self._write(node)
            stack.extend(node.children)

    def data_symbols(self):
        """The data objects modules link against: name -> guest address."""
        return {"iomem_resource": self.iomem.root.va, "ioport_resource": self.ioport.root.va}

    # -- boot -----------------------------------------------------------------------------
    def insert(self, tree, name, start, end, flags=0):
        """A boot-time region (insert_resource): not busy; drivers' requests nest inside."""
        node = self._new(name, start, end, tree.root.flags & IORESOURCE_TYPE_BITS | flags)
        if not tree.request(tree.root, node) and not self._nest(tree, node):
            raise ValueError(f"resource {name} {start:#x}-{end:#x} overlaps another")
        return node

    @staticmethod
    def _nest(tree, node):
        parent = tree.root
        while True:
            inner = next((c for c in parent.children if c.contains(node.start, node.end)), None)
            if inner is None:
                return tree.request(parent, node)
            parent = inner

    # -- exports --------------------------------------------------------------------------
    @export("__request_region")
    def request_region(self, parent, start, n, name, flags):
        caller = self._caller()
        tree = self._tree_of(parent)
        if tree is None or n == 0:
            return 0
        root = tree.find(parent)
        text = self._vm.read_cstr(name).decode("utf-8", "replace") if name else "<BAD>"
        node = self._new(text, start, (start + n - 1) & 0xFFFFFFFF,
                         (root.flags & IORESOURCE_TYPE_BITS) | flags | IORESOURCE_BUSY, name)
        if start + n - 1 > 0xFFFFFFFF or not tree.request(root, node):
            self._kmalloc.free(node.va)
            return 0
        kind = "iomem region" if tree is self.iomem else "ioport region"
        self._ledger.acquire(kind, node.va, caller,
                             f"{kind} {start:#x}-{node.end:#x} \"{text}\"")
        return node.va

    @export("__release_region")
    def release_region(self, parent, start, n):
        tree = self._tree_of(parent)
        end = (start + n - 1) & 0xFFFFFFFF
        res = tree.release_region(tree.find(parent), start, end) if tree else None
        if res is None:
            self._printk(4, f"Trying to free nonexistent resource <{start:016x}-{end:016x}>")
            return
        kind = "iomem region" if tree is self.iomem else "ioport region"
        self._ledger.release(kind, res.va)
        self._kmalloc.free(res.va)

    @export("request_resource")
    def request_resource(self, root, new):
        """Insert the caller's own struct resource (start/end/name/flags read from it)."""
        tree = self._tree_of(root)
        if tree is None:
            return -EINVAL & 0xFFFFFFFF
        raw = self._vm.read(new, RESOURCE.size)
        start, end, name_va, flags = (struct.unpack_from("<I", raw, RESOURCE[f])[0]
                                      for f in ("start", "end", "name", "flags"))
        text = self._vm.read_cstr(name_va).decode("utf-8", "replace") if name_va else "<BAD>"
        node = Resource(start, end, text, flags, new, name_va)
        if self.ioport.find(new) or self.iomem.find(new):
            return -EBUSY & 0xFFFFFFFF
        if tree._insert(tree.find(root), node) is not None:
            return -EBUSY & 0xFFFFFFFF
        self._sync(tree)
        return 0

    @export("release_resource")
    def release_resource(self, old):
        for tree in (self.iomem, self.ioport):
            node = tree.find(old)
            if node is not None and node.parent is not None:
                node.parent.children.remove(node)
                node.parent = None
                self._sync(tree)
                self._vm.write(old + RESOURCE["parent"], bytes(12))
                return 0
        return -EINVAL & 0xFFFFFFFF

    def _tree_of(self, parent):
        for tree in (self.iomem, self.ioport):
            if tree.find(parent) is not None:
                return tree
        return None

    # -- /proc ----------------------------------------------------------------------------
    def proc_iomem(self):
        return "".join(line + "\n" for line in self.iomem.lines())

    def proc_ioports(self):
        return "".join(line + "\n" for line in self.ioport.lines())


def seed_iomem(resources, dram_base, dram_size, kernel_end, regions):
    """Boot-time iomem: System RAM (with the kernel image) and the board's peripheral blocks.

    regions: (name, base, size) of each device region, as the platform code inserts them.
    """
    ram = resources.insert(resources.iomem, "System RAM", dram_base, dram_base + dram_size - 1)
    text_end = dram_base + 0x8000 + (kernel_end - dram_base - 0x8000) // 2
    for name, start, end in (("Kernel code", dram_base + 0x8000, text_end - 1),
                             ("Kernel data", text_end, kernel_end - 1)):
        node = resources._new(name, start, end, IORESOURCE_MEM)
        resources.iomem.request(ram, node)
    for name, base, size in sorted(regions, key=lambda r: r[1]):
        resources.insert(resources.iomem, name, base, base + size - 1)
