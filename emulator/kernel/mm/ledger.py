"""The resource ledger with the memory subsystem's needs: a sync before every report (objects
the fast path allocated are recorded lazily) and look-ups of single entries."""

from ..resources import Ledger

#: Resource kinds the memory subsystem records (switched off with the leak check).
MEMORY_KINDS = ("kmalloc", "slab", "kmem_cache", "pages", "vmalloc", "percpu", "mempool")


class TrackedLedger(Ledger):
    def __init__(self, owner_of, symbolize):
        super().__init__(owner_of, symbolize)
        self.before_report = []        # callables run before held_by answers

    def held_by(self, module):
        for sync in self.before_report:
            sync()
        return super().held_by(module)

    def entry(self, kind, key):
        return self._held.get((kind, key))
