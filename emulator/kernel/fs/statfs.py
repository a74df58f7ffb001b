"""statfs64 and fstatfs64 (fs/statfs.c): what df shows for each mounted filesystem.

ARM EABI glibc passes an 88-byte struct size; the kernel's struct statfs64 is 84 bytes
(packed, 4-aligned) and arch/arm's wrapper accepts 88 as 84. rootfs, proc and sysfs report
no blocks (df leaves them out, as on the board); tmpfs and devtmpfs have half of RAM, used
by the bytes of the files they hold.
"""

import re
import struct

from ..errno import EBADF, EINVAL, ENOENT
from ..syscalls import syscall
from ..vfs import OverlayFile
from .namei import AT_FDCWD, lookup_at

STATFS64 = struct.Struct("<IIQQQQQiiIII16x")          # 84 bytes
MAGIC = {"rootfs": 0x858458F6, "ramfs": 0x858458F6, "proc": 0x9FA0, "sysfs": 0x62656572,
         "tmpfs": 0x01021994, "devtmpfs": 0x01021994, "devpts": 0x1CD1}
SIZED = ("tmpfs", "devtmpfs")
PAGE = 4096
NAME_MAX = 255


def _statfs(sc, path, size, buf):
    if size not in (84, 88):
        return -EINVAL
    vfs = sc.vfs
    mount = vfs.mount_of(path)
    blocks = free = files = ffree = 0
    if mount.fstype in SIZED:
        meminfo = vfs.read_file("/proc/meminfo").decode()
        total_kb = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1))
        blocks = total_kb * 1024 // PAGE // 2
        prefix = mount.target.rstrip("/") + "/"
        used = sum((len(n.data) + PAGE - 1) // PAGE for p, n in vfs.overlay.items()
                   if isinstance(n, OverlayFile) and p.startswith(prefix))
        free = blocks - used
        files = total_kb // 8                       # shmem's default nr_inodes: pages/2
        ffree = files - sum(1 for table in (vfs.overlay, vfs.dirs, vfs.symlinks, vfs.devices)
                            for p in table if p.startswith(prefix))
    flags = 0x20 | (1 if vfs.read_only(path) else 0)      # ST_RELATIME, ST_RDONLY
    data = STATFS64.pack(MAGIC.get(mount.fstype, 0), PAGE, blocks, free, free, files, ffree,
                         0, 0, NAME_MAX, PAGE, flags)
    sc.vm.write(buf, data, user=True)
    return 0


@syscall(266)
def sys_statfs64(sc, path_ptr, size, buf, *_):
    real, node, err = lookup_at(sc, AT_FDCWD, path_ptr)
    if err:
        return err
    if node is None:
        return -ENOENT
    return _statfs(sc, real, size, buf)


@syscall(267)
def sys_fstatfs64(sc, fd, size, buf, *_):
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    return _statfs(sc, getattr(file, "path", None) or "/dev/console", size, buf)
