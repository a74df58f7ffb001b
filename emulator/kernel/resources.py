"""Who holds which kernel resource: the ledger behind rmmod's leak report.

Every service that hands a module something it must give back (kmalloc'd memory, ioremap
mappings, chrdev regions, cdevs) records it here with the module that asked and the call
site; releasing removes it. At rmmod, what the module still holds is reported as a leak.
"""

from dataclasses import dataclass


@dataclass
class Held:
    kind: str          # "kmalloc", "ioremap", "chrdev_region", "cdev"
    key: int
    owner: str | None  # module name, or None for the kernel itself
    site: str          # symbolized caller, e.g. "myled_init+0x3c"
    what: str          # human description, e.g. "60 bytes at 0xc0800000"


class Ledger:
    def __init__(self, owner_of, symbolize):
        """owner_of(addr) -> module name or None; symbolize(addr) -> 'sym+0xoff'."""
        self._owner_of, self._symbolize = owner_of, symbolize
        self._held = {}

    def acquire(self, kind, key, caller, what):
        owner = self._owner_of(caller) if caller else None
        site = self._symbolize(caller) if caller else "kernel"
        self._held[(kind, key)] = Held(kind, key, owner, site, what)

    def release(self, kind, key):
        return self._held.pop((kind, key), None)

    def held_by(self, module):
        return [h for h in self._held.values() if h.owner == module]
