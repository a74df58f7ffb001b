"""Linux 3.14 vsnprintf/printk semantics (emulator.kernel.printf)."""

import pytest

from emulator.kernel.printf import (
    DEFAULT_MESSAGE_LOGLEVEL, LOG_LINE_MAX, FormatError, format_printk, get_level, split_level,
    vsnprintf, vsnprintf_bytes)


class Args:
    """AAPCS varargs over a flat list of 32-bit words (r1-r3 then the stack, as one sequence).

    A 64-bit value starts at an even word index (r2:r3 or an 8-byte aligned stack slot); the
    skipped word is padding. The formatter only says which size it wants.
    """

    def __init__(self, *words, start=1):
        self.words = list(words)
        self.index = start  # word index of r1: the format string is in r0
        self.calls = []

    def _take(self):
        word = self.words[self.index - 1]
        self.index += 1
        return word

    def next_u32(self):
        self.calls.append(32)
        return self._take()

    def next_u64(self):
        self.calls.append(64)
        if self.index % 2:
            self.index += 1
        lo, hi = self._take(), self._take()
        return lo | hi << 32


class Memory:
    """A sparse guest memory: {address: bytes}."""

    def __init__(self, blocks):
        self.blocks = blocks
        self.reads = []

    def read_bytes(self, addr, n):
        self.reads.append((addr, n))
        for base, data in self.blocks.items():
            if base <= addr and addr + n <= base + len(data):
                return data[addr - base:addr - base + n]
        raise MemoryError(f"unmapped guest read at {addr:#x}")

    def read_cstr(self, addr):
        for base, data in self.blocks.items():
            if base <= addr < base + len(data):
                tail = data[addr - base:]
                return tail[:tail.index(b"\0")]
        raise MemoryError(f"unmapped guest string at {addr:#x}")


MEM = Memory({0xC0001000: b"hello\0", 0xC0002000: b"\0", 0xC0003000: b"LED2\0"})


def fmt(f, *words, **opts):
    return vsnprintf(f, Args(*words), MEM.read_cstr, **opts)


# -- plain conversions ---------------------------------------------------------------------------

@pytest.mark.parametrize("f, words, expected", [
    (b"%d", (42,), "42"),
    (b"%i", (42,), "42"),
    (b"%d", (0xFFFFFFFF,), "-1"),                 # 32-bit word sign-interpreted for int
    (b"%d", (0x80000000,), "-2147483648"),
    (b"%u", (0xFFFFFFFF,), "4294967295"),
    (b"%x", (0xDEADBEEF,), "deadbeef"),
    (b"%X", (0xDEADBEEF,), "DEADBEEF"),
    (b"%o", (8,), "10"),
    (b"%c", (0x41,), "A"),
    (b"%c", (0x141,), "A"),                        # (unsigned char) va_arg(args, int)
    (b"%s", (0xC0001000,), "hello"),
    (b"%s", (0xC0002000,), ""),
    (b"%%", (), "%"),
    (b"100%% sure", (), "100% sure"),
    (b"no conversions\n", (), "no conversions\n"),
])
def test_conversions(f, words, expected):
    assert fmt(f, *words) == expected


@pytest.mark.parametrize("f, words, expected", [
    (b"%hhd", (0xFF,), "-1"),
    (b"%hhd", (0x17F,), "127"),                    # only the low 8 bits count
    (b"%hhu", (0x1FF,), "255"),
    (b"%hhx", (0xABCD,), "cd"),
    (b"%hd", (0xFFFF8000,), "-32768"),
    (b"%hu", (0x12345,), "9029"),                  # 0x2345
    (b"%ld", (0xFFFFFFFE,), "-2"),
    (b"%lu", (0xFFFFFFFE,), "4294967294"),
    (b"%lx", (0xFFFFFFFE,), "fffffffe"),
    (b"%zu", (4096,), "4096"),
    (b"%zu", (0xFFFFFFFF,), "4294967295"),
    (b"%zd", (0xFFFFFFFF,), "-1"),                 # ssize_t
    (b"%Zu", (7,), "7"),
    (b"%td", (0xFFFFFFFC,), "-4"),
    # ptrdiff_t is read signed even for u/x: 3.14 prints the 64-bit sign extension
    (b"%tu", (0xFFFFFFFF,), "18446744073709551615"),
    (b"%tx", (0xFFFFFFFF,), "ffffffffffffffff"),
])
def test_length_modifiers(f, words, expected):
    assert fmt(f, *words) == expected


@pytest.mark.parametrize("f, expected", [
    (b"%5d|", "   42|"),
    (b"%-5d|", "42   |"),
    (b"%05d", "00042"),
    (b"%-05d|", "42   |"),                        # '0' ignored with '-'
    (b"%+d", "+42"),
    (b"% d", " 42"),
    (b"%+ d", "+42"),                              # '+' wins over ' '
    (b"%.5d", "00042"),
    (b"%8.5d|", "   00042|"),
    (b"%08.5d|", "00000042|"),                     # Linux keeps ZEROPAD with a precision
    (b"%#x", "0x2a"),
    (b"%#X", "0X2A"),
    (b"%#o", "052"),
    (b"%#010x", "0x0000002a"),
    (b"%#10x|", "      0x2a|"),
    (b"%-#10x|", "0x2a      |"),
    (b"%2d", "42"),
    (b"%1d", "42"),                                # printing 42 using %1d gives "42"
])
def test_flags_width_precision(f, expected):
    assert fmt(f, 42) == expected


def test_negative_numbers_with_width_and_zero_pad():
    assert fmt(b"%05d", 0xFFFFFFFF) == "-0001"
    assert fmt(b"%5d|", 0xFFFFFFF9) == "   -7|"
    assert fmt(b"%-5d|", 0xFFFFFFF9) == "-7   |"
    assert fmt(b"%+d", 0xFFFFFFF9) == "-7"


def test_zero_value_corner_cases_follow_linux_not_c():
    assert fmt(b"%.0d", 0) == "0"                  # C prints nothing
    assert fmt(b"%#x", 0) == "0x0"                 # C prints "0"
    assert fmt(b"%#o", 0) == "0"
    assert fmt(b"%#5o|", 0) == "    0|"


def test_string_precision_and_width():
    assert fmt(b"%5.2s|", 0xC0001000) == "   he|"
    assert fmt(b"%-7s|", 0xC0001000) == "hello  |"
    assert fmt(b"%.10s", 0xC0001000) == "hello"
    assert fmt(b"%05s", 0xC0001000) == "hello"     # no zero padding for strings
    assert fmt(b"%.s|", 0xC0001000) == "hello|"     # "." without digits: no precision in 3.14


def test_bounded_string_reads_only_precision_bytes():
    mem = Memory({0xC0010000: b"ABCDEFGH"})        # no NUL: %.4s must not run off the end
    out = vsnprintf(b"%.4s", Args(0xC0010000), mem.read_cstr, read_bytes=mem.read_bytes)
    assert out == "ABCD"
    assert mem.reads == [(0xC0010000, 4)]


def test_bounded_string_read_stops_at_page_end():
    # pages are mapped whole: a read never crosses into the next page before it must
    mem = Memory({0xC0010FFE: b"AB", 0xC0011000: b"C\0" + bytes(4094)})
    out = vsnprintf(b"%.100s", Args(0xC0010FFE), mem.read_cstr, read_bytes=mem.read_bytes)
    assert out == "ABC"
    assert mem.reads == [(0xC0010FFE, 2), (0xC0011000, 98)]


@pytest.mark.parametrize("addr", [0, 1, 0xFFF])
def test_null_and_low_string_pointers_print_null(addr):
    assert fmt(b"[%s]", addr) == "[(null)]"
    assert fmt(b"[%8s]", addr) == "[  (null)]"
    assert fmt(b"[%.3s]", addr) == "[(nu]"


def test_string_read_errors_propagate():
    with pytest.raises(MemoryError):
        fmt(b"%s", 0xDEAD0000)


def test_star_width_and_precision():
    assert fmt(b"%*d|", 6, 42) == "    42|"
    assert fmt(b"%*d|", 0xFFFFFFFA, 42) == "42    |"   # negative width: left-justify
    assert fmt(b"%.*s|", 3, 0xC0001000) == "hel|"
    assert fmt(b"%.*s|", 0xFFFFFFFF, 0xC0001000) == "|"  # negative precision becomes 0 in 3.14
    assert fmt(b"%*.*d|", 6, 4, 42) == "  0042|"
    assert fmt(b"%-*c|", 3, ord("x")) == "x  |"
    assert fmt(b"%*c|", 3, ord("x")) == "  x|"


def test_unknown_conversions_are_copied_and_take_no_argument():
    args = Args(7)
    assert vsnprintf(b"%y %d", args, MEM.read_cstr) == "%y 7"
    assert fmt(b"%5k", 1) == "%k"                   # flags/width before it are dropped
    assert fmt(b"%jd %d", 5) == "%jd 5"             # 3.14 does not parse j or q
    assert fmt(b"%qd", 5) == "%qd"
    assert fmt(b"50%") == "50%"


def test_percent_n_is_ignored_with_a_warning():
    warnings = []
    args = Args(3)
    assert vsnprintf(b"a%n%d", args, MEM.read_cstr, warn=warnings.append) == "a%n3"
    assert args.calls == [32]                       # the %n pointer argument is not consumed
    assert warnings == ["Please remove ignored %n in 'n%d'"]


def test_format_stops_at_nul():
    assert fmt(b"abc\0%d", 1) == "abc"


# -- 64-bit arguments: only ll / L ask for a u64, the args source aligns it ---------------------

def test_long_long_alignment_skips_the_odd_register():
    # printk(fmt, 1, 0x100000000LL): r1 = 1, r2:r3 = the long long (r2 is even)
    args = Args(1, 0, 1)
    assert vsnprintf(b"%d %lld", args, MEM.read_cstr) == "1 4294967296"
    assert args.calls == [32, 64]
    # printk(fmt, 5LL, 2): r2:r3 = 5 (r1 is padding), then 2 on the stack
    args = Args(0xBAD, 5, 0, 2)
    assert vsnprintf(b"%llu %d", args, MEM.read_cstr) == "5 2"
    assert args.calls == [64, 32]


@pytest.mark.parametrize("f, lo, hi, expected", [
    (b"%lld", 0xFFFFFFFF, 0xFFFFFFFF, "-1"),
    (b"%llu", 0xFFFFFFFF, 0xFFFFFFFF, "18446744073709551615"),
    (b"%llx", 0x89ABCDEF, 0x01234567, "123456789abcdef"),
    (b"%Ld", 0x00000000, 0x80000000, "-9223372036854775808"),
    (b"%016llX", 0xBEEF, 0, "000000000000BEEF"),
])
def test_long_long(f, lo, hi, expected):
    assert vsnprintf(f, Args(0, lo, hi), MEM.read_cstr) == expected


# -- %p ------------------------------------------------------------------------------------------

def test_plain_pointer_is_8_zero_padded_lowercase_hex_digits():
    assert fmt(b"%p", 0xBF00ABCD) == "bf00abcd"
    assert fmt(b"%p", 0x10) == "00000010"
    assert fmt(b"%pK", 0xC0FFEE00) == "c0ffee00"
    assert fmt(b"%#p", 0x10) == "0x00000010"
    assert fmt(b"%12p|", 0x10) == "          10|"  # an explicit width drops the zero padding


def test_null_pointer_prints_null_in_pointer_width():
    assert fmt(b"[%p]", 0) == "[  (null)]"
    assert fmt(b"[%pK]", 0) == "[00000000]"
    assert fmt(b"[%pS]", 0) == "[  (null)]"


def test_pointer_swallows_following_alphanumerics():
    assert fmt(b"%pval=%d", 0x1234, 5) == "00001234=5"
    assert fmt(b"%pZ9!", 0x1234) == "00001234!"


def test_symbol_extensions():
    def symbolize(addr):
        return {0xBF000040: "led_ioctl+0x0/0x80 [leddrv]"}.get(addr)

    assert fmt(b"%pS", 0xBF000040, symbolize=symbolize) == "led_ioctl+0x0/0x80 [leddrv]"
    assert fmt(b"%pF", 0xBF000040, symbolize=symbolize) == "led_ioctl+0x0/0x80 [leddrv]"
    assert fmt(b"%ps", 0xBF000040, symbolize=symbolize) == "led_ioctl [leddrv]"
    assert fmt(b"%pf()", 0xBF000040, symbolize=symbolize) == "led_ioctl [leddrv]()"
    assert fmt(b"%pS", 0xBF000999, symbolize=symbolize) == "0xbf000999"
    assert fmt(b"%pS", 0xBF000999) == "0xbf000999"
    assert fmt(b"%14ps|", 0xBF000999) == "    0xbf000999|"


def test_mac_and_ipv4_extensions():
    mem = Memory({0xC0004000: bytes([0x00, 0x1A, 0x2B, 0x3C, 0x4D, 0xFE]),
                  0xC0005000: bytes([192, 168, 1, 7])})
    out = vsnprintf(b"%pM %pm %pMR %pMF %pI4 %pi4 %pI4h", Args(*[0xC0004000] * 4,
                    *[0xC0005000] * 3), mem.read_cstr, read_bytes=mem.read_bytes)
    assert out == ("00:1a:2b:3c:4d:fe 001a2b3c4dfe fe:4d:3c:2b:1a:00 00-1a-2b-3c-4d-fe "
                   "192.168.1.7 192.168.001.007 7.1.168.192")


def test_ipv6_uuid_hex_and_phys_addr_extensions():
    v6 = bytes.fromhex("20010db8000000000000000000000001")
    mapped = bytes.fromhex("00000000000000000000ffffc0a80107")
    uuid = bytes(range(16))
    mem = Memory({0xC0006000: v6, 0xC0007000: mapped, 0xC0008000: uuid,
                  0xC0009000: (0x11000C40).to_bytes(4, "little")})

    def render(f, *words):
        return vsnprintf(f, Args(*words), mem.read_cstr, read_bytes=mem.read_bytes)

    assert render(b"%pI6", 0xC0006000) == "2001:0db8:0000:0000:0000:0000:0000:0001"
    assert render(b"%pi6", 0xC0006000) == "20010db8000000000000000000000001"
    assert render(b"%pI6c", 0xC0006000) == "2001:db8::1"
    assert render(b"%pI6c", 0xC0007000) == "::ffff:192.168.1.7"
    assert render(b"%pU", 0xC0008000) == "00010203-0405-0607-0809-0a0b0c0d0e0f"
    assert render(b"%pUL", 0xC0008000) == "03020100-0504-0706-0809-0A0B0C0D0E0F"
    assert render(b"%*ph", 3, 0xC0008000) == "00 01 02"
    assert render(b"%*phC", 3, 0xC0008000) == "00:01:02"
    assert render(b"%*phN", 3, 0xC0008000) == "000102"
    assert render(b"%ph", 0xC0008000) == "00"
    assert render(b"%pa", 0xC0009000) == "0x11000c40"


def test_sockaddr_extensions():
    """%pIS/%piS (3.11+): a struct sockaddr by family; p port, and for IPv6 f flowinfo,
    s scope, c compressed, in brackets with any of p/f/s; another family is invalid."""
    v4 = (2).to_bytes(2, "little") + (12345).to_bytes(2, "big") + bytes([1, 2, 3, 4])
    v6 = ((10).to_bytes(2, "little") + (443).to_bytes(2, "big")
          + (0xF0000007).to_bytes(4, "big") + bytes.fromhex("20010db8000000000000000000000001")
          + (3).to_bytes(4, "little"))
    mem = Memory({0xC0004000: v4 + bytes(8), 0xC0005000: v6,
                  0xC0006000: (1).to_bytes(2, "little") + bytes(14)})

    def render(f, *words):
        return vsnprintf(f, Args(*words), mem.read_cstr, read_bytes=mem.read_bytes)

    assert render(b"%pIS|%piS|%pISp|%piSp", *[0xC0004000] * 4) == \
        "1.2.3.4|001.002.003.004|1.2.3.4:12345|001.002.003.004:12345"
    assert render(b"%pISh", 0xC0004000) == "4.3.2.1"
    assert render(b"%pIS", 0xC0005000) == "2001:0db8:0000:0000:0000:0000:0000:0001"
    assert render(b"%pISc", 0xC0005000) == "2001:db8::1"
    assert render(b"%pISpc", 0xC0005000) == "[2001:db8::1]:443"
    assert render(b"%pISpfsc", 0xC0005000) == "[2001:db8::1]:443/7%3"
    assert render(b"%piS", 0xC0005000) == "20010db8000000000000000000000001"
    assert render(b"%pIS|", 0xC0006000) == "(invalid address)|"
    # 3.14 formats the port with the conversion's own spec: a width pads it too
    assert render(b"%8pISp|", 0xC0004000) == "1.2.3.4:   12345|"


def test_memory_reading_extension_without_read_bytes_is_refused():
    with pytest.raises(FormatError, match="read_bytes"):
        fmt(b"%pM", 0xC0004000)


def test_unmodelled_pointer_extensions_print_the_pointer():
    assert fmt(b"%pR", 0xC0001234) == "c0001234"
    assert fmt(b"%pNF", 0xC0001234) == "c0001234"
    assert fmt(b"%pV", 0xC0001234, va_format=lambda addr: b"inner") == "inner"


def test_size_truncates_like_a_c_buffer():
    assert vsnprintf_bytes(b"%s world", Args(0xC0001000), MEM.read_cstr, size=8) == b"hello w"
    assert vsnprintf_bytes(b"abc", Args(), MEM.read_cstr, size=0) == b""


def test_invalid_utf8_is_replaced():
    mem = Memory({0xC0001000: b"caf\xe9\0"})
    assert vsnprintf(b"%s", Args(0xC0001000), mem.read_cstr) == "caf\ufffd"


# -- printk levels -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    (b"\x016hello\n", (6, False, b"hello\n")),       # KERN_INFO
    (b"\x010panic", (0, False, b"panic")),           # KERN_EMERG
    (b"\x017dbg", (7, False, b"dbg")),               # KERN_DEBUG
    (b"\x01cmore", (None, True, b"more")),           # KERN_CONT
    (b"\x01dplain", (DEFAULT_MESSAGE_LOGLEVEL, False, b"plain")),  # KERN_DEFAULT
    (b"plain", (None, False, b"plain")),
    (b"\x018x", (None, False, b"\x018x")),           # not a level: left alone
    (b"\x01", (None, False, b"\x01")),
    # 3.14 strips one prefix only (printk_skip_level); later kernels loop
    (b"\x01c\x016x", (None, True, b"\x016x")),
])
def test_split_level(text, expected):
    assert split_level(text) == expected


def test_get_level():
    assert get_level(b"\x013err") == "3"
    assert get_level(b"\x01cx") == "c"
    assert get_level(b"x") is None


def test_format_printk_reads_the_level_after_formatting():
    args = Args(0xC0003000, 1)
    level, cont, text = format_printk(b"\x016%s is %d\n", args, MEM.read_cstr)
    assert (level, cont, text) == (6, False, "LED2 is 1\n")
    # printk("%s...", KERN_ERR): the level arrives through an argument
    mem = Memory({0xC0001000: b"\x013\0"})
    assert format_printk(b"%soops", Args(0xC0001000), mem.read_cstr) == (3, False, "oops")
    assert format_printk(b"\x01c, more", Args(), MEM.read_cstr) == (None, True, ", more")


def test_format_printk_truncates_to_printk_buffer():
    mem = Memory({0xC0001000: b"x" * 2000 + b"\0"})
    level, cont, text = format_printk(b"\x014%s", Args(0xC0001000), mem.read_cstr)
    assert level == 4 and len(text) == LOG_LINE_MAX - 1 - 2
