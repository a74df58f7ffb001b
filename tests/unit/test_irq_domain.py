"""IrqDomains (emulator/kernel/irq/domain.py): 3.14's virq allocation, the interface the
interrupt-delivery code builds on."""

from emulator.kernel.irq.domain import IrqDomains


def test_gic_is_legacy_from_16():
    d = IrqDomains()
    d.add_gic()
    assert d.create_mapping("gic", 16) == 16 and d.create_mapping("gic", 32 + 25) == 57
    assert d.find(159) == ("gic", 159) and d.create_mapping("gic", 160) == 0
    assert d.nr_irqs == 160


def test_linear_domains_allocate_in_mapping_order_and_reuse():
    d = IrqDomains()
    d.add_gic()
    d.add("combiner", 160)
    d.add("gpx1", 8)
    assert d.create_mapping("combiner", 101) == 160
    assert d.create_mapping("gpx1", 1) == 161
    assert d.create_mapping("combiner", 101) == 160          # the existing mapping
    assert d.create_mapping("gpx1", 0) == 162                 # hint 0 -> 1 -> first free
    assert d.find(161) == ("gpx1", 1) and d.find(500) is None


def test_legacy_domain_with_first_virq_and_failures():
    d = IrqDomains()
    d.add("legacy", 4, first_virq=300)
    assert d.create_mapping("legacy", 2) == 302 and d.find(303) == ("legacy", 3)
    assert d.create_mapping("legacy", 4) == 0                 # outside the domain
    assert d.create_mapping("nosuch", 1) == 0
    d.add("lin", 2)
    assert d.create_mapping("lin", 1) == 16                   # below 300: first free >= 1
