"""The ARM EABI run-time helpers the kernel exports (arch/arm/lib/lib1funcs.S, lib/*div*).

Division by zero behaves like Linux: __div0 prints "Division by zero in kernel." and the
helper returns 0.
"""

from .hypercall import export

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1


def _s32(x):
    return x - (1 << 32) if x & 0x80000000 else x


def _s64(x):
    return x - (1 << 64) if x & (1 << 63) else x


def _tdiv(a, b):
    """C division: truncates toward zero; remainder takes the dividend's sign."""
    q = abs(a) // abs(b)
    q = q if (a >= 0) == (b >= 0) else -q
    return q, a - q * b


class Aeabi:
    def __init__(self, kernel_printk):
        self._printk = kernel_printk

    def _div0(self):
        self._printk(4, "Division by zero in kernel.")

    @export("__aeabi_uidiv")
    def uidiv(self, a, b):
        if b == 0:
            self._div0()
            return 0
        return a // b

    @export("__aeabi_uidivmod")
    def uidivmod(self, a, b):
        if b == 0:
            self._div0()
            return (0, 0)
        return (a // b, a % b)

    @export("__aeabi_idiv")
    def idiv(self, a, b):
        if b == 0:
            self._div0()
            return 0
        return _tdiv(_s32(a), _s32(b))[0] & M32

    @export("__aeabi_idivmod")
    def idivmod(self, a, b):
        if b == 0:
            self._div0()
            return (0, 0)
        q, r = _tdiv(_s32(a), _s32(b))
        return (q & M32, r & M32)

    @export("__aeabi_uldivmod")
    def uldivmod(self, al, ah, bl, bh):
        a, b = al | ah << 32, bl | bh << 32
        if b == 0:
            self._div0()
            return (0, 0, 0, 0)
        q, r = a // b, a % b
        return (q & M32, q >> 32, r & M32, r >> 32)

    @export("__aeabi_ldivmod")
    def ldivmod(self, al, ah, bl, bh):
        a, b = _s64(al | ah << 32), _s64(bl | bh << 32)
        if b == 0:
            self._div0()
            return (0, 0, 0, 0)
        q, r = _tdiv(a, b)
        q, r = q & M64, r & M64
        return (q & M32, q >> 32, r & M32, r >> 32)

    @export("__aeabi_llsl")
    def llsl(self, lo, hi, n):
        v = ((lo | hi << 32) << (n & 0xFF)) & M64
        return (v & M32, v >> 32)

    @export("__aeabi_llsr")
    def llsr(self, lo, hi, n):
        v = (lo | hi << 32) >> (n & 0xFF)
        return (v & M32, v >> 32)

    @export("__aeabi_lasr")
    def lasr(self, lo, hi, n):
        v = (_s64(lo | hi << 32) >> (n & 0xFF)) & M64
        return (v & M32, v >> 32)


class UnwindPersonality:
    """__aeabi_unwind_cpp_pr0/1/2: referenced by modules built with unwind tables.

    Linux (arch/arm/kernel/unwind.c) exports them as empty functions so such modules link;
    the kernel's own unwinder reads .ARM.exidx and never calls them. Same here.
    """

    @export("__aeabi_unwind_cpp_pr0")
    def pr0(self):
        return None

    @export("__aeabi_unwind_cpp_pr1")
    def pr1(self):
        return None

    @export("__aeabi_unwind_cpp_pr2")
    def pr2(self):
        return None
