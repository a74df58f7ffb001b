"""The board's root filesystem skeleton: what the course's `make install` + rootfs steps give.

Read-only data: a host folder of files (/etc/inittab, /etc/init.d/rcS, /etc/passwd, ...),
the directories the board always has, /bin/busybox (the prebuilt binary) and one symlink per
applet listed in busybox.links, relative as busybox's `make install` makes them
(/bin/ls -> busybox, /sbin/insmod -> ../bin/busybox, /usr/bin/env -> ../../bin/busybox).
"""

import os
import posixpath
import stat as st
from pathlib import Path

from ..vfs import HostFile

#: Directories of the course's root filesystem (present even when empty).
SKELETON_DIRS = ("/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/etc", "/etc/init.d",
                 "/lib", "/mnt", "/root", "/tmp", "/var", "/home")
FIRMWARE = Path(__file__).resolve().parents[3] / "firmware"


class Skeleton:
    """A read-only layer: path -> Directory, Symlink or HostFile."""

    def __init__(self, files_dir, busybox, links):
        from .namespace import Directory, Symlink
        self._nodes = {d: Directory(d) for d in SKELETON_DIRS}
        self._nodes["/tmp"] = Directory("/tmp", st.S_IFDIR | 0o1777)
        for top, dirs, files in os.walk(files_dir):
            rel = "/" + os.path.relpath(top, files_dir).replace(os.sep, "/").lstrip("./")
            rel = "/" if rel == "/" else rel.rstrip("/")
            for d in dirs:
                path = posixpath.join(rel, d)
                self._nodes.setdefault(path, Directory(path))
            for f in files:
                path = posixpath.join(rel, f)
                self._nodes[path] = HostFile(path, os.path.join(top, f))
        self._nodes["/bin/busybox"] = HostFile("/bin/busybox", str(busybox))
        for line in Path(links).read_text().split():
            if line == "/bin/busybox" or line in self._nodes:
                continue
            up = "../" * (line.count("/") - 1)
            target = "busybox" if line.startswith("/bin/") else up + "bin/busybox"
            self._nodes[line] = Symlink(line, target)
        self._children = {}
        for path in self._nodes:
            self._children.setdefault(posixpath.dirname(path), set()).add(
                posixpath.basename(path))

    def node_at(self, path):
        return self._nodes.get(path)

    def names(self, path):
        return self._children.get(path, ())


def board_skeleton(firmware=FIRMWARE):
    """The project's skeleton (firmware/rootfs + the prebuilt busybox), or None if absent."""
    busybox = firmware / "prebuilt" / "busybox"
    links = firmware / "busybox" / "busybox.links"
    if not (busybox.is_file() and links.is_file()):
        return None
    return Skeleton(firmware / "rootfs", busybox, links)
