"""Register addresses from the tree (drivers/of/address.c, 3.14): `reg` entries translated
through the parents' `ranges` (an empty `ranges;` is identity, as simple-bus has it),
of_address_to_resource and of_iomap."""

from .. import errno
from ..abi import RESOURCE
from ..hypercall import export

IORESOURCE_MEM = 0x200


def _cells_of(node, prop, default):
    n = node.parent
    while n is not None:
        value = n.cells(prop)
        if value:
            return value[0]
        n = n.parent
    return default


def _join(cells):
    value = 0
    for c in cells:
        value = (value << 32) | c
    return value


def reg_entries(node):
    """[(physical address, size)] of node's reg, or [] if it has none or cannot translate."""
    reg = node.cells("reg")
    if not reg:
        return []
    na, ns = _cells_of(node, "#address-cells", 1), _cells_of(node, "#size-cells", 1)
    if na == 0 or ns == 0:
        return []
    out = []
    for i in range(0, len(reg) - na - ns + 1, na + ns):
        addr = translate(node.parent, _join(reg[i:i + na]))
        if addr is None:
            return out
        out.append((addr, _join(reg[i + na:i + na + ns])))
    return out


def translate(bus, addr):
    """Walk up from bus applying each `ranges`; None where a bus has no ranges."""
    while bus is not None and bus.parent is not None:
        ranges = bus.cells("ranges")
        if ranges is None:
            return None
        if ranges:
            na = (bus.cells("#address-cells") or [1])[0]
            pna = _cells_of(bus, "#address-cells", 1)
            ns = (bus.cells("#size-cells") or [1])[0]
            step = na + pna + ns
            for i in range(0, len(ranges) - step + 1, step):
                child, parent = _join(ranges[i:i + na]), _join(ranges[i + na:i + na + pna])
                size = _join(ranges[i + na + pna:i + step])
                if child <= addr < child + size:
                    addr = addr - child + parent
                    break
            else:
                return None
        bus = bus.parent
    return addr


class OfAddressApi:
    def __init__(self, tree, vm, ioremap):
        self._tree, self._vm, self._ioremap = tree, vm, ioremap

    @export()
    def of_address_to_resource(self, node, index, res):
        n = self._tree.node(node)
        entries = reg_entries(n) if n is not None else []
        if index >= len(entries):
            return -errno.EINVAL & 0xFFFFFFFF
        addr, size = entries[index]
        names = n.strings("reg-names")
        if names and index < len(names):
            name_va = self._tree.string_va(n, "reg-names", index)
        else:
            name_va = self._tree.full_name_va(n)
        vm = self._vm
        vm.write(res, bytes(RESOURCE.size))
        vm.write_u32(res + RESOURCE["start"], addr)
        vm.write_u32(res + RESOURCE["end"], addr + size - 1)
        vm.write_u32(res + RESOURCE["flags"], IORESOURCE_MEM)
        vm.write_u32(res + RESOURCE["name"], name_va)
        return 0

    @export()
    def of_iomap(self, node, index):
        """ioremap of the node's reg entry index; NULL if there is none."""
        n = self._tree.node(node)
        entries = reg_entries(n) if n is not None else []
        if index >= len(entries):
            return 0
        addr, size = entries[index]
        return self._ioremap.arm_ioremap(addr, size, 0)
