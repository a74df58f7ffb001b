"""The board's file namespace: the root filesystem, device nodes, and /proc.

The root filesystem is a host directory seen read-only (the script's directory or --rootfs);
guest writes land in an in-memory overlay. Every guest path is resolved inside the root: no
`..` or symlink leads out of it. /dev holds the nodes made with mknod; /proc files are
generated on read from the kernel's state.
"""

import os
import posixpath
import stat
from dataclasses import dataclass

from .errno import EACCES, EEXIST, ENOENT, ENOTDIR


@dataclass
class DevNode:
    """A device node (mknod): its path, mode and device number."""
    path: str
    mode: int          # S_IFCHR | permissions
    rdev: int
    inode_va: int = 0  # the guest struct inode, made on first open


@dataclass
class ProcFile:
    """A read-only /proc file whose text render() makes when it is read."""
    path: str
    render: object     # callable() -> str


@dataclass
class HostFile:
    """A file of the root filesystem folder on the host."""
    path: str
    host_path: str


@dataclass
class OverlayFile:
    """A file written on the board, kept in memory over the root filesystem."""
    path: str
    data: bytearray


class Vfs:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.devices = {}        # "/dev/x" -> DevNode
        self.proc = {}           # "/proc/x" -> ProcFile
        self.overlay = {}        # path -> OverlayFile
        self.virtual_dirs = set()   # sysfs / device-tree directories (issue 11)
        self.stores = {}            # path -> store(bytes) -> 0 or -errno (sysfs attributes)
        self.views = {}             # prefix -> view with file(path), listdir(path) (issue 11)
        self.links = {}             # sysfs symlinks the kernel publishes: path -> target
        self.watchers = {}          # path -> gone(): told when the generated file goes

    @staticmethod
    def normalize(path, cwd="/"):
        return posixpath.normpath(posixpath.join(cwd, path)).replace("//", "/")

    def host_path(self, path):
        """The host path of a guest path in the root filesystem, or None if it escapes."""
        full = os.path.realpath(os.path.join(self.root, self.normalize(path).lstrip("/")))
        if full != self.root and not full.startswith(self.root + os.sep):
            return None
        return full

    def add_proc(self, name, render):
        self.proc["/proc/" + name] = ProcFile("/proc/" + name, render)

    # -- sysfs, /proc/device-tree (issue 11): generated files in the proc table ----------------
    def add_virtual(self, path, render, store=None):
        """A generated file at any /sys or /proc path (writable when store is given); its
        parent directories appear."""
        self.proc[path] = ProcFile(path, render)
        if store is not None:
            self.stores[path] = store
        self.add_virtual_dir(posixpath.dirname(path))

    def remove_virtual(self, path):
        self.proc.pop(path, None)
        self.stores.pop(path, None)
        self.links.pop(path, None)
        self._gone(path)

    def watch(self, path, gone):
        """Call gone() when the generated file at path is removed (alone or with its
        directory): sysfs attributes of modules (kernel/base/attrs.py)."""
        self.watchers[path] = gone

    def _gone(self, path):
        gone = self.watchers.pop(path, None)
        if gone is not None:
            gone()

    def add_virtual_link(self, path, target):
        """A symlink in sysfs (/sys/dev/char/MAJ:MIN -> the device's directory); read-only
        for the guest as sysfs is; remove_virtual removes it."""
        self.links[path] = target
        self.add_virtual_dir(posixpath.dirname(path))

    def write_file(self, path, data):
        """A write to a generated file: 0, -EACCES (read-only) or -ENOENT."""
        path = self.normalize(path)
        if path in self.stores:
            return self.stores[path](data)
        return -EACCES if path in self.proc else -ENOENT

    def add_virtual_dir(self, path):
        while path not in ("/", ""):
            self.virtual_dirs.add(path)
            path = posixpath.dirname(path)

    def remove_virtual_dir(self, path):
        for p in [p for p in self.proc if p.startswith(path + "/")]:
            del self.proc[p]
            self.stores.pop(p, None)
            self._gone(p)
        self.virtual_dirs -= {d for d in self.virtual_dirs if d == path or d.startswith(path + "/")}

    def add_view(self, prefix, view):
        """A generated tree at prefix (/proc/device-tree): view.file(rel) -> bytes | None,
        view.listdir(rel) -> names | None, for rel = the path below prefix ("" for it)."""
        self.views[prefix] = view
        self.add_virtual_dir(prefix)

    def viewed(self, path):
        """(view, the path below its prefix) of a path in a generated tree, or (None, None)."""
        for prefix, view in self.views.items():
            if path == prefix or path.startswith(prefix + "/"):
                return view, path[len(prefix) + 1:]
        return None, None

    def _virtual_listing(self, path):
        names = {p[len(path) + 1:].split("/")[0]
                 for p in list(self.proc) + list(self.devices) + list(self.virtual_dirs)
                 + list(self.links)
                 if p.startswith(path + "/")}
        return sorted(names)

    def mknod(self, path, mode, rdev):
        path = self.normalize(path)
        if self.lookup(path) is not None:
            return -EEXIST
        if posixpath.dirname(path) != "/dev":
            return -ENOTDIR
        self.devices[path] = DevNode(path, mode, rdev)
        return 0

    def lookup(self, path):
        """The node at a guest path: DevNode, ProcFile, OverlayFile, HostFile or None."""
        path = self.normalize(path)
        for table in (self.devices, self.proc, self.overlay):
            if path in table:
                return table[path]
        view, rel = self.viewed(path)
        if view is not None:
            data = view.file(rel)
            return None if data is None else ProcFile(path, lambda: data)
        if path.startswith(("/dev/", "/proc/", "/sys/")):
            return None
        host = self.host_path(path)
        if host is None or not os.path.isfile(host):
            return None
        return HostFile(path, host)

    def is_dir(self, path):
        path = self.normalize(path)
        view, rel = self.viewed(path)
        if view is not None:
            return view.listdir(rel) is not None
        if path in ("/", "/dev", "/proc", "/sys") or path in self.virtual_dirs:
            return True
        host = self.host_path(path)
        return host is not None and os.path.isdir(host)

    def listdir(self, path):
        path = self.normalize(path)
        view, rel = self.viewed(path)
        if view is not None:
            return view.listdir(rel)
        virtual = {"/dev": self.devices, "/proc": self.proc}
        if path in virtual or path in self.virtual_dirs or path == "/sys":
            return self._virtual_listing(path)
        host = self.host_path(path)
        if host is None or not os.path.isdir(host):
            return None
        names = set(os.listdir(host))
        names.update(posixpath.basename(p) for p in self.overlay if posixpath.dirname(p) == path)
        if path == "/":
            names.update({"dev", "proc", "sys"})
        return sorted(names)

    def read_file(self, path):
        """Whole contents of a regular or /proc file as bytes, or -errno."""
        node = self.lookup(path)
        if isinstance(node, ProcFile):
            data = node.render()        # text, bytes, or -errno (a sysfs attribute's show)
            return data if isinstance(data, (bytes, int)) else data.encode()
        if isinstance(node, OverlayFile):
            return bytes(node.data)
        if isinstance(node, HostFile):
            with open(node.host_path, "rb") as f:
                return f.read()
        return -ENOENT

    def create(self, path):
        path = self.normalize(path)
        node = OverlayFile(path, bytearray())
        self.overlay[path] = node
        return node


def mode_of(node):
    if isinstance(node, DevNode):
        return node.mode
    return stat.S_IFREG | 0o644
