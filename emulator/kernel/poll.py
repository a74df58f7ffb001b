"""poll(2) and select(2) over the drivers' f_op->poll (Linux fs/select.c, 3.14).

Each round calls every file's ->poll with a real poll_table in guest memory whose _qproc is
the kernel's __pollwait: poll_wait() in the driver queues a wait entry (func
default_wake_function, private the polling task) on the driver's wait queue. After the first
round the table's _qproc is cleared, as do_poll does. With no event and time left the task
sleeps (TASK_INTERRUPTIBLE) until a wake-up, the timeout or a signal; a wake-up that comes
while the round runs is not lost (the task's ``triggered`` flag, like pollwake's). The wait
entries are unlinked and their page freed when the call ends. Files without ->poll (the
console, regular files) are always ready (DEFAULT_POLLMASK).
"""

import struct

from ..memory.mmu import GuestFaultAccess
from .abi import WAIT_QUEUE
from .entry import GuestCall, Sleep
from .errno import EBADF, EFAULT, EINTR, EINVAL
from .hypercall import export
from .syscalls import syscall

POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND = 0x40, 0x80, 0x100, 0x200
DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM
POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR
POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR
POLLEX_SET = POLLPRI
MAX_FDS = 1024
ENTRY_SIZE = WAIT_QUEUE.size
PAGE = 4096


class _PollContext:
    __slots__ = ("page_pa", "page_va", "pt", "entries", "queues")

    def __init__(self, page_pa, page_va):
        self.page_pa, self.page_va = page_pa, page_va
        self.pt = page_va                  # struct poll_table_struct {_qproc, _key}
        self.entries = []                  # (wait queue head, entry va)
        self.queues = []                   # the kernel's own files' wait queues (WaitList)


class Poller:
    def __init__(self, vm, clock, sched, wait, alloc_page, free_page, address_of):
        """wait: kernel.sched.wait.WaitQueues (list helpers); alloc_page() -> (pa, va)."""
        self._vm, self._clock, self._sched, self._wait = vm, clock, sched, wait
        self._alloc, self._free, self._address = alloc_page, free_page, address_of
        self._contexts = {}                # task -> _PollContext of its poll in progress

    # -- the poll_table's queueing function ----------------------------------------------------
    @export("__pollwait")
    def pollwait(self, filp, wait_address, pt):
        ctx = self._contexts.get(self._sched.current)
        if ctx is None or len(ctx.entries) >= (PAGE - 16) // ENTRY_SIZE:
            return None
        entry = ctx.page_va + 16 + ENTRY_SIZE * len(ctx.entries)
        task = self._sched.current
        self._vm.write(entry, struct.pack("<III", 0, task.ts_va,
                                          self._address("default_wake_function")))
        link = entry + WAIT_QUEUE["task_list"]
        self._vm.write(link, struct.pack("<II", link, link))
        self._wait.add_wait_queue(wait_address, entry)
        ctx.entries.append((wait_address, entry))
        return None

    # -- the shared loop ---------------------------------------------------------------------------
    def do_poll(self, files, wanted, end_ns):
        """Generator: rounds of ->poll until an event, the end time or a signal. wanted:
        [(fd, events)]; returns ([revents], interrupted)."""
        task = self._sched.current
        ctx = self._begin(task)
        try:
            first = True
            while True:
                task.triggered = False
                revents = []
                for fd, events in wanted:
                    mask = 0
                    if fd >= 0:
                        file = files.get(fd)
                        if file is None:
                            mask = POLLNVAL
                        else:
                            mask = yield from self._file_poll(file, ctx.pt if ctx else 0,
                                                              ctx if first else None)
                            mask &= events | POLLERR | POLLHUP
                    revents.append(mask)
                if first and ctx is not None:
                    self._vm.write_u32(ctx.pt, 0)          # later rounds do not queue again
                    first = False
                if any(revents):
                    return revents, False
                if task is not None and task.pending_signal:
                    return revents, True
                now = self._clock.now_ns()
                if end_ns is not None and now >= end_ns:
                    return revents, False
                if task is None:                            # no task to put to sleep
                    self._clock.sleep_ns(0 if end_ns is None else end_ns - now)
                    return revents, False
                yield Sleep(None if end_ns is None else end_ns - now)
        except GeneratorExit:
            # Closed, not finished: the task (or its whole board) is gone, perhaps collected
            # after the emulator was shut down: touch no guest memory.
            self._contexts.pop(task, None)
            ctx = None
            raise
        finally:
            self._end(task, ctx)

    def _file_poll(self, file, pt, ctx=None):
        if file.kernel_poll is not None:       # a file of the kernel's own (evdev)
            return file.kernel_poll(self._sched.current)
        mask_of = getattr(file, "poll_mask", None)     # a pipe, the console tty, /dev/kmsg
        if mask_of is not None:
            if ctx is not None and pt and self._sched.current is not None:
                file.poll_queue.add(self._sched.current)      # poll_wait on its queue
                ctx.queues.append(file.poll_queue)
            return mask_of()
        fn = file.ops.get("poll") if file.ops else 0
        if not fn:
            return DEFAULT_POLLMASK
        mask = yield GuestCall(fn, (file.file_va, pt))
        return mask & 0xFFFF

    def _begin(self, task):
        if task is None:
            return None
        page = self._alloc()
        if page is None:
            return None
        pa, va = page
        ctx = _PollContext(pa, va)
        self._vm.write(va, struct.pack("<II", self._address("__pollwait"), 0xFFFFFFFF))
        self._contexts[task] = ctx
        return ctx

    def _end(self, task, ctx):
        if ctx is None:
            return
        for queue in ctx.queues:
            queue.remove(task)
        for _, entry in ctx.entries:
            if self._vm.read_u32(entry + WAIT_QUEUE["task_list"]) != entry + WAIT_QUEUE["task_list"]:
                self._wait.remove_wait_queue(0, entry)
        self._contexts.pop(task, None)
        self._free(ctx.page_pa)


def _end_time(clock, ns):
    return None if ns is None else clock.now_ns() + max(0, ns)


@syscall(168)
def sys_poll(sys, ufds, nfds, timeout_ms, *_):
    timeout = timeout_ms - (1 << 32) if timeout_ms & 0x80000000 else timeout_ms
    return sys_poll_fds(sys, ufds, nfds, None if timeout < 0 else timeout * 1_000_000)


def sys_poll_fds(sys, ufds, nfds, timeout_ns):
    """poll and ppoll: struct pollfd in and out; timeout_ns None waits for ever."""
    if nfds > MAX_FDS:
        return -EINVAL
    try:
        raw = sys.vm.read(ufds, 8 * nfds, user=True) if nfds else b""
    except GuestFaultAccess:
        return -EFAULT
    fds = [struct.unpack_from("<ihh", raw, 8 * i) for i in range(nfds)]
    end = _end_time(sys.clock, timeout_ns)
    revents, interrupted = yield from sys.poller.do_poll(
        sys.process.files, [(fd, events & 0xFFFF) for fd, events, _ in fds], end)
    if interrupted:
        return -EINTR
    out = b"".join(struct.pack("<ihH", fd, events, rev) for (fd, events, _), rev in zip(fds, revents))
    if out:
        sys.vm.write(ufds, out, user=True)
    return sum(1 for r in revents if r)


@syscall(142)
def sys_newselect(sys, n, inp, outp, exp, tvp, *_):
    """select(2) with a struct timeval, which it updates to the time left."""
    return do_select(sys, n, inp, outp, exp, tvp, "<iI", 1000)


@syscall(335)
def sys_pselect6(sys, n, inp, outp, exp, tsp, sigmask):
    return do_select(sys, n, inp, outp, exp, tsp, "<iI", 1)


@syscall(413)
def sys_pselect6_time64(sys, n, inp, outp, exp, tsp, sigmask):
    return do_select(sys, n, inp, outp, exp, tsp, "<qI4x", 1)


def do_select(sys, n, inp, outp, exp, tp, tfmt, unit_ns):
    """The select family: fd_set bitmaps in, the ready ones out; tp: the timeout (seconds
    and sub-seconds of unit_ns, struct layout tfmt), updated to the time left."""
    if n > MAX_FDS:
        return -EINVAL
    words = (n + 31) // 32
    size = struct.calcsize(tfmt)
    try:
        sets = [_read_set(sys, p, words) for p in (inp, outp, exp)]
        tv = sys.vm.read(tp, size, user=True) if tp else None
    except GuestFaultAccess:
        return -EFAULT
    wanted = []
    for fd in range(n):
        events = ((POLLIN_SET if sets[0] >> fd & 1 else 0) | (POLLOUT_SET if sets[1] >> fd & 1 else 0)
                  | (POLLEX_SET if sets[2] >> fd & 1 else 0))
        if events:
            if fd not in sys.process.files:
                return -EBADF
            wanted.append((fd, events))
    timeout = None
    if tv is not None:
        sec, sub = struct.unpack(tfmt, tv)
        if sec < 0 or sub * unit_ns >= 1_000_000_000:
            return -EINVAL
        timeout = sec * 1_000_000_000 + sub * unit_ns
    end = _end_time(sys.clock, timeout)
    revents, interrupted = yield from sys.poller.do_poll(sys.process.files, wanted, end)
    if interrupted:
        return -EINTR
    result, count = [0, 0, 0], 0
    for (fd, events), rev in zip(wanted, revents):
        for i, bits in enumerate((POLLIN_SET, POLLOUT_SET, POLLEX_SET)):
            if events & bits & rev:
                result[i] |= 1 << fd
                count += 1
    for p, value in zip((inp, outp, exp), result):
        if p:
            sys.vm.write(p, value.to_bytes(4 * words, "little"), user=True)
    if tp:
        left = 0 if end is None else max(0, end - sys.clock.now_ns())
        sys.vm.write(tp, struct.pack(tfmt, left // 1_000_000_000,
                                     left % 1_000_000_000 // unit_ns), user=True)
    return count


def _read_set(sys, ptr, words):
    if not ptr or not words:
        return 0
    return int.from_bytes(sys.vm.read(ptr, 4 * words, user=True), "little")
