"""Copying between kernel and user space (arch/arm/lib/copy_{from,to}_user.S semantics).

Each function returns the number of bytes NOT copied: a fault part-way through copies what
precedes the first inaccessible page, as the real fixup handlers do; __copy_from_user's
fixup also zero-fills the rest of the kernel buffer (3.14's ARM code calls __memzero), so
a driver never sees stale kernel bytes there.
"""

from ..memory.layout import PAGE_SIZE
from .hypercall import export

ZERO_CHUNK = 1 << 16


class Uaccess:
    def __init__(self, vm):
        self._vm = vm

    def _user_span(self, va, n, write):
        """How many bytes from va are accessible from user mode (stops at the first bad page)."""
        ok = 0
        while ok < n:
            if not self._vm.is_mapped(va + ok, 1, user=True, write=write):
                break
            ok += min(n - ok, PAGE_SIZE - ((va + ok) & (PAGE_SIZE - 1)))
        return ok

    @export("__copy_from_user")
    def copy_from_user(self, to, frm, n):
        ok = self._user_span(frm, n, write=False)
        if ok:
            self._vm.write(to, self._vm.read(frm, ok, user=True))
        for pos in range(ok, n, ZERO_CHUNK):             # chunks: n is the guest's number
            self._vm.write(to + pos, bytes(min(ZERO_CHUNK, n - pos)))
        return n - ok

    @export("__copy_to_user")
    def copy_to_user(self, to, frm, n):
        ok = self._user_span(to, n, write=True)
        if ok:
            self._vm.write(to, self._vm.read(frm, ok), user=True)
        return n - ok

    @export("__clear_user")
    def clear_user(self, addr, n):
        ok = self._user_span(addr, n, write=True)
        if ok:
            self._vm.write(addr, bytes(ok), user=True)
        return n - ok
