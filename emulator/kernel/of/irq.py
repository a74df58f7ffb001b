"""Interrupt specifiers to Linux irq numbers (drivers/of/irq.c, 3.14): interrupt-parent
chains, interrupt-map (the MCT's), each controller's xlate, and the boot-time order in which
the board's 3.14 kernel creates mappings (so virqs match the board's).
"""

from ..abi import RESOURCE
from ..hypercall import export
from ..irq.domain import IrqDomains

GIC_COMPATIBLE = "arm,cortex-a9-gic"
COMBINER_COMPATIBLE = "samsung,exynos4210-combiner"
PINCTRL_COMPATIBLE = "samsung,exynos4x12-pinctrl"
WAKEUP_COMPATIBLE = "samsung,exynos4210-wakeup-eint"
GIC_SPI, GIC_PPI = 0, 1


def _xlate_gic(cells):
    """gic_irq_domain_xlate: <type number flags>; SPI n is id 32 + n, PPI n is 16 + n."""
    if len(cells) < 3:
        return None
    return cells[1] + (32 if cells[0] == GIC_SPI else 16)


def _xlate_twocell(cells):
    """combiner (group, bit) -> group * 8 + bit; EINT banks (pin, type) -> pin."""
    return None if len(cells) < 2 else cells[0]


class OfIrq:
    """The controllers' domains (by node) and irq_of_parse_and_map."""

    def __init__(self, tree, domains=None):
        self._tree = tree
        self.domains = domains or IrqDomains()
        self._domain_of = {}        # controller DtNode -> (domain name, xlate)

    # -- boot ------------------------------------------------------------------------------
    def init_controllers(self):
        """init_IRQ and time_init: the GIC's legacy domain, the combiner's linear domain and
        its 20 parent lines, the MCT's global and first local timer interrupts."""
        tree = self._tree
        for node in tree.nodes:
            if tree.compatible_score(node, GIC_COMPATIBLE):
                if not self.domains.has("gic"):
                    self.domains.add_gic()
                self._domain_of[node] = ("gic", _xlate_gic)
        for node in tree.nodes:
            if tree.compatible_score(node, COMBINER_COMPATIBLE):
                groups = (node.cells("samsung,combiner-nr") or [20])[0]
                if not self.domains.has("combiner"):
                    self.domains.add("combiner", groups * 8)
                self._domain_of[node] = ("combiner",
                                         lambda c: None if len(c) < 2 else c[0] * 8 + c[1])
                for i in range(groups):
                    self.parse_and_map(node, i)
        for node in tree.nodes:
            if tree.compatible_score(node, "samsung,exynos4412-mct") and tree.available(node):
                self.parse_and_map(node, 0)
                for i in range(4, self.count(node)):
                    self.parse_and_map(node, i)

    def add_pinctrl_domains(self, node):
        """samsung_pinctrl_probe: a linear domain per EINT bank (gpio banks, then the
        wake-up banks), each gpx0/gpx1 pin's own GIC line, the wake-up mux line."""
        banks = [c for c in node.children if "interrupt-controller" in c.props]
        for bank in banks:
            if not bank.name.startswith("gpx"):
                self._add_bank(bank)
        for bank in banks:
            if bank.name.startswith("gpx"):
                self._add_bank(bank)
                if "interrupts" in bank.props:
                    for idx in range(self.count(bank)):
                        self.parse_and_map(bank, idx)
        wakeup = next((c for c in node.children
                       if self._tree.compatible_score(c, WAKEUP_COMPATIBLE)), None)
        if wakeup is not None and any(b.name.startswith("gpx") for b in banks):
            self.parse_and_map(wakeup, 0)

    def _add_bank(self, bank):
        if not self.domains.has(bank.name):
            pins = 8
            self.domains.add(bank.name, pins)
        self._domain_of[bank] = (bank.name, _xlate_twocell)

    # -- parsing ---------------------------------------------------------------------------
    def _find_parent(self, node):
        """of_irq_find_parent: interrupt-parent, inherited up the tree, to a node with
        #interrupt-cells."""
        child = node
        while child is not None:
            ph = child.cells("interrupt-parent")
            parent = self._tree.by_phandle.get(ph[0]) if ph else child.parent
            if parent is None or parent.cells("#interrupt-cells"):
                return parent
            child = parent
        return None

    def parse_one(self, node, index):
        """of_irq_parse_one: (controller node, specifier cells) or None."""
        spec = node.cells("interrupts")
        parent = self._find_parent(node)
        if spec is None or parent is None:
            return None
        size = parent.cells("#interrupt-cells")[0]
        cells = spec[index * size:(index + 1) * size]
        if len(cells) < size or size == 0:
            return None
        return self._parse_raw(parent, cells)

    def _parse_raw(self, parent, cells, depth=0):
        if depth > 8:
            return None
        if "interrupt-controller" in parent.props:
            return parent, cells
        imap = parent.cells("interrupt-map")
        if imap is None:
            return None
        addr = (parent.cells("#address-cells") or [0])[0]
        size = parent.cells("#interrupt-cells")[0]
        mask = parent.cells("interrupt-map-mask") or [0xFFFFFFFF] * (addr + size)
        want = [0] * addr + cells
        pos = 0
        while pos + addr + size < len(imap):
            child = imap[pos:pos + addr + size]
            target = self._tree.by_phandle.get(imap[pos + addr + size])
            if target is None:
                return None
            t_addr = (target.cells("#address-cells") or [0])[0]
            t_size = (target.cells("#interrupt-cells") or [0])[0]
            out = imap[pos + addr + size + 1 + t_addr:pos + addr + size + 1 + t_addr + t_size]
            if all((w & m) == (c & m) for w, c, m in zip(want, child, mask)):
                return self._parse_raw(target, out, depth + 1)
            pos += addr + size + 1 + t_addr + t_size
        return None

    def count(self, node):
        n = 0
        while self.parse_one(node, n) is not None:
            n += 1
        return n

    def parse_and_map(self, node, index):
        """irq_of_parse_and_map: the virq, 0 if the specifier or its domain is missing."""
        parsed = self.parse_one(node, index)
        if parsed is None:
            return 0
        controller, cells = parsed
        domain = self._domain_of.get(controller)
        if domain is None:
            return 0
        hwirq = domain[1](cells)
        return 0 if hwirq is None else self.domains.create_mapping(domain[0], hwirq)

    def trigger(self, node, index):
        """The trigger type flags of entry index (for IORESOURCE_IRQ flags), or 0."""
        parsed = self.parse_one(node, index)
        return (parsed[1][-1] & 0xF) if parsed else 0


class OfIrqApi:
    def __init__(self, of_irq, tree, vm):
        self._irq, self._tree, self._vm = of_irq, tree, vm

    @export()
    def irq_of_parse_and_map(self, node, index):
        n = self._tree.node(node)
        return self._irq.parse_and_map(n, index) if n is not None else 0

    @export()
    def of_irq_to_resource(self, node, index, res):
        n = self._tree.node(node)
        virq = self._irq.parse_and_map(n, index) if n is not None else 0
        if virq and res:
            vm = self._vm
            vm.write_u32(res + RESOURCE["start"], virq)
            vm.write_u32(res + RESOURCE["end"], virq)
            vm.write_u32(res + RESOURCE["flags"], 0x400 | self._irq.trigger(n, index))
            names = n.strings("interrupt-names") or []
            vm.write_u32(res + RESOURCE["name"],
                         self._tree.string_va(n, "interrupt-names", index) if index < len(names)
                         else self._tree.full_name_va(n))
        return virq
