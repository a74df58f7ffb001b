"""Exynos4412 clock management unit (CMU), the part the kernel's clock framework touches:
the gate registers of the peripherals the board's device tree names (Exynos4412 user's
manual, chapter 7 "Clock Controller"; bit positions as Linux 3.14's clk-exynos4.c uses
them). A gate bit set = the block's clock runs. Other CMU registers are not modelled.
"""

from .registers import Field, Reg, RegisterBlock

CMU_BASE, CMU_SIZE = 0x10030000, 0x20000
CLK_GATE_IP_PERIR, CLK_GATE_IP_PERIL = 0x8960, 0xC950

#: Gate bits of CLK_GATE_IP_PERIL and CLK_GATE_IP_PERIR (Exynos4x12).
PERIL_GATES = {"uart0": 0, "uart1": 1, "uart2": 2, "uart3": 3, "i2c0": 6, "i2c1": 7,
               "i2c2": 8, "i2c3": 9, "i2c4": 10, "i2c5": 11, "i2c6": 12, "i2c7": 13,
               "tsadc": 15, "pwm": 24}
PERIR_GATES = {"mct": 13, "watchdog": 14, "rtc": 15}


def _fields(gates):
    return tuple(Field(name.upper(), bit, 1) for name, bit in sorted(gates.items(),
                                                                      key=lambda g: g[1]))


def build_cmu(tracer, pc_provider=None):
    """The CMU's MMIO region; the gates reset to on (0xFFFFFFFF, as the manual gives)."""
    block = RegisterBlock("cmu", CMU_BASE, CMU_SIZE, tracer, pc_provider)
    block.add(Reg("CLK_GATE_IP_PERIR", CLK_GATE_IP_PERIR, reset=0xFFFFFFFF,
                  fields=_fields(PERIR_GATES), doc="peripheral-right gates (MCT, WDT, RTC)"))
    block.add(Reg("CLK_GATE_IP_PERIL", CLK_GATE_IP_PERIL, reset=0xFFFFFFFF,
                  fields=_fields(PERIL_GATES), doc="peripheral-left gates (UART, I2C, ADC, PWM)"))
    return block
