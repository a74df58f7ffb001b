"""The iomem/ioport resource trees (kernel/resource.c semantics) and their guest mirror."""

import pytest

from emulator.kernel.abi import RESOURCE
from emulator.machine import Machine


@pytest.fixture(scope="module")
def m():
    return Machine()


def name(m, text):
    va = m.kmalloc.alloc(len(text) + 1)
    m.vm.write(va, text.encode() + b"\0")
    return va


def request(m, tree, start, n, label):
    return m.resources.request_region(tree.root.va, start, n, name(m, label), 0)


def test_boot_tree_holds_ram_and_gpio_blocks(m):
    lines = m.resources.proc_iomem().splitlines()
    assert "11400000-11400fff : 11400000.pinctrl" in lines
    assert "40000000-7fffffff : System RAM" in lines
    assert any(line.startswith("  ") and "Kernel code" in line for line in lines)


def test_requests_nest_conflict_and_release(m):
    r = m.resources
    res = request(m, r.iomem, 0x11400040, 0x20, "gpb")
    assert res
    assert "  11400040-1140005f : gpb" in r.proc_iomem().splitlines()
    start, end, parent = (m.vm.read_u32(res + RESOURCE[f]) for f in ("start", "end", "parent"))
    assert (start, end) == (0x11400040, 0x1140005F)
    assert m.vm.read_u32(parent + RESOURCE["child"]) == res     # the pinctrl region's child
    assert request(m, r.iomem, 0x11400050, 4, "overlap") == 0   # busy: NULL
    assert request(m, r.iomem, 0x11400FF0, 0x20, "straddles") == 0
    r.release_region(r.iomem.root.va, 0x11400040, 0x20)
    assert "gpb" not in r.proc_iomem()
    assert request(m, r.iomem, 0x11400050, 4, "now free")
    r.release_region(r.iomem.root.va, 0x11400050, 4)


def test_releasing_a_region_never_requested_warns(m):
    m.resources.release_region(m.resources.ioport.root.va, 0x3F8, 8)
    assert m.dmesg()[-1].endswith(
        "Trying to free nonexistent resource <00000000000003f8-00000000000003ff>")


def test_ioports_use_eight_digits_and_data_symbols_resolve(m):
    r = m.resources
    assert request(m, r.ioport, 0x3F8, 8, "serial")
    assert r.proc_ioports() == "000003f8-000003ff : serial\n"
    r.release_region(r.ioport.root.va, 0x3F8, 8)
    assert m.hypercalls.address("iomem_resource") == r.iomem.root.va
    assert m.hypercalls.address("ioport_resource") == r.ioport.root.va


def test_board_port_window_is_validated(tmp_path):
    from emulator.errors import BoardError
    from emulator.hw.board import load_board
    text = ('name = "b"\nsoc = "exynos4412"\n[dram]\nbase = 0x40000000\nsize = 0x1000000\n'
            '[ioport]\nphys = 0x1F000000\nsize = 0x1000\n'
            'devices = [{ name = "p", kind = "%s", port = 0x300 }]\n')
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(text % "ports_test")
    bad.write_text(text % "uart16550")
    spec = load_board(str(good))
    assert spec.ioport.devices[0].port == 0x300
    with pytest.raises(BoardError, match=r"ioport\.devices\[0\]\.kind: unknown port device"):
        load_board(str(bad))
