"""d_path: the name of an open file's path, as fs/dcache.c builds it (Linux 3.14).

The emulator keeps no guest dentries: an open character device's `struct file` knows its
name on the Python side (Chrdev.open_paths, filled by chrdev_open before fops->open runs, so
an open method may ask). d_path writes the name at the end of the caller's buffer,
NUL-terminated, and returns where it starts, or ERR_PTR(-ENAMETOOLONG) when it does not fit;
any other `struct path` fails loudly as unimplemented.
"""

from ...errors import Unimplemented
from ..abi import FILE
from ..errno import ENAMETOOLONG
from ..hypercall import export


class DPath:
    def __init__(self, vm, chrdev):
        self._vm, self._chrdev = vm, chrdev

    @export()
    def d_path(self, path, buf, buflen):
        """char *d_path(const struct path *path, char *buf, int buflen)."""
        name = self._chrdev.open_paths.get(path - FILE["f_path"])
        if name is None:
            raise Unimplemented(f"d_path of {path:#x}: only the f_path of an open device "
                                "file is known")
        data = name.encode() + b"\0"
        if buflen < len(data):                   # prepend() ran out of room
            return -ENAMETOOLONG & 0xFFFFFFFF
        start = buf + buflen - len(data)
        self._vm.write(start, data)
        return start
