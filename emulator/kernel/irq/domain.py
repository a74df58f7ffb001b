"""IRQ domains and Linux irq numbers (virqs) as the FS4412's 3.14 kernel hands them out.

Facts from 3.14 (kernel/irq/irqdomain.c, irqdesc.c, drivers/irqchip/irq-gic.c,
exynos-combiner.c, drivers/pinctrl/pinctrl-exynos.c), SPARSE_IRQ with NR_IRQS 16:
- early_irq_init allocates irq descs 0-15; the GIC (irq_start -1) allocates 144 descs from
  16 and adds a *legacy* domain: virq == hwirq for GIC ids 16-159 (SPI n is id 32 + n).
- the combiner and every EINT bank (gpa0.., gpx0-gpx3) have *linear* domains: a virq is
  allocated when a mapping is first created, by irq_alloc_desc_from(hint) with hint =
  hwirq % nr_irqs (1 if 0): the first free number at or above the hint, then nr_irqs grows.
So the numbers depend on the order mappings are made at boot (device tree order), which the
caller (of/irq.py at populate time) follows.
"""

NR_IRQS_LEGACY = 16
IRQ_BITMAP_BITS = NR_IRQS_LEGACY + 8196     # 3.14: NR_IRQS + 8196 with SPARSE_IRQ


class _Domain:
    __slots__ = ("name", "size", "first_virq", "revmap")

    def __init__(self, name, size, first_virq):
        self.name, self.size, self.first_virq = name, size, first_virq
        self.revmap = {}           # hwirq -> virq


class IrqDomains:
    """The board's irq domains and the allocated-descriptor bitmap."""

    def __init__(self):
        self._allocated = set(range(NR_IRQS_LEGACY))   # early_irq_init
        self.nr_irqs = NR_IRQS_LEGACY
        self._domains = {}
        self._by_virq = {}         # virq -> (domain name, hwirq)

    def _alloc_from(self, start, count=1):
        """irq_alloc_descs(-1, start, count): the first free run at or after start."""
        virq = max(start, 0)
        while any(v in self._allocated for v in range(virq, virq + count)):
            virq += 1
        if virq + count > IRQ_BITMAP_BITS:
            return -1
        self._allocated.update(range(virq, virq + count))
        self.nr_irqs = max(self.nr_irqs, virq + count)     # irq_expand_nr_irqs
        return virq

    def add(self, name, size, first_virq=None):
        """A domain of size hwirqs. first_virq given: a legacy domain whose hwirq h maps to
        virq first_virq + h (descs allocated here); None: a linear domain (lazy mappings)."""
        if name in self._domains:
            raise ValueError(f"irq domain {name} added twice")
        domain = _Domain(name, size, first_virq)
        self._domains[name] = domain
        if first_virq is not None:
            for hwirq in range(size):
                virq = first_virq + hwirq
                self._allocated.add(virq)
                domain.revmap[hwirq] = virq
                self._by_virq[virq] = (name, hwirq)
            self.nr_irqs = max(self.nr_irqs, first_virq + size)
        return domain

    def add_gic(self, gic_irqs=160):
        """gic_init_bases for the primary GIC from DT: skip the 16 SGIs, legacy from 16."""
        hwirq_base = 16
        irq_base = self._alloc_from(16, gic_irqs - hwirq_base)
        domain = self.add("gic", 0, None)
        for hwirq in range(hwirq_base, gic_irqs):
            virq = irq_base + hwirq - hwirq_base
            domain.revmap[hwirq] = virq
            self._by_virq[virq] = ("gic", hwirq)
        domain.size, domain.first_virq = gic_irqs, irq_base - hwirq_base
        return domain

    def has(self, name):
        return name in self._domains

    def create_mapping(self, name, hwirq):
        """irq_create_mapping: the virq for (domain, hwirq), allocated if new; 0 on failure."""
        domain = self._domains.get(name)
        if domain is None or not 0 <= hwirq < domain.size:
            return 0
        virq = domain.revmap.get(hwirq)
        if virq is not None:
            return virq
        if domain.first_virq is not None:
            return 0                              # legacy domain: outside its range
        hint = hwirq % self.nr_irqs or 1
        virq = self._alloc_from(hint)
        if virq <= 0:
            virq = self._alloc_from(1)
            if virq <= 0:
                return 0
        domain.revmap[hwirq] = virq
        self._by_virq[virq] = (name, hwirq)
        return virq

    def find(self, virq):
        """(domain name, hwirq) of a mapped virq, or None."""
        return self._by_virq.get(virq)

    def mappings(self):
        """(virq, domain, hwirq) sorted by virq (for /proc/interrupts-like views and tests)."""
        return sorted((v, d, h) for v, (d, h) in self._by_virq.items())
