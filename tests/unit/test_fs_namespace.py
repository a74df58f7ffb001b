"""The board's file namespace (kernel/fs/namespace.py): path walks, the overlay, mounts, pipes."""

import os

import pytest

from emulator.kernel.errno import EBUSY, EEXIST, ELOOP, ENOENT, ENOTDIR, ENOTEMPTY
from emulator.kernel.fs.namespace import Directory, RootFs, Symlink
from emulator.kernel.fs.pipe import Pipe, PipeEnd
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.kernel.vfs import HostFile, OverlayFile


@pytest.fixture
def fs(tmp_path):
    (tmp_path / "app").write_text("host bytes")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f").write_text("in sub")
    os.symlink("../../../../etc/hostname", tmp_path / "escape")
    os.symlink("/etc/passwd", tmp_path / "abs")
    return RootFs(str(tmp_path), board_skeleton())


def test_user_folder_lies_over_the_skeleton(fs):
    assert isinstance(fs.resolve("/app")[1], HostFile)
    assert isinstance(fs.resolve("/etc/inittab")[1], HostFile)
    assert fs.resolve("/bin/ls", follow=False)[1].target == "busybox"
    assert fs.resolve("/usr/bin/env", follow=False)[1].target == "../../bin/busybox"
    real, node, err = fs.resolve("/sbin/insmod")
    assert (real, err) == ("/bin/busybox", 0) and isinstance(node, HostFile)
    assert {"app", "sub", "bin", "etc", "dev", "proc", "sys", "tmp"} <= set(fs.listdir("/"))


def test_host_symlinks_resolve_inside_the_guest_namespace(fs):
    # "../../../../etc/hostname" from / stays at /etc/hostname: a guest path, not the host's.
    assert fs.resolve("/escape") == ("/etc/hostname", None, 0)
    real, node, _ = fs.resolve("/abs")
    assert real == "/etc/passwd" and node.host_path.endswith("firmware/rootfs/etc/passwd")
    assert fs.read_file("/abs").startswith(b"root:x:0:0:")


def test_walk_errors(fs):
    assert fs.resolve("/app/x")[2] == -ENOTDIR
    assert fs.resolve("/nope/x")[2] == -ENOENT
    assert fs.resolve("/nope") == ("/nope", None, 0)          # the last name may be created
    assert fs.resolve("/../../app")[0] == "/app"
    fs.symlink("/loop2", "/loop1")
    fs.symlink("/loop1", "/loop2")
    assert fs.resolve("/loop1")[2] == -ELOOP
    assert fs.resolve("sub/f", cwd="/")[0] == "/sub/f"
    assert fs.resolve("f", cwd="/sub")[0] == "/sub/f"


def test_unlink_whiteouts_a_host_file_and_create_brings_it_back(fs, tmp_path):
    assert fs.unlink("/app") == 0
    assert fs.resolve("/app")[1] is None and "app" not in fs.listdir("/")
    assert (tmp_path / "app").read_text() == "host bytes"
    node = fs.create("/app")
    node.data += b"guest"
    assert fs.read_file("/app") == b"guest"
    assert (tmp_path / "app").read_text() == "host bytes"


def test_mkdir_rename_rmdir(fs):
    assert fs.mkdir("/tmp/d", 0o755) == 0
    assert fs.mkdir("/tmp/d", 0o755) == -EEXIST
    assert fs.mkdir("/tmp/x/y", 0o755) == -ENOENT
    fs.create("/tmp/d/file").data += b"1"
    assert fs.rmdir("/tmp/d") == -ENOTEMPTY
    assert fs.rename("/tmp/d", "/tmp/e") == 0
    assert fs.read_file("/tmp/e/file") == b"1" and fs.resolve("/tmp/d")[1] is None
    assert fs.rename("/sub", "/moved") == 0                   # a host directory: copied up
    assert fs.read_file("/moved/f") == b"in sub" and fs.resolve("/sub")[1] is None
    assert fs.rename("/", "/x") == -EBUSY
    assert fs.unlink("/tmp/e/file") == 0 and fs.rmdir("/tmp/e") == 0


def test_hard_link_shares_the_data(fs):
    assert fs.link("/app", "/tmp/app2") == 0                  # host file copied up first
    a, b = fs.resolve("/app")[1], fs.resolve("/tmp/app2")[1]
    assert a is b and isinstance(a, OverlayFile) and a.nlink == 2
    a.data += b"!"
    assert fs.read_file("/tmp/app2") == b"host bytes!"
    assert fs.stat("/app", a).ino == fs.stat("/tmp/app2", b).ino


def test_tmpfs_mount_covers_and_umount_uncovers(fs):
    fs.create("/tmp/before")
    assert fs.mount("tmpfs", "/tmp", "tmpfs") == 0
    assert fs.listdir("/tmp") == []
    fs.create("/tmp/during")
    assert fs.proc_mounts().splitlines()[-1] == "tmpfs /tmp tmpfs rw,relatime 0 0"
    assert fs.umount("/tmp") == 0
    assert fs.listdir("/tmp") == ["before"]
    assert fs.mount("x", "/tmp", "nosuchfs") == -19           # ENODEV
    assert fs.umount("/tmp") == -22                           # EINVAL: not a mount point


def test_stat_kinds(fs):
    assert fs.stat("/", Directory("/")).ino == 1
    link = fs.resolve("/bin/sh", follow=False)[1]
    assert isinstance(link, Symlink)
    k = fs.stat("/bin/sh", link)
    assert oct(k.mode) == "0o120777" and k.size == len("busybox")
    assert fs.stat("/bin/busybox", fs.resolve("/bin/busybox")[1]).mode & 0o111


def test_pipe_reader_sleeps_until_written_and_writer_gets_sigpipe(fs):
    from emulator.kernel.entry import Sleep

    class Vm:
        def __init__(self):
            self.mem = {}

        def write(self, addr, data, user=False):
            self.mem[addr] = bytes(data)

        def read(self, addr, n, user=False):
            return self.mem[addr][:n]

    class Task:
        pending_signal = 0
        sleeping_in = ""

    class Sched:
        current = Task()
        woken, signals = [], []

        def wake(self, task, mode):
            self.woken.append(task)

        def send_signal(self, task, signo):
            self.signals.append(signo)

    vm, sched = Vm(), Sched()
    pipe = Pipe(7, sched)
    reader, writer = PipeEnd(pipe, False, 0), PipeEnd(pipe, True, 0)
    vm.write(100, b"hello")
    assert writer.write(vm, 100, 5) == 5
    assert reader.read(vm, 200, 3) == 3 and vm.mem[200] == b"hel"
    assert reader.read(vm, 200, 10) == 2
    sleeping = reader.read(vm, 200, 10)             # empty, a writer left: it sleeps
    assert isinstance(next(sleeping), Sleep) and pipe.wait.tasks == [sched.current]
    vm.write(100, b"!")
    assert writer.write(vm, 100, 1) == 1 and sched.woken == [sched.current]
    with pytest.raises(StopIteration) as done:
        sleeping.send(0)
    assert done.value.value == 1 and vm.mem[200] == b"!" and pipe.wait.tasks == []
    writer.release()
    assert reader.read(vm, 200, 10) == 0         # no writer left: end of file
    reader.release()
    assert PipeEnd(pipe, True, 0).write(vm, 100, 5) == -32     # EPIPE
    assert sched.signals == [13]                                 # and SIGPIPE


def test_dup_fd_and_close_on_exec_for_fork_and_exec():
    from emulator.kernel.files import File
    from emulator.kernel.fs.fcntl import close_on_exec, dup_fd
    from emulator.kernel.process import Process

    released = []

    class Tracked(File):
        def release(self):
            released.append(self)
            return 0
    parent = Process(100, "sh", None)
    a, b = Tracked(), Tracked()
    parent.files.update({0: a, 3: b})
    parent.cloexec.add(3)
    files, cloexec = dup_fd(parent)
    assert files == parent.files and cloexec == {3} and (a.users, b.users) == (2, 2)
    child = Process(101, "sh", None)
    child.files, child.cloexec = files, cloexec
    list(close_on_exec(child))
    assert child.files == {0: a} and child.cloexec == set()
    assert released == [] and b.users == 1            # the parent still holds fd 3
    list(close_on_exec(parent))
    assert released == [b]
