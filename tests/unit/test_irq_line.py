"""IrqLine: the interface device models use to raise interrupts."""

from emulator.hw.irq import IrqLine


def test_unconnected_line_records_level():
    line = IrqLine("dev.irq")
    assert line.level == 0 and not line.connected
    line.raise_()
    assert line.level == 1
    line.lower()
    assert line.level == 0


def test_connected_line_forwards_changes_only():
    seen = []
    line = IrqLine("dev.irq")
    line.raise_()
    line.connect(seen.append)          # the controller sees the current level on connect
    line.raise_()                       # no change: not forwarded
    line.lower()
    line.pulse()
    assert seen == [1, 0, 1, 0]
