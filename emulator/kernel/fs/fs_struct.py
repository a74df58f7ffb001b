"""struct fs_struct: a process's current directory and umask (include/linux/fs_struct.h)."""

from dataclasses import dataclass


@dataclass
class FsStruct:
    """struct fs_struct: a process's working directory and umask."""
    cwd: str = "/"
    umask: int = 0o022

    def copy(self):
        """For fork without CLONE_FS: the child starts where the parent is."""
        return FsStruct(self.cwd, self.umask)
