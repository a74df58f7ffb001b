"""The binary buddy allocator of one physical range (mm/page_alloc.c, Linux 3.14).

Free blocks of 2^order pages (order 0..MAX_ORDER-1) sit on one free list per order. An
allocation takes the first block of the smallest order that fits and splits it (`expand`):
each split puts the upper half back on the list one order down. A freed block merges with its
buddy (pfn ^ 2^order) while the buddy is free at the same order (`__free_one_page`). The lists
are LIFO, as Linux's are, so a page freed last is handed out first.
"""

MAX_ORDER = 11


class BuddyArea:
    """Free lists over pfns [start, end); the range is aligned to 2^(MAX_ORDER-1) pages."""

    def __init__(self, start_pfn, end_pfn, max_order=MAX_ORDER):
        self.start_pfn, self.end_pfn, self.max_order = start_pfn, end_pfn, max_order
        self.free_lists = [dict() for _ in range(max_order)]   # order -> {pfn: None}, LIFO
        self._free_order = {}                                   # free block head -> order
        self.nr_free = 0
        for pfn, order in reversed(list(self._blocks(start_pfn, end_pfn))):
            self.free(pfn, order)        # lowest block last: it is handed out first

    def __contains__(self, pfn):
        return self.start_pfn <= pfn < self.end_pfn

    @property
    def spanned(self):
        return self.end_pfn - self.start_pfn

    # -- allocation -------------------------------------------------------------------------
    def alloc(self, order):
        """The first pfn of a free 2^order block, or None."""
        for current in range(order, self.max_order):
            blocks = self.free_lists[current]
            if blocks:
                pfn, _ = blocks.popitem()
                del self._free_order[pfn]
                self._expand(pfn, order, current)
                self.nr_free -= 1 << order
                return pfn
        return None

    def _expand(self, pfn, low, high):
        while high > low:
            high -= 1
            self._push(pfn + (1 << high), high)

    def _push(self, pfn, order):
        self.free_lists[order][pfn] = None
        self._free_order[pfn] = order

    # -- freeing --------------------------------------------------------------------------
    def free(self, pfn, order):
        """Give back a 2^order block, merging it with free buddies."""
        self.nr_free += 1 << order
        while order < self.max_order - 1:
            buddy = pfn ^ (1 << order)
            if self._free_order.get(buddy) != order or buddy not in self:
                break
            del self.free_lists[order][buddy]
            del self._free_order[buddy]
            pfn &= ~(1 << order)
            order += 1
        self._push(pfn, order)

    def _blocks(self, start, end):
        """[start, end) as the largest naturally aligned blocks."""
        while start < end:
            order = self.max_order - 1
            while order and (start & ((1 << order) - 1) or start + (1 << order) > end):
                order -= 1
            yield start, order
            start += 1 << order

    def is_free(self, pfn):
        """Whether pfn lies inside a free block."""
        for order in range(self.max_order):
            head = pfn & ~((1 << order) - 1)
            if self._free_order.get(head) == order:
                return True
        return False

    def counts(self):
        """Free blocks per order (a /proc/buddyinfo row)."""
        return [len(blocks) for blocks in self.free_lists]

