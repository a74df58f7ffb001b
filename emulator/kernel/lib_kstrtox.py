"""lib/kstrtox.c and the simple_strto* of lib/vsprintf.c: strings to integers, as 3.14 does.

kstrto*: the whole string (one trailing newline allowed) must be a number in range, else
-EINVAL or -ERANGE and *res untouched; base 0 picks 16 for "0x" + hex digit, 8 for a
leading 0, else 10; a leading '+' is accepted, '-' only by the signed ones (3.14 answers
-ERANGE for "-0", as its test does not check). simple_strto*: parse what parses, report
where it stopped, never fail. The *_from_user forms copy at most sign + binary digits +
newline bytes of the user's string first (-EFAULT when that copy faults).
"""

from ..memory.mmu import UserFaultAccess
from .errno import EFAULT, EINVAL, ERANGE
from .hypercall import export

U64 = (1 << 64) - 1
OVERFLOW_GUARD = U64 ^ ((1 << 60) - 1)          # ~0ull << 60
STRING_LIMIT = 4096


def fixup_radix(s, base):
    """_parse_integer_fixup_radix: (the digits, the base)."""
    if base == 0:
        if s[:1] == b"0":
            base = 16 if s[1:2].lower() == b"x" and s[2:3] and s[2:3] in HEXDIGITS else 8
        else:
            base = 10
    if base == 16 and s[:1] == b"0" and s[1:2].lower() == b"x":
        s = s[2:]
    return s, base


HEXDIGITS = set(b"0123456789abcdefABCDEF"[i:i + 1] for i in range(22))


def parse_integer(s, base):
    """_parse_integer: (value mod 2**64, digits consumed, overflowed)."""
    res = consumed = 0
    overflow = False
    for ch in s:
        if 0x30 <= ch <= 0x39:
            val = ch - 0x30
        elif 0x61 <= (ch | 0x20) <= 0x66:
            val = (ch | 0x20) - 0x61 + 10
        else:
            break
        if val >= base:
            break
        if res & OVERFLOW_GUARD and res > (U64 - val) // base:
            overflow = True
        res = (res * base + val) & U64
        consumed += 1
    return res, consumed, overflow


def _kstrtoull(s, base):
    """The value, or a negative errno."""
    s, base = fixup_radix(s, base)
    res, consumed, overflow = parse_integer(s, base)
    if overflow:
        return -ERANGE
    if consumed == 0:
        return -EINVAL
    rest = s[consumed:]
    if rest[:1] == b"\n":
        rest = rest[1:]
    return -EINVAL if rest else res


def kstrtoull(s, base):
    return _kstrtoull(s[1:] if s[:1] == b"+" else s, base)


def _signed64(v):
    return v - (1 << 64) if v >> 63 else v


def kstrtoll(s, base):
    """(ok, value): kstrtoll's result (value is the errno when not ok)."""
    if s[:1] == b"-":
        tmp = _kstrtoull(s[1:], base)
        if tmp < 0:
            return False, tmp
        neg = _signed64(-tmp & U64)
        return (False, -ERANGE) if neg >= 0 else (True, neg)
    tmp = kstrtoull(s, base)
    if tmp < 0:
        return False, tmp
    return (False, -ERANGE) if _signed64(tmp) < 0 else (True, tmp)


def _unsigned(bits):
    def convert(s, base):
        tmp = kstrtoull(s, base)
        if tmp < 0:
            return False, tmp
        return (False, -ERANGE) if tmp >> bits else (True, tmp)
    return convert


def _signed(bits):
    def convert(s, base):
        ok, tmp = kstrtoll(s, base)
        if not ok:
            return False, tmp
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        return (True, tmp) if lo <= tmp <= hi else (False, -ERANGE)
    return convert


#: kernel symbol -> (converter, bytes written to *res).
CONVERTERS = {
    "kstrtoull": (_unsigned(64), 8), "kstrtoll": (kstrtoll, 8),
    "_kstrtoul": (_unsigned(32), 4), "_kstrtol": (_signed(32), 4),
    "kstrtouint": (_unsigned(32), 4), "kstrtoint": (_signed(32), 4),
    "kstrtou16": (_unsigned(16), 2), "kstrtos16": (_signed(16), 2),
    "kstrtou8": (_unsigned(8), 1), "kstrtos8": (_signed(8), 1),
}


class Kstrtox:
    """The exports; vm reads the strings and writes the results (checked when KASAN is on)."""

    def __init__(self, vm):
        self._vm = vm

    def _convert(self, name, s, base, res):
        convert, size = CONVERTERS[name]
        ok, value = convert(self._vm.read_cstr(s, STRING_LIMIT), base)
        if not ok:
            return value & 0xFFFFFFFF
        self._vm.write(res, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        return 0

    def _from_user(self, name, s, count, base, res):
        convert, size = CONVERTERS[name]
        n = min(count, 1 + 8 * size + 1)              # char buf[1 + bits + 1 + 1]
        try:
            data = self._vm.read(s, n, user=True)
        except UserFaultAccess:
            return -EFAULT & 0xFFFFFFFF
        ok, value = convert(data.split(b"\0")[0], base)
        if not ok:
            return value & 0xFFFFFFFF
        self._vm.write(res, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        return 0

    @export("kstrtoull")
    def kstrtoull(self, s, base, res):
        return self._convert("kstrtoull", s, base, res)

    @export("kstrtoll")
    def kstrtoll(self, s, base, res):
        return self._convert("kstrtoll", s, base, res)

    @export("_kstrtoul")
    def kstrtoul(self, s, base, res):
        return self._convert("_kstrtoul", s, base, res)

    @export("_kstrtol")
    def kstrtol(self, s, base, res):
        return self._convert("_kstrtol", s, base, res)

    @export("kstrtouint")
    def kstrtouint(self, s, base, res):
        return self._convert("kstrtouint", s, base, res)

    @export("kstrtoint")
    def kstrtoint(self, s, base, res):
        return self._convert("kstrtoint", s, base, res)

    @export("kstrtou16")
    def kstrtou16(self, s, base, res):
        return self._convert("kstrtou16", s, base, res)

    @export("kstrtos16")
    def kstrtos16(self, s, base, res):
        return self._convert("kstrtos16", s, base, res)

    @export("kstrtou8")
    def kstrtou8(self, s, base, res):
        return self._convert("kstrtou8", s, base, res)

    @export("kstrtos8")
    def kstrtos8(self, s, base, res):
        return self._convert("kstrtos8", s, base, res)

    @export("kstrtoull_from_user")
    def kstrtoull_from_user(self, s, count, base, res):
        return self._from_user("kstrtoull", s, count, base, res)

    @export("kstrtoll_from_user")
    def kstrtoll_from_user(self, s, count, base, res):
        return self._from_user("kstrtoll", s, count, base, res)

    @export("kstrtoul_from_user")
    def kstrtoul_from_user(self, s, count, base, res):
        return self._from_user("_kstrtoul", s, count, base, res)

    @export("kstrtol_from_user")
    def kstrtol_from_user(self, s, count, base, res):
        return self._from_user("_kstrtol", s, count, base, res)

    @export("kstrtouint_from_user")
    def kstrtouint_from_user(self, s, count, base, res):
        return self._from_user("kstrtouint", s, count, base, res)

    @export("kstrtoint_from_user")
    def kstrtoint_from_user(self, s, count, base, res):
        return self._from_user("kstrtoint", s, count, base, res)

    # -- simple_strto* (lib/vsprintf.c) ----------------------------------------------------
    def _simple(self, cp, endp, base):
        """(value mod 2**64, the address after the digits); *endp set when endp is given."""
        s = self._vm.read_cstr(cp, STRING_LIMIT)
        digits, base = fixup_radix(s, base)
        value, consumed, _ = parse_integer(digits, base)
        end = cp + (len(s) - len(digits)) + consumed
        if endp:
            self._vm.write_u32(endp, end)
        return value

    @export("simple_strtoull")
    def simple_strtoull(self, cp, endp, base):
        value = self._simple(cp, endp, base)
        return value & 0xFFFFFFFF, value >> 32

    @export("simple_strtoul")
    def simple_strtoul(self, cp, endp, base):
        return self._simple(cp, endp, base) & 0xFFFFFFFF

    @export("simple_strtol")
    def simple_strtol(self, cp, endp, base):
        if self._vm.read(cp, 1) == b"-":
            return -self._simple(cp + 1, endp, base) & 0xFFFFFFFF
        return self._simple(cp, endp, base) & 0xFFFFFFFF

    @export("simple_strtoll")
    def simple_strtoll(self, cp, endp, base):
        if self._vm.read(cp, 1) == b"-":
            value = -self._simple(cp + 1, endp, base) & U64
        else:
            value = self._simple(cp, endp, base)
        return value & 0xFFFFFFFF, value >> 32
