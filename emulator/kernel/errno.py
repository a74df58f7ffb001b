"""Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h)."""

EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF = 1, 2, 3, 4, 5, 6, 7, 8, 9
ECHILD, EAGAIN, ENOMEM, EACCES, EFAULT, ENOTBLK, EBUSY, EEXIST = 10, 11, 12, 13, 14, 15, 16, 17
EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY = 18, 19, 20, 21, 22, 23, 24, 25
ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE, EDOM, ERANGE = 26, 27, 28, 29, 30, 31, 32, 33, 34
ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP = 36, 38, 39, 40
ENODATA, EOVERFLOW, EILSEQ, ESHUTDOWN, EPROBE_DEFER = 61, 75, 84, 108, 517   # issue 11
ETIME = 62
EBADMSG, EOPNOTSUPP, ETIMEDOUT, ECONNREFUSED, EREMOTEIO = 74, 95, 110, 111, 121   # issue 13
# Kernel-internal: never seen by user space (a syscall restarts or returns -EINTR instead).
ERESTARTSYS = 512

NAMES = {v: k for k, v in globals().items() if k.startswith("E") and isinstance(v, int)}
