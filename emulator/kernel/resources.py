"""Who holds which kernel resource: the ledger behind rmmod's leak report.

Every service that hands a module something it must give back (kmalloc'd memory, ioremap
mappings, chrdev regions, cdevs) records it here with the module that asked and the call
site; releasing removes it. At rmmod, what the module still holds is reported as a leak.
"""

from dataclasses import dataclass


@dataclass
class Held:
    """One resource a module holds (memory, a mapping, a device region), for the leak report."""
    kind: str          # "kmalloc", "ioremap", "chrdev_region", "cdev"
    key: int
    owner: str | None  # module name, or None for the kernel itself
    caller: int        # return address of the service call (0: the kernel itself)
    what: str          # human description, e.g. "60 bytes at 0xc0800000"
    site: str = ""     # symbolized caller, e.g. "myled_init+0x3c" (filled when reported)


class Ledger:
    def __init__(self, owner_of, symbolize):
        """owner_of(addr) -> module name or None; symbolize(addr) -> 'sym+0xoff'."""
        self._owner_of, self._symbolize = owner_of, symbolize
        self._held = {}

    def acquire(self, kind, key, caller, what):
        owner = self._owner_of(caller) if caller else None
        self._held[(kind, key)] = Held(kind, key, owner, caller, what)

    def release(self, kind, key):
        return self._held.pop((kind, key), None)

    def held_by(self, module):
        """What module still holds, call sites symbolized (while its symbols are loaded)."""
        held = [h for h in self._held.values() if h.owner == module]
        for h in held:
            h.site = self._symbolize(h.caller) if h.caller else "kernel"
        return held
