"""Virq numbers for the interrupt controllers' hardware IRQs (Linux kernel/irq/irqdomain.c).

Minimal version written for issue 12 (the board-numbering helper owns the full one with the
same interface): each domain is a named range of hardware IRQs; ``create_mapping`` gives a
hardware IRQ the next free virq on first use, as irq_create_mapping does for linear domains.
Domain names: "gic" (hwirq = GIC ID, SPI n = 32 + n), "combiner" (group * 8 + bit),
"gpx0".."gpx3" and the other EINT banks (hwirq = pin).
"""

#: virqs 1..15 are reserved for legacy ISA-style numbers (NR_IRQS_LEGACY), as on ARM.
FIRST_DYNAMIC_VIRQ = 16


class IrqDomains:
    def __init__(self):
        self._domains = {}           # name -> (size, {hwirq: virq}, first_virq or None)
        self._reverse = {}           # virq -> (name, hwirq)
        self._next = FIRST_DYNAMIC_VIRQ

    def add(self, name, size, first_virq=None):
        """A domain of ``size`` hardware IRQs; with first_virq, a legacy (fixed) range."""
        if name in self._domains:
            raise ValueError(f"irq domain {name} added twice")
        self._domains[name] = (size, {}, first_virq)
        if first_virq is not None:
            self._next = max(self._next, first_virq + size)

    def create_mapping(self, name, hwirq):
        """The virq of ``hwirq`` in domain ``name``, mapped on first use; 0 on failure."""
        domain = self._domains.get(name)
        if domain is None or not 0 <= hwirq < domain[0]:
            return 0
        size, mapping, first = domain
        virq = mapping.get(hwirq)
        if virq is None:
            if first is not None:
                virq = first + hwirq
            else:
                virq, self._next = self._next, self._next + 1
            mapping[hwirq] = virq
            self._reverse[virq] = (name, hwirq)
        return virq

    def find(self, virq):
        """(domain name, hwirq) of ``virq``, or None."""
        return self._reverse.get(virq)

    def names(self):
        return list(self._domains)
