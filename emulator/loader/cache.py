"""What the loaders parsed out of an ELF file, kept on disk for the next process.

Parsing a .ko or a program with pyelftools (and importing pyelftools at all) is a large part
of a short run's start-up, and a user runs the same images again and again. An entry holds
plain data (sections, symbols, relocations, DWARF struct layouts, segments; a section's or
segment's bytes as an offset into the file, span()) under a name made of a hash (BLAKE2b,
256 bits) of the file's bytes, the kind of parse, and a fingerprint of the code that made
it (the loader's source files, pyelftools' and Python's versions), so an entry is never
used for other contents or by another version of the parser: an edited loader or an upgraded
pyelftools simply misses. Only successful parses are stored; a file that fails to parse
fails the same way every time.

Where: $XDG_CACHE_HOME/emu4412/parsed (default ~/.cache/emu4412/parsed); EMU4412_NO_CACHE=1
turns it off. An unwritable or missing directory, or an unreadable, corrupt or foreign entry,
means parsing as if there were no cache. Writes are atomic (a temporary file renamed), the
folder keeps the newest MAX_ENTRIES entries (cut back when a quarter more have been written).
"""

import marshal
import os
import sys
import zlib

try:
    from _blake2 import blake2b     # hashlib's BLAKE2b, without hashlib loading OpenSSL (~7 ms)
except ImportError:                 # another Python's hashlib may have it elsewhere
    from hashlib import blake2b

#: The files whose code decides what an entry holds (with pyelftools and Python's versions).
SOURCES = ("cache.py", "elf.py", "module.py", "program.py", "dwarf.py")
MAX_ENTRIES = 256
_MAGIC = b"emu4412-parsed-1\n"


def default_root():
    """The cache folder the environment names, or None when caching is off."""
    if os.environ.get("EMU4412_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):          # the XDG spec: a relative path is to be ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "emu4412", "parsed")


def _fingerprint():
    """The parser's identity: its source files, pyelftools' and Python's versions."""
    import elftools              # the package's __init__ only (its version), not the parser
    h = blake2b(f"{elftools.__version__} {sys.version_info[:3]} {marshal.version}".encode(),
                digest_size=32)
    here = os.path.dirname(os.path.abspath(__file__))
    for name in SOURCES:
        with open(os.path.join(here, name), "rb") as f:
            h.update(f.read())
    return h.digest()


class ParseCache:
    """Entries under root (None: a cache that holds nothing)."""

    def __init__(self, root):
        self.root = root
        self._salt = None

    def key(self, kind, data):
        """The entry name for a `kind` parse of `data` (bytes); None when caching is off."""
        if self.root is None:
            return None
        if self._salt is None:
            try:
                self._salt = _fingerprint()
            except OSError:                  # no source to fingerprint: never trust a cache
                self.root = None
                return None
        h = blake2b(self._salt + kind.encode() + b"\0", digest_size=32)
        h.update(data)
        return h.hexdigest()

    def get(self, key):
        """The value stored under key, or None (no entry, or one that does not check out)."""
        if key is None:
            return None
        try:
            with open(os.path.join(self.root, key), "rb") as f:
                blob = f.read()
        except OSError:
            return None
        head = len(_MAGIC) + 4
        if blob[:len(_MAGIC)] != _MAGIC or len(blob) < head:
            return None
        body = blob[head:]
        if zlib.crc32(body) != int.from_bytes(blob[len(_MAGIC):head], "little"):
            return None
        try:
            stored_key, value = marshal.loads(body)
        except (ValueError, EOFError, TypeError):
            return None
        return value if stored_key == key else None

    def put(self, key, value):
        """Store value (plain data marshal can write) under key; silently nothing on failure."""
        if key is None:
            return
        body = marshal.dumps((key, value))
        blob = _MAGIC + zlib.crc32(body).to_bytes(4, "little") + body
        path = os.path.join(self.root, key)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(self.root, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
            self._trim()
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _trim(self):
        """Keep the newest MAX_ENTRIES entries, once there are a quarter more (so a run of
        new files, a fuzzer's, does not stat the folder at every write)."""
        names = os.listdir(self.root)
        if len(names) <= MAX_ENTRIES + MAX_ENTRIES // 4:
            return
        aged = []
        for name in names:
            try:
                aged.append((os.stat(os.path.join(self.root, name)).st_mtime, name))
            except OSError:
                pass
        for _, name in sorted(aged)[:len(aged) - MAX_ENTRIES]:
            try:
                os.unlink(os.path.join(self.root, name))
            except OSError:
                pass


def span(data, offset, blob):
    """blob, read from data at offset, as (offset, length) when it is that slice of data (so
    an entry points into its file instead of copying it), else as bytes."""
    n = len(blob)
    return (offset, n) if data[offset:offset + n] == blob else bytes(blob)


def unspan(data, ref):
    """The bytes span() described."""
    return ref if isinstance(ref, bytes) else data[ref[0]:ref[0] + ref[1]]


_CACHES = {}


def default_cache():
    """The cache at default_root(), as the environment says now."""
    root = default_root()
    cache = _CACHES.get(root)
    if cache is None:
        cache = _CACHES[root] = ParseCache(root)
    return cache
