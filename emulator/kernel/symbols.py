"""Address -> `symbol+0xoff [module]`, over kernel service stubs, modules and the program."""

import bisect
import functools


class SymbolTable:
    """Sorted function/object symbols of one image, looked up by address or name.

    Also what debuggers need of the image: its ARM mapping symbols ($a code, $d data, $t
    Thumb) for disassembly, and where its .ARM.exidx unwind tables are in guest memory.
    """

    def __init__(self, label, symbols, start, end, mapping=(), exidx=(), kallsyms=False):
        """symbols: (addr, size, name); mapping: (addr, "$a"|"$d"|"$t"); exidx: (addr, size).

        symbols and mapping may be callables giving them: they are then read on the first
        lookup (a program's thousands of symbols are not needed to run it).
        kallsyms: of symbols at one address, name the first in symbols' order (a module's
        symbol table order: its static function before the init_module/cleanup_module
        alias), as the kernel's module kallsyms does; else the last by name."""
        self.label, self.start, self.end = label, start, end
        self._symbols, self._mapping = symbols, mapping
        self.exidx = tuple(exidx)
        self._kallsyms = kallsyms

    @functools.cached_property
    def _entries(self):
        symbols = self._symbols() if callable(self._symbols) else self._symbols
        if self._kallsyms:      # stable sort, reversed: the first at an address sorts last
            return sorted(reversed(list(symbols)), key=lambda e: e[0])
        return sorted((a, s, n) for a, s, n in symbols)

    @functools.cached_property
    def _addrs(self):
        return [e[0] for e in self._entries]

    @functools.cached_property
    def by_name(self):
        return {n: a for a, _, n in self._entries}

    @functools.cached_property
    def mapping(self):
        return sorted(self._mapping() if callable(self._mapping) else self._mapping)

    def state_at(self, addr):
        """"$a", "$d" or "$t": what the mapping symbols say addr holds ("$a" by default)."""
        i = bisect.bisect_right(self.mapping, (addr, "~")) - 1
        return self.mapping[i][1] if i >= 0 else "$a"

    def lookup(self, addr):
        i = bisect.bisect_right(self._addrs, addr) - 1
        if i < 0:
            return None
        base, size, name = self._entries[i]
        if size and addr >= base + size:
            return None
        return name, addr - base, size


class Symbolizer:
    def __init__(self, stub_name_at):
        self._stub_name_at = stub_name_at
        self.tables = []
        self.on_add = []             # callables(table): e.g. pending breakpoints resolving

    def add(self, table):
        self.tables.append(table)
        for callback in self.on_add:
            callback(table)

    def table_at(self, addr):
        return next((t for t in self.tables if t.start <= addr < t.end), None)

    def address_of(self, name):
        """The address of a module or program symbol (most recently loaded first), or None."""
        for table in reversed(self.tables):
            if name in table.by_name:
                return table.by_name[name]
        return None

    def remove(self, label):
        self.tables = [t for t in self.tables if t.label != label]

    def find(self, addr):
        """(name, offset, size, label) or None."""
        stub = self._stub_name_at(addr)
        if stub is not None:
            return stub, 0, 8, None
        for t in self.tables:
            if t.start <= addr < t.end:
                hit = t.lookup(addr)
                if hit:
                    return (*hit, t.label)
        return None

    def __call__(self, addr):
        hit = self.find(addr)
        if hit is None:
            return f"{addr:#010x}"
        name, off, size, label = hit
        text = f"{name}+{off:#x}" + (f"/{size:#x}" if size else "")
        return f"{text} [{label}]" if label else text

    def short(self, addr):
        """`name+0xoff` without size or module (trace fields, %pS)."""
        hit = self.find(addr)
        return f"{addr:#010x}" if hit is None else f"{hit[0]}+{hit[1]:#x}"


_SYMBOL_TABLES = {}
SYMBOL_TABLES_KEPT = 8      # ~0.7 MB each: a test worker sees many images (issue 16)


def program_symbols(program, comm, lo, hi):
    """A program's symbol table (program: loader.program.Program), built once per image and name (it is read-only); the
    least recently used of more than SYMBOL_TABLES_KEPT is dropped."""
    key = (program.digest, comm)
    table = _SYMBOL_TABLES.pop(key, None)
    if table is None:
        table = SymbolTable(comm, lambda: program.symbols, lo, hi,  # speed: read on first lookup
                            lambda: program.mapping, program.exidx)
    _SYMBOL_TABLES[key] = table                 # most recently used last
    while len(_SYMBOL_TABLES) > SYMBOL_TABLES_KEPT:
        del _SYMBOL_TABLES[next(iter(_SYMBOL_TABLES))]
    return table
