"""The board's whole file tree: layered root filesystem, directories, symlinks, links, mounts.

Layers, top first (an overlay filesystem as the board's NFS/ramdisk root would look):
1. the in-memory overlay: everything the guest creates (files, directories, symlinks, hard
   links, device nodes) and whiteouts for what it removed or renamed away;
2. the user's root filesystem folder on the host (the script's directory or --rootfs),
   read-only;
3. the board skeleton (kernel/fs/skeleton.py): /etc, /bin -> busybox links, /tmp, ...;
plus the virtual filesystems: /dev (devtmpfs and mknod nodes), /proc, /sys.

Paths are resolved component by component in the guest's view (symlinks followed as the
guest sees them, `..` never above /), so no guest path reaches a host file outside the
layers: a host symlink is only ever read as a guest symlink, never followed on the host.
"""

import os
import posixpath
import stat as st
from dataclasses import dataclass

from ..errno import (EBUSY, EEXIST, EINVAL, EISDIR, ELOOP, ENODEV, ENOENT, ENOTDIR, ENOTEMPTY,
                     EPERM, EROFS)
from ..vfs import DevNode, HostFile, OverlayFile, ProcFile, Vfs

MAXSYMLINKS = 40        # include/linux/namei.h
VIRTUAL_ROOTS = ("/dev", "/proc", "/sys")


@dataclass(eq=False)
class Directory:
    """A directory node of the namespace (made on the board, or a virtual one: /proc/PID)."""
    path: str
    mode: int = st.S_IFDIR | 0o755
    mtime: int = 0


@dataclass(eq=False)
class Symlink:
    """A symbolic link node of the namespace (made on the board, or /proc's: self, cwd, fd/N)."""
    path: str
    target: str
    mtime: int = 0


@dataclass
class Mount:
    """One line of /proc/mounts."""
    source: str
    target: str
    fstype: str
    options: str


#: What each filesystem type shows as its mount options, as 3.14 prints them.
FS_OPTIONS = {"rootfs": "rw", "proc": "rw,relatime", "sysfs": "rw,relatime",
              "devtmpfs": "rw,relatime,mode=755", "tmpfs": "rw,relatime", "ramfs": "rw,relatime",
              "devpts": "rw,relatime,mode=600"}


@dataclass
class Kstat:
    """struct kstat: what stat(2) reports."""
    ino: int
    mode: int
    nlink: int = 1
    uid: int = 0
    gid: int = 0
    rdev: int = 0
    size: int = 0
    mtime: int = 0
    dev: int = 0x0b01          # the root: an NFS/ramdisk device number as the board shows
    blksize: int = 4096

    @property
    def blocks(self):
        return (self.size + 511) // 512


class RootFs(Vfs):
    """Vfs with directories, symlinks, hard links, removal and mounts (see module docstring)."""

    def __init__(self, root, skeleton=None, clock=None):
        super().__init__(root)
        self.skeleton = skeleton          # skeleton.Skeleton or None
        self._now = (lambda: clock.now_ns() // 1_000_000_000) if clock else (lambda: 0)
        self.dirs = {}                    # overlay directories: path -> Directory
        self.symlinks = {}                # overlay symlinks: path -> Symlink
        self.whiteouts = set()            # lower-layer paths removed by the guest
        self.proc_dirs = None             # callable(path) -> node or None for /proc/<pid>/...
        self.proc_list = None             # callable(path) -> [names] or None
        self._inos = {}                   # node key -> inode number, given out in order
        self.mounts = [Mount("rootfs", "/", "rootfs", "rw"),
                       Mount("proc", "/proc", "proc", FS_OPTIONS["proc"]),
                       Mount("sysfs", "/sys", "sysfs", FS_OPTIONS["sysfs"]),
                       Mount("devtmpfs", "/dev", "devtmpfs", FS_OPTIONS["devtmpfs"])]
        self._tmpfs_hidden = {}           # tmpfs mount point -> overlay entries it covers

    # -- one path, no symlinks in it ------------------------------------------------------
    def node_at(self, path):
        """The node at a normalized path whose directories are not symlinks, or None."""
        if path == "/":
            return Directory("/")
        for table in (self.devices, self.overlay, self.symlinks, self.dirs):
            if path in table:
                return table[path]
        if path in VIRTUAL_ROOTS or path in getattr(self, "virtual_dirs", ()):
            return Directory(path)
        if self.viewed(path)[0] is not None:     # /proc/device-tree and the like (issue 11)
            node = Vfs.lookup(self, path)
            return node if node is not None else (
                Directory(path, st.S_IFDIR | 0o555) if Vfs.is_dir(self, path) else None)
        if path.startswith("/proc/"):
            if path in self.proc:
                return self.proc[path]
            if any(p.startswith(path + "/") for p in self.proc):
                return Directory(path, st.S_IFDIR | 0o555)
            return self.proc_dirs(path) if self.proc_dirs else None
        if path.startswith(("/dev/", "/sys/")):
            if path in self.links:               # sysfs symlinks (/sys/dev/char/MAJ:MIN)
                return Symlink(path, self.links[path])
            node = Vfs.lookup(self, path)        # nodes other parts of the kernel publish
            if node is not None:
                return node
            return Directory(path) if Vfs.is_dir(self, path) else None
        if path in self.whiteouts or self._under_tmpfs(path):
            return None
        host = self._host_node(path)
        if host is not None:
            return host
        return self.skeleton.node_at(path) if self.skeleton else None

    def _under_tmpfs(self, path):
        return any(path.startswith(p + "/") for p in self._tmpfs_hidden)

    def _host_node(self, path):
        full = os.path.join(self.root, path.lstrip("/"))
        try:
            info = os.lstat(full)
        except OSError:
            return None
        if st.S_ISLNK(info.st_mode):
            return Symlink(path, os.readlink(full))
        if st.S_ISDIR(info.st_mode):
            return Directory(path)
        if st.S_ISREG(info.st_mode):
            return HostFile(path, full)
        return None

    # -- path walk --------------------------------------------------------------------------
    def resolve(self, path, cwd="/", follow=True):
        """(normalized path, node or None, -errno or 0) walking symlinks as the guest sees them.

        A missing last component gives (path, None, 0) so callers can create it; a missing
        directory on the way gives ENOENT, a non-directory ENOTDIR, a loop ELOOP.
        """
        if not path:
            return None, None, -ENOENT
        todo = [c for c in path.split("/") if c] if path.startswith("/") else \
            [c for c in cwd.split("/") if c] + [c for c in path.split("/") if c]
        trailing_slash = path.endswith("/")
        done, links = [], 0
        node = Directory("/")
        while todo:
            name = todo.pop(0)
            if name == ".":
                continue
            if name == "..":
                if done:
                    done.pop()
                continue
            here = "/" + "/".join(done + [name])
            node = self.node_at(here)
            last = not todo
            if node is None:
                return here, None, (0 if last else -ENOENT)
            if isinstance(node, Symlink) and (not last or follow or trailing_slash):
                links += 1
                if links > MAXSYMLINKS:
                    return here, None, -ELOOP
                target = [c for c in node.target.split("/") if c]
                if node.target.startswith("/"):
                    done = []
                todo = target + todo
                continue
            if not last and not isinstance(node, Directory):
                return here, None, -ENOTDIR
            done.append(name)
        final = "/" + "/".join(done)
        node = self.node_at(final) if done else Directory("/")
        if trailing_slash and node is not None and not isinstance(node, Directory):
            return final, None, -ENOTDIR
        return final, node, 0

    # -- the Vfs interface, through the walk ----------------------------------------------
    def lookup(self, path):
        _, node, _ = self.resolve(self.normalize(path))
        return None if isinstance(node, Directory) else node

    def is_dir(self, path):
        _, node, _ = self.resolve(self.normalize(path))
        return isinstance(node, Directory)

    def host_path(self, path):
        """The host file behind a guest path (any layer), or None (not a host file)."""
        path = self.normalize(path)
        if path in VIRTUAL_ROOTS or path.startswith(tuple(r + "/" for r in VIRTUAL_ROOTS)):
            return None
        _, node, _ = self.resolve(path)
        if isinstance(node, HostFile):
            return node.host_path
        return super().host_path(path) if node is None else None

    def listdir(self, path, cwd="/"):
        real, node, err = self.resolve(path, cwd)
        if err or not isinstance(node, Directory):
            return None
        return sorted(self.child_names(real))

    def child_names(self, path):
        prefix = "/" if path == "/" else path + "/"
        names = set()
        for table in (self.devices, self.overlay, self.symlinks, self.dirs):
            names.update(p[len(prefix):].split("/")[0] for p in table if p.startswith(prefix))
        if self.viewed(path)[0] is not None:
            return set(Vfs.listdir(self, path) or ())
        if path == "/proc" or path.startswith("/proc/"):
            names.update(p[len(prefix):].split("/")[0] for p in self.proc if p.startswith(prefix))
            names.update(v[len(prefix):].split("/")[0] for v in self.views if v.startswith(prefix))
            if self.proc_list:
                names.update(self.proc_list(path) or ())
            return names
        if path == "/sys" or path.startswith("/sys/"):
            names.update(Vfs.listdir(self, path) or ())     # what the driver model publishes
            return names
        if path == "/dev" or path.startswith("/dev/"):
            return names
        if path == "/":
            names.update(n.lstrip("/") for n in VIRTUAL_ROOTS)
        if path not in self._tmpfs_hidden and not self._under_tmpfs(path):
            full = os.path.join(self.root, path.lstrip("/"))
            if os.path.isdir(full) and not os.path.islink(full):
                names.update(os.listdir(full))
            if self.skeleton:
                names.update(self.skeleton.names(path))
        return {n for n in names if n and prefix + n not in self.whiteouts}

    def read_file(self, path):
        node = self.lookup(path)
        if isinstance(node, (ProcFile, OverlayFile, HostFile)):
            return contents(node)
        return -ENOENT

    # -- metadata -----------------------------------------------------------------------------
    def ino(self, path, node):
        key = id(node) if isinstance(node, OverlayFile) else path
        if key not in self._inos:
            self._inos[key] = len(self._inos) + 2        # 1 is the root's
        return 1 if path == "/" else self._inos[key]

    def anon_ino(self):
        """A fresh inode number for an object outside the tree (a pipe)."""
        return self.ino(f"anon:{len(self._inos)}", None)

    def stat(self, path, node):
        """Kstat of a resolved node (ownership and times as chown/utimensat left them)."""
        k = self._kstat(path, node)
        k.uid, k.gid = getattr(node, "uid", 0), getattr(node, "gid", 0)
        k.mtime = getattr(node, "mtime", k.mtime)
        return k

    def _kstat(self, path, node):
        ino = self.ino(path, node)
        if isinstance(node, Directory):
            nlink = 2 + sum(1 for n in self.child_names(path) if isinstance(
                self.node_at(posixpath.join(path, n)), Directory))
            return Kstat(ino, node.mode, nlink=nlink, size=0 if path.startswith(
                ("/proc", "/sys")) else 4096 if path != "/dev" else 0)
        if isinstance(node, Symlink):
            return Kstat(ino, st.S_IFLNK | 0o777, size=len(node.target))
        if isinstance(node, DevNode):
            return Kstat(ino, node.mode, rdev=node.rdev, dev=6)
        if isinstance(node, ProcFile):
            return Kstat(ino, getattr(node, "mode", st.S_IFREG | 0o444), dev=3)
        if isinstance(node, OverlayFile):
            return Kstat(ino, getattr(node, "mode", st.S_IFREG | 0o644),
                         nlink=getattr(node, "nlink", 1), size=len(node.data))
        if isinstance(node, HostFile):
            info = os.stat(node.host_path)
            mode = st.S_IFREG | (0o755 if info.st_mode & 0o111 else 0o644)
            return Kstat(ino, mode, size=info.st_size)
        return Kstat(ino, getattr(node, "mode", st.S_IFREG | 0o444), size=0)

    def own(self, path, node):
        """The overlay's own node for path, copied up from a lower layer to change its
        metadata (chmod, chown, utimes); None for the kernel's virtual directories."""
        if isinstance(node, HostFile):
            return self.copy_up(path, node)
        if isinstance(node, Directory) and self.dirs.get(path) is not node:
            if path == "/" or path in VIRTUAL_ROOTS or path.startswith(("/proc/", "/sys/")):
                return None
            node = Directory(path, node.mode, node.mtime)
            self._place(self.dirs, path, node)
        elif isinstance(node, Symlink) and self.symlinks.get(path) is not node:
            if path.startswith("/proc/"):
                return None
            node = Symlink(path, node.target, node.mtime)
            self._place(self.symlinks, path, node)
        return node

    # -- changes (all in the overlay) -----------------------------------------------------
    def parent_ok(self, path):
        parent = self.node_at(posixpath.dirname(path))
        if parent is None:
            return -ENOENT
        return 0 if isinstance(parent, Directory) else -ENOTDIR

    def _writable(self, path):
        return not path.startswith(("/proc/", "/sys/")) and path not in VIRTUAL_ROOTS

    def mount_of(self, path):
        """The mount a path is on: the last-mounted one with the longest matching target."""
        best = self.mounts[0]
        for m in self.mounts:
            if path == m.target or path.startswith(m.target.rstrip("/") + "/"):
                if len(m.target) >= len(best.target):
                    best = m
        return best

    def read_only(self, path):
        """-EROFS when path is on a read-only mount (mount -o ro, remount,ro), else 0."""
        return -EROFS if self.mount_of(path).options.split(",")[0] == "ro" else 0

    def _forget(self, path):
        """Remove path from the overlay tables; whiteout what a lower layer still has."""
        for table in (self.devices, self.overlay, self.symlinks, self.dirs):
            table.pop(path, None)
        if not path.startswith("/dev/") and (self._host_node(path) is not None or (
                self.skeleton and self.skeleton.node_at(path) is not None)):
            self.whiteouts.add(path)

    def _place(self, table, path, node):
        self.whiteouts.discard(path)
        table[path] = node

    def create(self, path, mode=0o644):
        node = OverlayFile(path, bytearray())
        node.mode, node.nlink, node.mtime = st.S_IFREG | (mode & 0o7777), 1, self._now()
        self._place(self.overlay, path, node)
        return node

    def copy_up(self, path, node):
        """A lower-layer file opened for writing: its bytes become an overlay file."""
        data = bytearray(contents(node))
        new = self.create(path, 0o755 if self.stat(path, node).mode & 0o111 else 0o644)
        new.data[:] = data
        return new

    def mkdir(self, path, mode):
        if not self._writable(path) and not path.startswith("/dev/"):
            return -EPERM
        if self.node_at(path) is not None:
            return -EEXIST
        err = self.parent_ok(path) or self.read_only(path)
        if err:
            return err
        self._place(self.dirs, path, Directory(path, st.S_IFDIR | (mode & 0o7777), self._now()))
        return 0

    def mknod(self, path, mode, rdev):
        path = self.normalize(path)
        if self.node_at(path) is not None:
            return -EEXIST
        err = self.parent_ok(path)
        if err:
            return err
        if not self._writable(path) and not path.startswith("/dev/"):
            return -EPERM
        err = self.read_only(path)
        if err:
            return err
        self._place(self.devices, path, DevNode(path, mode, rdev))
        return 0

    def symlink(self, target, path):
        if self.node_at(path) is not None:
            return -EEXIST
        err = self.parent_ok(path)
        if err:
            return err
        if not self._writable(path):
            return -EPERM
        err = self.read_only(path)
        if err:
            return err
        self._place(self.symlinks, path, Symlink(path, target, self._now()))
        return 0

    def link(self, old, new):
        node = self.node_at(old)
        if node is None:
            return -ENOENT
        if isinstance(node, Directory):
            return -EPERM
        if self.node_at(new) is not None:
            return -EEXIST
        err = self.parent_ok(new) or self.read_only(new)
        if err:
            return err
        if isinstance(node, HostFile):
            node = self.copy_up(old, node)
        elif not isinstance(node, OverlayFile):
            return -EPERM
        node.nlink = getattr(node, "nlink", 1) + 1
        self._place(self.overlay, new, node)
        return 0

    def unlink(self, path):
        node = self.node_at(path)
        if node is None:
            return -ENOENT
        if isinstance(node, Directory):
            return -EISDIR
        if not self._writable(path):
            return -EPERM
        err = self.read_only(path)
        if err:
            return err
        if isinstance(node, OverlayFile):
            node.nlink = getattr(node, "nlink", 1) - 1
        self._forget(path)
        return 0

    def rmdir(self, path):
        node = self.node_at(path)
        if node is None:
            return -ENOENT
        if not isinstance(node, Directory):
            return -ENOTDIR
        if path == "/" or not self._writable(path) or self.is_mountpoint(path):
            return -EBUSY
        if self.child_names(path):
            return -ENOTEMPTY
        err = self.read_only(path)
        if err:
            return err
        self._forget(path)
        return 0

    def rename(self, old, new):
        node = self.node_at(old)
        if node is None:
            return -ENOENT
        if not (self._writable(old) and self._writable(new)):
            return -EPERM
        if "/" in (old, new):
            return -EBUSY
        if self.read_only(old) or self.read_only(new):
            return -EROFS
        if old == new:
            return 0
        if new.startswith(old + "/"):
            return -EINVAL
        err = self.parent_ok(new)
        if err:
            return err
        dest = self.node_at(new)
        if dest is not None:
            if isinstance(node, Directory) != isinstance(dest, Directory):
                return -EISDIR if isinstance(dest, Directory) else -ENOTDIR
            if isinstance(dest, Directory) and self.child_names(new):
                return -ENOTEMPTY
            self._forget(new)
        moves = [(old, node)]
        if isinstance(node, Directory):
            moves += [(p, self.node_at(p)) for p in self._subtree(old)]
        for src, item in moves:
            dst = new + src[len(old):]
            if isinstance(item, HostFile):
                item = self.copy_up(src, item)
            self._place(self._table_for(item), dst, _moved(item, dst))
        for src, _ in reversed(moves):
            self._forget(src)
        return 0

    def _subtree(self, path):
        out = []
        for name in sorted(self.child_names(path)):
            child = posixpath.join(path, name)
            out.append(child)
            if isinstance(self.node_at(child), Directory):
                out += self._subtree(child)
        return out

    def _table_for(self, node):
        return {Directory: self.dirs, Symlink: self.symlinks, DevNode: self.devices}.get(
            type(node), self.overlay)

    # -- mounts -------------------------------------------------------------------------------
    def is_mountpoint(self, path):
        return any(m.target == path for m in self.mounts)

    def mount(self, source, target, fstype, read_only=False):
        if fstype not in FS_OPTIONS or fstype == "rootfs":
            return -ENODEV                           # unknown filesystem type
        if not isinstance(self.node_at(target), Directory):
            return -ENOTDIR if self.node_at(target) is not None else -ENOENT
        if fstype in ("tmpfs", "ramfs"):
            prefix = target + "/"
            hidden = {}
            for table in (self.devices, self.overlay, self.symlinks, self.dirs):
                for p in [p for p in table if p.startswith(prefix)]:
                    hidden[p] = (table, table.pop(p))
            self._tmpfs_hidden[target] = hidden
        self.mounts.append(Mount(source, target, fstype, _with_ro(FS_OPTIONS[fstype], read_only)))
        return 0

    def remount(self, target, read_only):
        """MS_REMOUNT: the mount at target becomes read-only or read-write."""
        for m in reversed(self.mounts):
            if m.target == target:
                m.options = _with_ro(m.options, read_only)
                return 0
        return -EINVAL

    def umount(self, target):
        for i in range(len(self.mounts) - 1, 0, -1):
            m = self.mounts[i]
            if m.target == target:
                if any(o.target.startswith(target + "/") for o in self.mounts[i + 1:]):
                    return -EBUSY
                del self.mounts[i]
                hidden = self._tmpfs_hidden.pop(target, None) if m.fstype in (
                    "tmpfs", "ramfs") else None
                if hidden is not None:
                    prefix = target + "/"
                    for table in (self.devices, self.overlay, self.symlinks, self.dirs):
                        for p in [p for p in table if p.startswith(prefix)]:
                            del table[p]
                    for p, (table, node) in hidden.items():
                        table[p] = node
                return 0
        return -EINVAL

    def proc_mounts(self):
        return "".join(f"{m.source} {m.target} {m.fstype} {m.options} 0 0\n" for m in self.mounts)


def _with_ro(options, read_only):
    """Mount options with the first one (rw/ro) set as asked."""
    rest = options.split(",")[1:]
    return ",".join(["ro" if read_only else "rw"] + rest)


def contents(node):
    if isinstance(node, OverlayFile):
        return bytes(node.data)
    if isinstance(node, HostFile):
        with open(node.host_path, "rb") as f:
            return f.read()
    if isinstance(node, ProcFile):
        data = node.render()      # text, bytes (sysfs binary attributes) or -errno (show)
        return data if isinstance(data, (bytes, int)) else data.encode()
    return b""


def _moved(node, path):
    node.path = path
    return node
