"""Open files of a process: the console, regular files, and the chrdev bridge to a driver.

A method returns an int (bytes or -errno) or is a generator yielding GuestCall to run the
driver's file_operations in guest code (see entry.py). The chrdev bridge builds a real
`struct inode` / `struct file` in guest memory, as chrdev_open and do_dentry_open do.
"""

from .abi import CDEV, FILE, FILE_OPERATIONS, INODE
from .entry import GuestCall, TailCall, signed
from .errno import EBADF, EINVAL, ENOTTY, ENXIO
from .tty import Tty

O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR = 3, 0, 1, 2
FMODE_READ, FMODE_WRITE = 1, 2
FASYNC = 0o20000


class File:
    """Behaviour shared by every open file: what a file without the operation returns."""

    users = 1          # references: the fd, and each mapping of the file (get_file/fput)
    ops = {}           # file_operations by name (chrdev files)
    file_va = 0        # the guest struct file, if any
    mmap_direct = None  # mmap run by the kernel itself (/dev/mem): callable(vma va) -> 0/-errno
    kernel_poll = None  # poll of a kernel-side file (evdev): callable(task) -> mask
    owner = 0          # fcntl F_SETOWN: the pid (or -pgid) SIGIO goes to (kernel/fs/fasync.py)
    signum = 0         # fcntl F_SETSIG: 0 is plain SIGIO

    def read(self, vm, buf, count):
        return -EINVAL

    def write(self, vm, buf, count):
        return -EINVAL

    def ioctl(self, vm, cmd, arg):
        return -ENOTTY

    def release(self):
        return 0


class ConsoleFile(File):
    """stdin/stdout/stderr: the board's serial console (no input; output to the host)."""

    def __init__(self, sink, tty=None):
        self._sink = sink
        self.tty = tty or Tty()        # termios, window size, foreground group (kernel/tty.py)
        self.f_flags = O_RDWR

    def write(self, vm, buf, count):
        self._sink(vm.read(buf, count, user=True))
        return count

    def write_kernel(self, data):
        """Output the kernel writes itself (sendfile to the console)."""
        self._sink(data)

    def read(self, vm, buf, count):
        ldisc = self.tty.ldisc
        if ldisc is None:
            return 0                      # no input: end of file
        return ldisc.read(vm, buf, count, bool(self.f_flags & 0o4000))      # O_NONBLOCK

    def poll_mask(self):
        ldisc = self.tty.ldisc
        return ldisc.poll_mask() if ldisc is not None else 0x145    # IN|OUT|RDNORM|WRNORM

    @property
    def poll_queue(self):
        return self.tty.ldisc.wait if self.tty.ldisc is not None else _NO_WAIT

    def ioctl(self, vm, cmd, arg):
        return self.tty.ioctl(vm, cmd, arg, self.tty.current())


class _NoWait:
    """The wait queue of a file that is always ready."""
    @staticmethod
    def add(task):
        pass

    @staticmethod
    def remove(task):
        pass


_NO_WAIT = _NoWait()


class BufferFile(File):
    """A regular or /proc file read from a snapshot of its contents."""

    def __init__(self, data, writable_node=None):
        self.data, self.pos, self._node = data, 0, writable_node

    def read(self, vm, buf, count):
        chunk = self.data[self.pos:self.pos + count]
        vm.write(buf, chunk, user=True)
        self.pos += len(chunk)
        return len(chunk)

    def write(self, vm, buf, count):
        if self._node is None:
            return -EBADF
        data = vm.read(buf, count, user=True)
        self._node.data[self.pos:self.pos + count] = data
        self.pos += count
        return count


class ChrdevFile(File):
    """An open character device: every operation runs the driver's file_operations."""

    def __init__(self, file_va, inode_va, fops, vm, free, put_module):
        self.file_va, self.inode_va = file_va, inode_va
        self._vm = vm
        self._free, self._put_module = free, put_module
        ops = vm.read(fops, FILE_OPERATIONS.size) if fops else bytes(FILE_OPERATIONS.size)
        self.ops = {name: int.from_bytes(ops[off:off + 4], "little")
                    for name, off in FILE_OPERATIONS.offsets.items()}

    @property
    def f_flags(self):
        """The guest struct file's f_flags: what the driver tests (O_NONBLOCK, FASYNC)."""
        return self._vm.read_u32(self.file_va + FILE["f_flags"])

    @f_flags.setter
    def f_flags(self, value):
        self._vm.write_u32(self.file_va + FILE["f_flags"], value)

    def read(self, vm, buf, count):
        fn = self.ops["read"]
        return TailCall(fn, (self.file_va, buf, count, self.file_va + FILE["f_pos"]), True) \
            if fn else -EINVAL

    def write(self, vm, buf, count):
        fn = self.ops["write"]
        return TailCall(fn, (self.file_va, buf, count, self.file_va + FILE["f_pos"]), True) \
            if fn else -EINVAL

    def ioctl(self, vm, cmd, arg):
        fn = self.ops["unlocked_ioctl"]
        return TailCall(fn, (self.file_va, cmd, arg), True) if fn else -ENOTTY

    def release(self):
        fn = self.ops["release"]
        ret = 0
        if self.f_flags & FASYNC and self.ops["fasync"]:     # __fput: off the fasync list
            yield GuestCall(self.ops["fasync"], (0xFFFFFFFF, self.file_va, 0))
        if fn:
            ret = yield GuestCall(fn, (self.inode_va, self.file_va))
        self._free(self.file_va)
        self._put_module()
        return signed(ret)


def fput(file):
    """Drop one reference (an fd or a mapping); the last one releases the file."""
    file.users -= 1
    return file.release() if file.users == 0 else 0


def chrdev_open(node, flags, vm, chrdev, kmalloc, module_get):
    """chrdev_open + do_dentry_open: a ChrdevFile, or -errno (generator: runs fops->open)."""
    cdev = chrdev.lookup(node.rdev)
    if cdev is None:
        return -ENXIO
    if not node.inode_va:
        node.inode_va = kmalloc.alloc(INODE.size, zero=True)
        vm.write(node.inode_va + INODE["i_mode"], (node.mode & 0xFFFF).to_bytes(2, "little"))
        vm.write_u32(node.inode_va + INODE["i_rdev"], node.rdev)
        vm.write_u32(node.inode_va + INODE["i_nlink"], 1)
    inode = node.inode_va
    vm.write_u32(inode + INODE["i_cdev"], cdev)
    fops = vm.read_u32(cdev + CDEV["ops"])
    put_module = module_get(vm.read_u32(fops + FILE_OPERATIONS["owner"]) if fops else 0)
    file_va = kmalloc.alloc(FILE.size, zero=True)
    chrdev.open_paths[file_va] = node.path                  # f_path, for d_path

    def free(va):
        chrdev.open_paths.pop(va, None)
        kmalloc.free(va)
    acc = flags & O_ACCMODE
    mode = {O_RDONLY: FMODE_READ, O_WRONLY: FMODE_WRITE, O_RDWR: FMODE_READ | FMODE_WRITE}.get(acc, 0)
    for name, value in (("f_inode", inode), ("f_op", fops), ("f_count", 1), ("f_flags", flags),
                        ("f_mode", mode), ("private_data", chrdev.open_private.get(cdev, 0))):
        vm.write_u32(file_va + FILE[name], value)
    open_fn = vm.read_u32(fops + FILE_OPERATIONS["open"]) if fops else 0
    if open_fn:
        ret = signed((yield GuestCall(open_fn, (inode, file_va))))
        if ret < 0:
            free(file_va)
            put_module()
            return ret
    # The driver may replace file->f_op in its open (as misc devices do): use what it left.
    return ChrdevFile(file_va, inode, vm.read_u32(file_va + FILE["f_op"]), vm, free, put_module)
