"""More of 3.14's lib/string.c, lib/hexdump.c and kasprintf: searching, splitting and
trimming strings, hex dumps, allocated formatting. C semantics over guest memory (through
the memory checker's view when it is on): pointers in, pointers (or NULL) out.
"""

from .hypercall import VarArgs, export
from .printf import vsnprintf_bytes

LIMIT = 1 << 20                      # the longest string a service scans
SPACES = frozenset(b"\t\n\v\f\r \xa0")   # lib/ctype.c's _S: 9-13, space and 0xA0
HEX = b"0123456789abcdef"
DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET = 0, 1, 2
KERN_DEBUG = b"\x017"


def hex_dump_line(data, rowsize, groupsize, linebuflen, ascii):
    """hex_dump_to_buffer's text (without the NUL) for one row of data."""
    if rowsize not in (16, 32):
        rowsize = 16
    data = data[:rowsize]
    if not data:
        return b""
    if groupsize not in (1, 2, 4, 8) or len(data) % groupsize:
        groupsize = 1
    out = bytearray()

    def scn(text):                    # scnprintf into what is left of linebuf
        room = linebuflen - len(out)
        if room > 0:
            out.extend(text[:room - 1])

    if groupsize > 1:
        digits = 2 * groupsize
        for j in range(len(data) // groupsize):
            word = int.from_bytes(data[j * groupsize:(j + 1) * groupsize], "little")
            scn((b" " if j else b"") + b"%0*x" % (digits, word))
        ascii_column = (digits + 1) * (len(data) // groupsize) + 2
    else:
        j = 0
        while j < len(data) and len(out) + 3 <= linebuflen:
            out += bytes((HEX[data[j] >> 4], HEX[data[j] & 15], 0x20))
            j += 1
        if j:
            del out[-1]
        ascii_column = 3 * rowsize + 2
    if ascii:
        while len(out) < linebuflen - 1 and len(out) < ascii_column - 1:
            out.append(0x20)
        for ch in data:
            if len(out) + 2 >= linebuflen:
                break
            out.append(ch if 0x20 <= ch < 0x7F else 0x2E)
    return bytes(out)


class StringExtras:
    def __init__(self, vm, symbolize, kmalloc, printk_raw):
        """kmalloc(size, gfp) -> va (kasprintf); printk_raw(bytes) logs a formatted line."""
        self._vm, self._symbolize = vm, symbolize
        # Wrapped: a bound export kept as an attribute would be registered a second time.
        self._kmalloc = lambda size, gfp: kmalloc(size, gfp)
        self._printk_raw = printk_raw

    def _str(self, s):
        return self._vm.read_cstr(s, LIMIT)

    # -- searching ------------------------------------------------------------------------
    @export()
    def memchr(self, s, c, n):
        i = self._vm.read(s, n).find(bytes([c & 0xFF])) if n else -1
        return 0 if i < 0 else s + i

    @export()
    def memchr_inv(self, start, c, n):
        """The first byte that is not c, or NULL."""
        data, c = self._vm.read(start, n) if n else b"", c & 0xFF
        for i, ch in enumerate(data):
            if ch != c:
                return start + i
        return 0

    @export()
    def memscan(self, addr, c, size):
        """The first c in [addr, addr + size), or addr + size."""
        i = self._vm.read(addr, size).find(bytes([c & 0xFF])) if size else -1
        return addr + size if i < 0 else addr + i

    @export()
    def strrchr(self, s, c):
        data, c = self._str(s) + b"\0", c & 0xFF
        i = data.rfind(bytes([c]))
        return 0 if i < 0 else s + i

    @export()
    def strnchr(self, s, count, c):
        data = self._vm.read_cstr(s, count)
        i = data.find(bytes([c & 0xFF]))
        return 0 if i < 0 else s + i

    @export()
    def strstr(self, s1, s2):
        needle = self._str(s2)
        i = self._str(s1).find(needle)
        return 0 if i < 0 else s1 + i

    @export()
    def strnstr(self, s1, s2, length):
        needle = self._str(s2)
        if not needle:
            return s1
        i = self._vm.read_cstr(s1, length).find(needle)
        return 0 if i < 0 else s1 + i

    @export()
    def strspn(self, s, accept):
        allowed, n = set(self._str(accept)), 0
        for ch in self._str(s):
            if ch not in allowed:
                break
            n += 1
        return n

    @export()
    def strcspn(self, s, reject):
        stop, n = set(self._str(reject)), 0
        for ch in self._str(s):
            if ch in stop:
                break
            n += 1
        return n

    @export()
    def strpbrk(self, cs, ct):
        stop = set(self._str(ct))
        for i, ch in enumerate(self._str(cs)):
            if ch in stop:
                return cs + i
        return 0

    @export()
    def strsep(self, sp, ct):
        """Split *sp at the first delimiter: NUL it, advance *sp past it (NULL at the end)."""
        begin = self._vm.read_u32(sp)
        if not begin:
            return 0
        stop = set(self._str(ct))
        for i, ch in enumerate(self._str(begin)):
            if ch in stop:
                self._vm.write(begin + i, b"\0")
                self._vm.write_u32(sp, begin + i + 1)
                return begin
        self._vm.write_u32(sp, 0)
        return begin

    # -- trimming and small parsers ---------------------------------------------------------
    @export()
    def skip_spaces(self, s):
        data = self._str(s)
        n = 0
        while n < len(data) and data[n] in SPACES:
            n += 1
        return s + n

    @export()
    def strim(self, s):
        data = self._str(s)
        if not data:
            return s
        end = len(data)
        while end > 0 and data[end - 1] in SPACES:
            end -= 1
        if end < len(data):
            self._vm.write(s + end, b"\0")
        return self.skip_spaces(s)

    @export()
    def strtobool(self, s, res):
        """'y', 'Y', '1' -> 1; 'n', 'N', '0' -> 0; else -EINVAL (3.14 looks at one char)."""
        if not s:
            return -22 & 0xFFFFFFFF
        first = self._vm.read(s, 1)
        value = {b"y": 1, b"Y": 1, b"1": 1, b"n": 0, b"N": 0, b"0": 0}.get(first)
        if value is None:
            return -22 & 0xFFFFFFFF
        self._vm.write(res, bytes([value]))
        return 0

    @export()
    def hex_to_bin(self, ch):
        ch &= 0xFF
        if 0x30 <= ch <= 0x39:
            return ch - 0x30
        if 0x61 <= ch | 0x20 <= 0x66:
            return (ch | 0x20) - 0x61 + 10
        return 0xFFFFFFFF

    @export()
    def hex2bin(self, dst, src, count):
        data = self._vm.read(src, 2 * count) if count else b""
        out = bytearray()
        for i in range(count):
            hi, lo = self.hex_to_bin(data[2 * i]), self.hex_to_bin(data[2 * i + 1])
            if hi == 0xFFFFFFFF or lo == 0xFFFFFFFF:
                if out:
                    self._vm.write(dst, bytes(out))
                return -22 & 0xFFFFFFFF
            out.append(hi << 4 | lo)
        if out:
            self._vm.write(dst, bytes(out))
        return 0

    # -- formatting ---------------------------------------------------------------------------
    @export("kasprintf", varargs=True)
    def kasprintf(self, gfp, fmt, args):
        text = vsnprintf_bytes(self._str(fmt), args, self._vm.read_cstr,
                               symbolize=self._symbolize, read_bytes=self._vm.read)
        va = self._kmalloc(len(text) + 1, gfp)
        if va:
            self._vm.write(va, text + b"\0")
        return va

    @export()
    def kvasprintf(self, gfp, fmt, ap):
        """kasprintf with a va_list (ARM EABI: a pointer to the next stacked argument)."""
        return self.kasprintf(gfp, fmt, VarArgs((0, 0, 0, 0), 4, ap, self._vm.read_u32))

    @export()
    def hex_dump_to_buffer(self, buf, length, rowsize, groupsize, linebuf, linebuflen, ascii):
        rowsize, groupsize = _s32(rowsize), _s32(groupsize)
        n = min(length, rowsize if rowsize in (16, 32) else 16)
        line = hex_dump_line(self._vm.read(buf, n) if n else b"", rowsize, groupsize,
                             linebuflen, ascii & 0xFF)
        self._vm.write(linebuf, line + b"\0")

    @export()
    def print_hex_dump(self, level, prefix_str, prefix_type, rowsize, groupsize, buf, length,
                       ascii):
        self._dump(self._str(level), self._str(prefix_str), prefix_type, _s32(rowsize),
                   _s32(groupsize), buf, length, ascii & 0xFF)

    @export()
    def print_hex_dump_bytes(self, prefix_str, prefix_type, buf, length):
        self._dump(KERN_DEBUG, self._str(prefix_str), prefix_type, 16, 1, buf, length, 1)

    def _dump(self, level, prefix, prefix_type, rowsize, groupsize, buf, length, ascii):
        if rowsize not in (16, 32):
            rowsize = 16
        linebuflen = 32 * 3 + 2 + 32 + 1
        for i in range(0, length, rowsize):
            row = self._vm.read(buf + i, min(rowsize, length - i))
            line = hex_dump_line(row, rowsize, groupsize, linebuflen, ascii)
            if prefix_type == DUMP_PREFIX_ADDRESS:
                head = b"%08x: " % ((buf + i) & 0xFFFFFFFF)
            elif prefix_type == DUMP_PREFIX_OFFSET:
                head = b"%.8x: " % i
            else:
                head = b""
            self._printk_raw(level + prefix + head + line + b"\n")


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v
