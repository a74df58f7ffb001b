"""lib/string.c and lib/vsprintf.c exports: the string helpers a module imports.

They run in Python over guest memory with the C semantics (memset returns its destination,
strcmp compares unsigned bytes, snprintf returns the length it would have written, ...).
"""

from .hypercall import VarArgs, export
from .printf import vsnprintf_bytes
from .work import UNMETERED


class StringLib:
    def __init__(self, vm, symbolize, work=UNMETERED):
        """work: the WorkMeter bulk memset/memcpy/memcmp are charged to (work.py)."""
        self._vm, self._symbolize, self._work = vm, symbolize, work
        # The memory checker's view reports a whole bad range once, up front; the plain
        # view checks nothing.
        self._check = getattr(vm, "check_range", lambda va, n, is_write: None)

    # -- memory ---------------------------------------------------------------------------
    # In chunks, so a huge size (memmove(p, q, -2)) faults where Linux's would (an oops)
    # instead of building gigabytes on the host first; bulk work costs virtual time and
    # stops at the run's limits (work.py).
    @export()
    def memset(self, s, c, n):
        self._check(s, n, True)
        for off, step in self._work.chunks(n, "fill", "memset"):
            self._vm.write(s + off, bytes([c & 0xFF]) * step)
        return s

    @export()
    def memcpy(self, dest, src, n):
        self._check(src, n, False)
        self._check(dest, n, True)
        pieces = self._work.chunks(n, "copy", "memcpy")
        if src < dest < src + n:               # overlapping, dest above: copy backwards
            pieces = reversed(list(pieces))    # (charged up front: a list of at most 4096)
        for off, step in pieces:
            self._vm.write(dest + off, self._vm.read(src + off, step))
        return dest

    @export()
    def memmove(self, dest, src, n):
        return self.memcpy(dest, src, n)      # chunks are read before written: overlap-safe

    @export()
    def memcmp(self, a, b, n):
        """The first differing bytes' difference (lib/string.c), 0 when equal."""
        for off, step in self._work.chunks(n, "scan", "memcmp"):
            x, y = self._vm.read(a + off, step), self._vm.read(b + off, step)
            if x != y:
                cx, cy = next((cx, cy) for cx, cy in zip(x, y) if cx != cy)
                return (cx - cy) & 0xFFFFFFFF
        return 0

    # -- strings --------------------------------------------------------------------------
    @export()
    def strlen(self, s):
        return len(self._vm.read_cstr(s, limit=1 << 20))

    @export()
    def strnlen(self, s, count):
        return len(self._vm.read_cstr(s, limit=count))

    @export()
    def strcpy(self, dest, src):
        self._vm.write(dest, self._vm.read_cstr(src, limit=1 << 20) + b"\0")
        return dest

    @export()
    def strncpy(self, dest, src, count):
        data = self._vm.read_cstr(src, limit=count)
        self._vm.write(dest, data + bytes(count - len(data)))    # pads with NULs like C
        return dest

    @export()
    def strcat(self, dest, src):
        end = dest + self.strlen(dest)
        self.strcpy(end, src)
        return dest

    @export()
    def strcmp(self, a, b):
        return self._compare(self._vm.read_cstr(a, 1 << 20), self._vm.read_cstr(b, 1 << 20))

    @export()
    def strncmp(self, a, b, count):
        return self._compare(self._vm.read_cstr(a, count), self._vm.read_cstr(b, count))

    @staticmethod
    def _compare(x, y):
        """3.14's strcmp/strncmp answer: -1 or +1 at the first difference (unsigned), else 0."""
        for cx, cy in zip(x + b"\0", y + b"\0"):
            if cx != cy:
                return 1 if cx > cy else 0xFFFFFFFF
        return 0

    @export()
    def strchr(self, s, c):
        data = self._vm.read_cstr(s, 1 << 20)
        c &= 0xFF
        if c == 0:
            return s + len(data)
        i = data.find(bytes([c]))
        return 0 if i < 0 else s + i

    # -- formatted output -------------------------------------------------------------------
    def _format(self, fmt, args):
        # bytes as they are (a %c of 0xe9 is one byte, not a UTF-8 replacement character)
        return vsnprintf_bytes(self._vm.read_cstr(fmt), args, self._vm.read_cstr,
                               symbolize=self._symbolize, read_bytes=self._vm.read)

    def _store(self, buf, size, text):
        if size:
            out = text[:size - 1]
            self._vm.write(buf, out + b"\0")
            return len(out)
        return 0

    @export("sprintf", varargs=True)
    def sprintf(self, buf, fmt, args):
        text = self._format(fmt, args)
        self._vm.write(buf, text + b"\0")
        return len(text)

    @export("snprintf", varargs=True)
    def snprintf(self, buf, size, fmt, args):
        text = self._format(fmt, args)
        self._store(buf, size, text)
        return len(text)

    @export("scnprintf", varargs=True)
    def scnprintf(self, buf, size, fmt, args):
        return self._store(buf, size, self._format(fmt, args))

    @export()
    def vsnprintf(self, buf, size, fmt, ap):
        # ARM EABI va_list is a pointer to the next stacked argument.
        args = VarArgs((0, 0, 0, 0), 4, ap, self._vm.read_u32)
        text = self._format(fmt, args)
        self._store(buf, size, text)
        return len(text)


def lib_providers(vm, symbolize, kmalloc, printk_raw, call_nested):
    """The rest of 3.14's lib/ exports, one provider per source file family (lib_*.py)."""
    from .lib_bitmap import Bitmaps
    from .lib_kstrtox import Kstrtox
    from .lib_misc import Crc, Random, Sort
    from .lib_string import StringExtras
    return (Kstrtox(vm), StringExtras(vm, symbolize, kmalloc, printk_raw), Random(vm),
            Crc(vm), Sort(vm, call_nested), Bitmaps(vm))
