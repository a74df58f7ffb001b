"""clk (issue 11): clocks from the node's clocks/clock-names, gates in the CMU registers,
100 MHz rates, clk_disable_unused at boot, -ENOENT for a name the node lacks."""

import shutil

from emulator import Board

# (issue 13) 3.14's exynos4 trees have no ADC node: the test adds one at the root, as
# course trees do (mapped after the keys' 164, 165: the combiner input gets 166)
ADC_DTS = ('#include "fs4412.dts"\n/ { adc@126C0000 { compatible = "samsung,exynos-adc-v1"; '
           'reg = <0x126C0000 0x100>; interrupt-parent = <&combiner>; interrupts = <10 3>; '
           'clocks = <&clock 326>; clock-names = "adc"; }; };\n')


def test_boot_leaves_only_the_used_gates_on():
    clk = Board().machine.dm.clk
    assert clk.gate_on("uart2") and clk.gate_on("mct")
    assert not any(clk.gate_on(n) for n in ("tsadc", "pwm", "i2c5", "watchdog", "uart0"))
    cmu = Board().machine.dm.cmu
    assert cmu.peek(0xC950) & 0x0100BFCF == 0x00000004      # of the modelled PERIL gates


def test_driver_clock_enable_reaches_the_gate(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["clkadc"], tmp_path)
    (tmp_path / "adc.dts").write_text(ADC_DTS)
    board = Board(rootfs=tmp_path, dt=tmp_path / "adc.dts", trace_kinds=("mmio_write",))
    board.insmod("clkadc.ko")
    assert any("clkadc 126c0000.adc: adc clock 100000000 Hz, irq 166, missing clock -2" in line
               for line in board.dmesg)
    clk = board.machine.dm.clk
    assert clk.gate_on("tsadc")
    assert any(e["reg"] == "CLK_GATE_IP_PERIL" and e["value"] & 0x8000 for e in board.trace)
    board.rmmod("clkadc")
    assert not clk.gate_on("tsadc")
