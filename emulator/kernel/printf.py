"""printk's formatter: Linux 3.14 ``vsnprintf`` semantics (lib/vsprintf.c, include/linux/printk.h).

Pure functions over bytes: guest memory is reached only through callables the caller passes,
and the variadic arguments through an ``args`` source with ``next_u32()`` / ``next_u64()`` (the
caller implements AAPCS: a 64-bit value takes an even register pair or an 8-byte aligned stack
slot; this module calls ``next_u64`` exactly for ``ll``/``L`` integers and nothing else).

Kernel behaviours kept on purpose, because a driver author sees them on the board:

- no ``%n``: since 3.13 the kernel treats it as an unknown conversion (prints ``%n``, consumes
  no argument) after a one-time WARN; the optional ``warn`` callable receives that warning.
- unknown conversions (``%y``, and ``%j``/``%q`` which 3.14 does not parse) print ``%`` and the
  character, consuming no argument; flags and width before them are dropped.
- ``%.s`` (a dot with no digits) means no precision; a negative ``*`` precision means 0.
- precision 0 still prints ``0`` for a zero value; ``%#x`` of 0 prints ``0x0``; the ``0`` flag
  is honoured even with a precision (unlike C), and ignored with ``-``.
- ``%tu``/``%tx`` sign-extend (``ptrdiff_t`` is read as signed: -1 prints as 64 bits of ones).
- ``%p`` swallows every alphanumeric character after the ``p`` (``"%pval"`` prints the pointer,
  not ``"val"``); a NULL ``%p`` (any extension but ``K``) prints ``(null)`` padded to 8.
- a ``%s`` pointer below PAGE_SIZE prints ``(null)`` (precision and width still apply).
- field width and precision are ``s16`` (struct printf_spec).

printk (kernel/printk/printk.c, vprintk_emit) formats first, then reads one level prefix from
the formatted text, so ``printk("%s...", KERN_ERR)`` works; see :func:`format_printk`.
"""

import re
from typing import NamedTuple

KERN_SOH = b"\x01"
PAGE_SIZE = 4096
ZERO_SIZE_PTR = 16
#: default_message_loglevel (MESSAGE_LOGLEVEL_DEFAULT) of a 3.14 kernel: what KERN_DEFAULT means.
DEFAULT_MESSAGE_LOGLEVEL = 4
#: printk's text buffer, LOG_LINE_MAX = 1024 - PREFIX_MAX: a message keeps at most 991 bytes.
LOG_LINE_MAX = 1024 - 32

# struct printf_spec flags (lib/vsprintf.c)
SIGN, ZEROPAD, PLUS, SPACE, LEFT, SMALL, SPECIAL = 1, 2, 4, 8, 16, 32, 64
_FLAG_CHARS = {ord("-"): LEFT, ord("+"): PLUS, ord(" "): SPACE, ord("#"): SPECIAL,
               ord("0"): ZEROPAD}
_BASES = {ord("o"): 8, ord("x"): 16, ord("X"): 16, ord("d"): 10, ord("i"): 10, ord("u"): 10}
_M64 = (1 << 64) - 1
_HEX = b"0123456789abcdef"


class FormatError(ValueError):
    """A format cannot be rendered with what the caller supplied (e.g. no ``read_bytes``)."""


class PrintkText(NamedTuple):
    level: object  # int 0..7, or None when the text carried no level
    cont: bool     # the text started with KERN_CONT
    text: str


# -- small integer helpers ---------------------------------------------------------------------

def _signed(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _s16(value):
    return _signed(value, 16)


def _isdigit(c):
    return 0x30 <= c <= 0x39


def _isalnum(c):
    """lib/ctype.c: ASCII letters and digits, plus the Latin-1 letters 0xC0-0xFF but for x and /."""
    return (_isdigit(c) or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A
            or (c >= 0xC0 and c not in (0xD7, 0xF7)))


# -- the output primitives: number() and string() ------------------------------------------------

def _number(num, base, flags, width, precision):
    """lib/vsprintf.c number(): ``num`` is the 64-bit unsigned value the kernel holds."""
    num &= _M64
    need_pfx = bool(flags & SPECIAL) and base != 10
    is_zero = num == 0
    if flags & LEFT:
        flags &= ~ZEROPAD
    sign = b""
    if flags & SIGN:
        if num >> 63:
            sign, num = b"-", (-num) & _M64
            width -= 1
        elif flags & PLUS:
            sign = b"+"
            width -= 1
        elif flags & SPACE:
            sign = b" "
            width -= 1
    if need_pfx:
        if base == 16:
            width -= 2
        elif not is_zero:
            width -= 1
    if base == 16:
        digits = b"%X" % num
        if flags & SMALL:
            digits = digits.lower()
    elif base == 8:
        digits = b"%o" % num
    else:
        digits = b"%d" % num
    i = len(digits)
    if i > precision:  # printing 100 using %2d gives "100", not "00"
        precision = i
    width -= precision
    out = bytearray()
    if not flags & (ZEROPAD | LEFT) and width > 0:
        out += b" " * width
        width = 0
    out += sign
    if need_pfx:
        if base == 16 or not is_zero:
            out += b"0"
        if base == 16:
            out += b"x" if flags & SMALL else b"X"
    if not flags & LEFT and width > 0:
        out += (b"0" if flags & ZEROPAD else b" ") * width
        width = 0
    out += b"0" * (precision - i)
    out += digits
    if width > 0:
        out += b" " * width
    return bytes(out)


def _string(text, flags, width, precision):
    """lib/vsprintf.c string() on bytes already read (precision: strnlen limit, -1 = none)."""
    if precision >= 0:
        text = text[:precision]
    pad = b" " * max(width - len(text), 0)
    return text + pad if flags & LEFT else pad + text


class _Spec:
    __slots__ = ("flags", "width", "precision")

    def __init__(self, flags, width, precision):
        self.flags, self.width, self.precision = flags, width, precision


# -- %p and its extensions -----------------------------------------------------------------------

class _Guest:
    """The caller's guest-memory accessors, for %s and the %p extensions that read memory."""

    def __init__(self, read_cstr, read_bytes, symbolize, va_format):
        self.read_cstr, self.read_bytes = read_cstr, read_bytes
        self.symbolize, self.va_format = symbolize, va_format

    def bytes(self, addr, n, what):
        if self.read_bytes is None:
            raise FormatError(f"%p{what} reads guest memory: vsnprintf needs read_bytes")
        data = bytes(self.read_bytes(addr, n))
        if len(data) != n:
            raise FormatError(f"%p{what}: read_bytes returned {len(data)} bytes, wanted {n}")
        return data

    def cstr(self, addr, limit):
        """strnlen-like: with a limit and read_bytes, never read past ``limit`` bytes."""
        if limit < 0 or self.read_bytes is None:
            data = bytes(self.read_cstr(addr))
            nul = data.find(b"\0")
            data = data if nul < 0 else data[:nul]
            return data if limit < 0 else data[:limit]
        out = bytearray()
        while len(out) < limit:
            # stay within one page per read, as strnlen would not touch the next page early
            chunk = min(limit - len(out), PAGE_SIZE - ((addr + len(out)) % PAGE_SIZE))
            data = bytes(self.read_bytes(addr + len(out), chunk))
            nul = data.find(b"\0")
            if nul >= 0:
                return bytes(out + data[:nul])
            out += data
        return bytes(out)


def _hex_bytes(data, sep=b""):
    return sep.join(b"%02x" % b for b in data)


def _ip4(addr4, ext):
    """ip4_string(): 'i' pads each quad to 3 digits; [hnbl] picks the byte order (ARM is LE)."""
    order = ext[2:3]
    quads = addr4[::-1] if order in (b"h", b"l") else addr4
    fmt = b"%03d" if ext[:1] == b"i" else b"%d"
    return b".".join(fmt % q for q in quads)


def _ip6_compressed(a):
    """ip6_compressed_string(): RFC 5952, v4-mapped and ISATAP addresses end in dotted quad."""
    words = [(a[2 * k] << 8) | a[2 * k + 1] for k in range(8)]
    use_ipv4 = (a[:10] == bytes(10) and a[10:12] == b"\xff\xff") or (
        (a[8] | 0x02) == 0x02 and a[9] == 0 and a[10] == 0x5E and a[11] == 0xFE)
    rng = 6 if use_ipv4 else 8
    longest, colonpos = 1, -1
    for i in range(rng):
        run = 0
        while i + run < rng and words[i + run] == 0:
            run += 1
        if run > longest:
            longest, colonpos = run, i
    out, needcolon, i = bytearray(), False, 0
    while i < rng:
        if i == colonpos:
            if needcolon or i == 0:
                out += b":"
            out += b":"
            needcolon = False
            i += longest
            continue
        if needcolon:
            out += b":"
        out += b"%x" % words[i]
        needcolon = True
        i += 1
    if use_ipv4:
        if needcolon:
            out += b":"
        out += _ip4(a[12:16], b"I4")
    return bytes(out)


def _ip_sockaddr(guest, ptr, kind, ext, spec):
    """%pIS/%piS (ip4_addr_string_sa, ip6_addr_string_sa): a struct sockaddr by its family;
    the letters after 'S' add the port (p), and for IPv6 flowinfo (f), scope (s) and the
    compressed form (c, with 'I'). The numbers take the conversion's own spec, as 3.14's do."""
    letters = re.match(rb"[A-Za-z]*", ext).group()
    family = int.from_bytes(guest.bytes(ptr, 2, "IS"), "little")

    def num(value):
        return _number(value, 10, spec.flags, spec.width, spec.precision)

    if family == 2:                                      # AF_INET: struct sockaddr_in
        sa = guest.bytes(ptr, 8, "IS")
        order = next((c for c in letters if c in b"hlnb"), None)
        out = _ip4(sa[4:8], kind + b"4" + (bytes([order]) if order else b""))
        if b"p" in letters:
            out += b":" + num(int.from_bytes(sa[2:4], "big"))
        return out
    if family == 10:                                     # AF_INET6: struct sockaddr_in6
        sa = guest.bytes(ptr, 28, "IS")
        a = sa[8:24]
        have = {c: bytes([c]) in letters for c in b"pfsc"}
        if kind == b"I" and have[ord("c")]:
            addr = _ip6_compressed(a)
        else:
            sep = b":" if kind == b"I" else b""
            addr = sep.join(_hex_bytes(a[k:k + 2]) for k in range(0, 16, 2))
        bracket = have[ord("p")] or have[ord("s")] or have[ord("f")]
        out = b"[" + addr + b"]" if bracket else addr
        if have[ord("p")]:
            out += b":" + num(int.from_bytes(sa[2:4], "big"))
        if have[ord("f")]:
            out += b"/" + num(int.from_bytes(sa[4:8], "big") & 0x0FFFFFFF)
        if have[ord("s")]:
            out += b"%" + num(int.from_bytes(sa[24:28], "little"))
        return out
    return b"(invalid address)"


def _symbol(guest, addr, ext):
    """symbol_string() with CONFIG_KALLSYMS: S/F/B with offset, s/f without; else 0x%lx."""
    name = guest.symbolize(addr) if guest.symbolize is not None else None
    if name is None:
        return b"0x%x" % addr
    if ext[:1] in (b"s", b"f"):  # sprint_symbol_no_offset(): drop "+0xoff/0xsize"
        name = re.sub(r"\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+", "", name, count=1)
    return name.encode("utf-8", "replace")


def _pointer(ext, ptr, spec, guest):
    """lib/vsprintf.c pointer(): ``ext`` is the format text after the 'p'."""
    flags, width, precision = spec.flags, spec.width, spec.precision
    default_width = 8 + (2 if flags & SPECIAL else 0)
    kind = ext[:1]
    if ptr == 0 and kind != b"K":
        return _string(b"(null)", flags, default_width if width == -1 else width, precision)

    def text(data):
        return _string(data, flags, width, precision)

    if kind in (b"F", b"f", b"S", b"s", b"B"):
        return text(_symbol(guest, ptr, ext))
    if kind in (b"M", b"m"):
        mac = guest.bytes(ptr, 6, kind.decode())
        if ext[1:2] == b"R":
            mac = mac[::-1]
        sep = b"" if kind == b"m" else (b"-" if ext[1:2] == b"F" else b":")
        return text(_hex_bytes(mac, sep))
    if kind in (b"I", b"i") and ext[1:2] == b"4":
        return text(_ip4(guest.bytes(ptr, 4, "I4"), ext))
    if kind in (b"I", b"i") and ext[1:2] == b"S":
        return text(_ip_sockaddr(guest, ptr, kind, ext[2:], spec))
    if kind in (b"I", b"i") and ext[1:2] == b"6":
        a = guest.bytes(ptr, 16, "I6")
        if kind == b"I" and ext[2:3] == b"c":
            return text(_ip6_compressed(a))
        sep = b":" if kind == b"I" else b""
        return text(sep.join(_hex_bytes(a[k:k + 2]) for k in range(0, 16, 2)))
    if kind == b"U":
        a = guest.bytes(ptr, 16, "U")
        if ext[1:2] in (b"l", b"L"):
            a = a[3::-1] + a[5:3:-1] + a[7:5:-1] + a[8:]
        u = b"-".join(_hex_bytes(p) for p in (a[:4], a[4:6], a[6:8], a[8:10], a[10:]))
        return text(u.upper() if ext[1:2] in (b"B", b"L") else u)
    if kind == b"h":
        if width == 0:
            return b""
        if ptr <= ZERO_SIZE_PTR:
            return _string(b"(null)", flags, width, precision)
        sep = {b"C": b":", b"D": b"-", b"N": b""}.get(ext[1:2], b" ")
        n = min(width, 64) if width > 0 else 1
        return _hex_bytes(guest.bytes(ptr, n, "h"), sep)
    if kind == b"a":  # phys_addr_t (32-bit without LPAE), passed by reference
        value = int.from_bytes(guest.bytes(ptr, 4, "a"), "little")
        return _number(value, 16, flags | SPECIAL | SMALL | ZEROPAD, 10, precision)
    if kind == b"V" and guest.va_format is not None:
        return bytes(guest.va_format(ptr))
    # %pK with kptr_restrict = 0, and every extension not modelled (R, r, b, N, d, D, V...):
    # the plain pointer, as the kernel's own fall-through does for unknown extensions.
    flags |= SMALL
    if width == -1:
        width, flags = default_width, flags | ZEROPAD
    return _number(ptr, 16, flags, width, precision)


# -- the formatter -------------------------------------------------------------------------------

def _read_integer(args, qualifier, flags):
    """vsnprintf()'s va_arg switch: the 64-bit value ``num`` as the kernel computes it."""
    signed = bool(flags & SIGN)
    if qualifier == "L":
        return args.next_u64() & _M64
    raw = args.next_u32() & 0xFFFFFFFF
    if qualifier == "H":
        return _signed(raw, 8) & _M64 if signed else raw & 0xFF
    if qualifier == "h":
        return _signed(raw, 16) & _M64 if signed else raw & 0xFFFF
    if qualifier == "t":  # ptrdiff_t is read as signed even for %tu / %tx
        return _signed(raw, 32) & _M64
    # int, long, size_t (z, Z): 32 bits on ARM
    return _signed(raw, 32) & _M64 if signed else raw


def vsnprintf_bytes(fmt, args, read_cstr, *, symbolize=None, read_bytes=None, warn=None,
                    va_format=None, size=None):
    """Format ``fmt`` (bytes, a C string: stops at NUL) the way Linux 3.14 vsnprintf does.

    ``read_cstr(addr) -> bytes`` reads a guest C string (errors propagate);
    ``read_bytes(addr, n) -> bytes`` reads guest memory for %pM %pI4 %pI6 %pU %ph %pa and
    bounded %.Ns; ``symbolize(addr) -> str | None`` gives kallsyms' "name+0xoff/0xsize [mod]"
    for %pS %pF %pB (%ps %pf drop the offset); ``warn(message)`` receives the kernel's WARN
    text (%n); ``va_format(addr) -> bytes`` renders a ``struct va_format *`` for %pV.
    ``size`` is the buffer size: the result keeps at most ``size - 1`` bytes (None: no limit).
    """
    fmt = bytes(fmt)
    end = fmt.find(b"\0")
    if end >= 0:
        fmt = fmt[:end]
    guest = _Guest(read_cstr, read_bytes, symbolize, va_format)
    out = bytearray()
    n, i = len(fmt), 0
    while i < n:
        pct = fmt.find(b"%", i)
        if pct < 0:
            out += fmt[i:]
            break
        out += fmt[i:pct]
        i = pct + 1
        flags = 0
        while i < n and fmt[i] in _FLAG_CHARS:
            flags |= _FLAG_CHARS[fmt[i]]
            i += 1
        width = -1
        if i < n and _isdigit(fmt[i]):
            start = i
            while i < n and _isdigit(fmt[i]):
                i += 1
            width = _s16(int(fmt[start:i]))
        elif i < n and fmt[i] == ord("*"):
            i += 1
            width = _s16(args.next_u32())
            if width < 0:
                width, flags = _s16(-width), flags | LEFT
        precision = -1
        if i < n and fmt[i] == ord("."):
            i += 1
            if i < n and _isdigit(fmt[i]):
                start = i
                while i < n and _isdigit(fmt[i]):
                    i += 1
                precision = max(_s16(int(fmt[start:i])), 0)
            elif i < n and fmt[i] == ord("*"):
                i += 1
                precision = max(_s16(args.next_u32()), 0)
        qualifier = None
        if i < n and chr(fmt[i]) in "hlLzZt":
            qualifier = chr(fmt[i])
            i += 1
            if i < n and chr(fmt[i]) == qualifier and qualifier in "lh":
                qualifier = "L" if qualifier == "l" else "H"
                i += 1
        conv = fmt[i] if i < n else 0
        spec = _Spec(flags, width, precision)
        if conv == ord("c"):
            i += 1
            ch = bytes([args.next_u32() & 0xFF])
            pad = b" " * max(width - 1, 0)
            out += ch + pad if flags & LEFT else pad + ch
        elif conv == ord("s"):
            i += 1
            addr = args.next_u32() & 0xFFFFFFFF
            text = b"(null)" if addr < PAGE_SIZE else guest.cstr(addr, precision)
            out += _string(text, flags, width, precision)
        elif conv == ord("p"):
            ptr = args.next_u32() & 0xFFFFFFFF
            out += _pointer(fmt[i + 1:], ptr, spec, guest)
            while i < n and _isalnum(fmt[i]):
                i += 1
        elif conv == ord("%"):
            i += 1
            out += b"%"
        elif conv in _BASES:
            i += 1
            if conv in (ord("d"), ord("i")):
                flags |= SIGN
            elif conv == ord("x"):
                flags |= SMALL
            num = _read_integer(args, qualifier, flags)
            out += _number(num, _BASES[conv], flags, width, precision)
        else:
            # FORMAT_TYPE_INVALID: '%' now, the character itself is copied as plain text next.
            if conv == ord("n") and warn is not None:
                warn("Please remove ignored %%n in '%s'" % fmt[i:].decode("utf-8", "replace"))
            out += b"%"
    if size is not None:
        del out[max(size - 1, 0):]
    return bytes(out)


def vsnprintf(fmt, args, read_cstr, **opts):
    """:func:`vsnprintf_bytes`, decoded as UTF-8 (invalid bytes become U+FFFD)."""
    return vsnprintf_bytes(fmt, args, read_cstr, **opts).decode("utf-8", "replace")


# -- printk levels -------------------------------------------------------------------------------

def get_level(text):
    """printk_get_level(): the level character after KERN_SOH ('0'-'7', 'd', 'c') or None."""
    if len(text) >= 2 and text[0] == 1 and chr(text[1]) in "01234567dc":
        return chr(text[1])
    return None


def split_level(text):
    """Strip one printk level prefix, as 3.14's vprintk_emit does -> (level, is_cont, rest).

    level: 0-7 for KERN_EMERG..KERN_DEBUG, DEFAULT_MESSAGE_LOGLEVEL (4) for KERN_DEFAULT
    ("\\x01d"), None for no prefix or KERN_CONT. 3.14 strips a single prefix only
    (printk_skip_level; the loop over stacked prefixes came in later kernels), so
    KERN_CONT KERN_INFO leaves "\\x016" in the text, as on the board.

    A message that carries a level (or KERN_DEFAULT) always starts a new log record. In 3.14 a
    message with no prefix at all behaves like KERN_CONT: it joins a pending line of the same
    task that did not end in a newline. So ``level is None`` means "may continue".
    """
    text = bytes(text)
    kern_level = get_level(text)
    if kern_level is None:
        return None, False, text
    rest = text[2:]
    if kern_level == "c":
        return None, True, rest
    if kern_level == "d":
        return DEFAULT_MESSAGE_LOGLEVEL, False, rest
    return int(kern_level), False, rest


def format_printk(fmt, args, read_cstr, *, size=LOG_LINE_MAX, **opts):
    """printk(): format (into printk's 992-byte buffer), then split the level off the result.

    Returns ``PrintkText(level, cont, text)``; the text keeps its trailing newline (the caller's
    log decides record boundaries). ``opts`` are :func:`vsnprintf_bytes` keywords.
    """
    raw = vsnprintf_bytes(fmt, args, read_cstr, size=size, **opts)
    level, cont, rest = split_level(raw)
    return PrintkText(level, cont, rest.decode("utf-8", "replace"))
