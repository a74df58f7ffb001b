"""Address -> `symbol+0xoff [module]`, over kernel service stubs, modules and the program."""

import bisect


class SymbolTable:
    """Sorted function/object symbols of one image, looked up by address."""

    def __init__(self, label, symbols, start, end):
        """symbols: iterable of (addr, size, name)."""
        self.label, self.start, self.end = label, start, end
        entries = sorted((a, s, n) for a, s, n in symbols)
        self._addrs = [e[0] for e in entries]
        self._entries = entries

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

    def add(self, table):
        self.tables.append(table)

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
