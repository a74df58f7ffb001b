"""Allocation of kernel virtual ranges (the vmalloc area, the module area)."""

from .layout import PAGE_SIZE


def give_back(free_runs, start, end):
    """free_runs ([start, end) lists, sorted) with [start, end) returned, neighbours merged."""
    runs = sorted(free_runs + [[start, end]])
    merged = [runs[0]]
    for run in runs[1:]:
        if merged[-1][1] == run[0]:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return merged


class VmArea:
    """First-fit allocation of virtual ranges in [start, end), each followed by a guard page."""

    def __init__(self, start, end):
        self._free = [[start, end]]
        self.areas = {}      # va -> size (including the guard page)

    def alloc(self, size):
        size += PAGE_SIZE                       # guard page
        for run in self._free:
            if run[1] - run[0] >= size:
                va = run[0]
                run[0] += size
                self.areas[va] = size
                return va
        return None

    def reserve(self, va, size):
        """Take [va, va + size) out of the free runs for good (a static area); False if taken."""
        for i, run in enumerate(self._free):
            if run[0] <= va and va + size <= run[1]:
                pieces = [p for p in ([run[0], va], [va + size, run[1]]) if p[1] > p[0]]
                self._free[i:i + 1] = pieces
                return True
        return False

    def free(self, va):
        size = self.areas.pop(va, None)
        if size is None:
            return None
        self._free = give_back(self._free, va, va + size)
        return size - PAGE_SIZE
