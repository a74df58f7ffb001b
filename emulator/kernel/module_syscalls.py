"""init_module, finit_module and delete_module (kernel/module.c): busybox's insmod and rmmod
reach the same loader as the console's commands, with the module's init and exit run as
guest code inside the system call (on the calling process's kernel stack)."""

from ..errors import CommandFailed, LoaderError
from .entry import GuestCall, signed
from .errno import EBADF, EFAULT, EINVAL, ENOEXEC
from .syscalls import syscall

MODULE_INIT_IGNORE_MODVERSIONS, MODULE_INIT_IGNORE_VERMAGIC = 1, 2
MODULE_NAME_LEN = 60          # 64 - sizeof(unsigned long)


def _no_params(sc, uargs):
    """Module parameters are not passed to modules yet: refuse them loudly (0 or -EINVAL)."""
    args = sc.vm.read_cstr(uargs, user=True).decode("utf-8", "replace").strip() if uargs else ""
    if args:
        sc.printk(3, f"emu4412: module parameters are not supported yet: '{args}'")
        return -EINVAL
    return 0


def load_and_init(sc, data, label):
    """load_module + do_init_module: a generator returning 0 or -errno."""
    modules = sc.modules
    try:
        module = modules.load(data, label)
    except CommandFailed as e:
        return -getattr(e, "errno", ENOEXEC)
    except LoaderError:
        return -ENOEXEC                  # not a valid ARM relocatable ELF
    if module.init:
        ret = signed((yield GuestCall(module.init, ())))
        try:
            modules.finish_init(module, ret, label)
        except CommandFailed as e:
            return -e.errno
    return 0


@syscall(128)
def sys_init_module(sc, umod, length, uargs, *_):
    if length == 0:
        return -ENOEXEC
    err = _no_params(sc, uargs)
    if err:
        return err
    data = sc.vm.read(umod, length, user=True)
    return load_and_init(sc, data, "module")


@syscall(379)
def sys_finit_module(sc, fd, uargs, flags, *_):
    if flags & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC):
        return -EINVAL
    file = sc.process.files.get(fd)
    if file is None:
        return -EBADF
    err = _no_params(sc, uargs)
    if err:
        return err
    data = getattr(file, "data", None)
    if data is None or getattr(file, "f_flags", 0) & 3 == 1:
        return -EBADF                    # not a readable regular file
    data = bytes(file._node.data) if getattr(file, "_node", None) is not None else bytes(data)
    return load_and_init(sc, data, getattr(file, "path", "module"))


@syscall(129)
def sys_delete_module(sc, name_ptr, flags, *_):
    raw = sc.vm.read_cstr(name_ptr, limit=MODULE_NAME_LEN + 1, user=True)
    if len(raw) > MODULE_NAME_LEN:
        return -EFAULT
    modules = sc.modules
    try:
        module = modules.check_unload(raw.decode("utf-8", "replace"))
    except CommandFailed as e:
        return -e.errno
    return _unload(sc, module)


def _unload(sc, module):
    if module.exit:
        yield GuestCall(module.exit, ())
    leaks = sc.modules.finish_unload(module)
    for held in leaks:
        sc.printk(4, f"leak: {held.owner}: {held.kind} {held.what} (acquired at {held.site}) "
                     f"not released at rmmod")
    return 0
