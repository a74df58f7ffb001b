"""Copying between kernel and user space (arch/arm/lib/copy_{from,to}_user.S semantics).

Each function returns the number of bytes NOT copied: a fault part-way through copies what
precedes the first inaccessible page, as the real fixup handlers do; __copy_from_user's
fixup also zero-fills the rest of the kernel buffer (3.14's ARM code calls __memzero), so
a driver never sees stale kernel bytes there.
"""

from ..memory.layout import PAGE_SIZE
from .hypercall import export
from .work import UNMETERED

EFAULT_RET = -14 & 0xFFFFFFFF


class Uaccess:
    def __init__(self, vm, work=UNMETERED):
        """work: the WorkMeter bulk copies are charged to (work.py)."""
        self._vm, self._work = vm, work

    def _user_span(self, va, n, write):
        """How many bytes from va are accessible from user mode (stops at the first bad page)."""
        ok = 0
        while ok < n:
            if not self._vm.is_mapped(va + ok, 1, user=True, write=write):
                break
            ok += min(n - ok, PAGE_SIZE - ((va + ok) & (PAGE_SIZE - 1)))
        return ok

    # In chunks (n is the guest's number), charged and checked when bulk (work.py).
    @export("__copy_from_user")
    def copy_from_user(self, to, frm, n):
        ok = self._user_span(frm, n, write=False)
        for off, step in self._work.chunks(ok, "copy", "copy_from_user"):
            self._vm.write(to + off, self._vm.read(frm + off, step, user=True))
        for off, step in self._work.chunks(n - ok, "fill", "copy_from_user"):
            self._vm.write(to + ok + off, bytes(step))       # the fixup's zero fill
        return n - ok

    @export("__copy_to_user")
    def copy_to_user(self, to, frm, n):
        ok = self._user_span(to, n, write=True)
        for off, step in self._work.chunks(ok, "copy", "copy_to_user"):
            self._vm.write(to + off, self._vm.read(frm + off, step), user=True)
        return n - ok

    @export("__clear_user")
    def clear_user(self, addr, n):
        ok = self._user_span(addr, n, write=True)
        for off, step in self._work.chunks(ok, "fill", "clear_user"):
            self._vm.write(addr + off, bytes(step), user=True)
        return n - ok

    # -- get_user/put_user (arch/arm/lib/getuser.S, putuser.S) -------------------------------
    # Their own convention: r0 the user address, r1 the address limit (kept), the value in
    # r2 (r2:r3 for 8 bytes); r0 returns 0 or -EFAULT (then r2 is 0).
    def _user_ok(self, addr, size, limit, write):
        end = addr + size - 1
        return end <= limit and end <= 0xFFFFFFFF and \
            self._user_span(addr, size, write) == size

    def _get(self, addr, limit, size):
        if not self._user_ok(addr, size, limit, write=False):
            return (EFAULT_RET, limit, 0)
        return (0, limit, int.from_bytes(self._vm.read(addr, size, user=True), "little"))

    def _put(self, addr, limit, value, size):
        if not self._user_ok(addr, size, limit, write=True):
            return EFAULT_RET
        self._vm.write(addr, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"),
                       user=True)
        return 0

    @export("__get_user_1")
    def get_user_1(self, addr, limit):
        return self._get(addr, limit, 1)

    @export("__get_user_2")
    def get_user_2(self, addr, limit):
        return self._get(addr, limit, 2)

    @export("__get_user_4")
    def get_user_4(self, addr, limit):
        return self._get(addr, limit, 4)

    @export("__put_user_1")
    def put_user_1(self, addr, limit, value, _r3):
        return self._put(addr, limit, value, 1)

    @export("__put_user_2")
    def put_user_2(self, addr, limit, value, _r3):
        return self._put(addr, limit, value, 2)

    @export("__put_user_4")
    def put_user_4(self, addr, limit, value, _r3):
        return self._put(addr, limit, value, 4)

    @export("__put_user_8")
    def put_user_8(self, addr, limit, lo, hi):
        return self._put(addr, limit, lo | (hi << 32), 8)
