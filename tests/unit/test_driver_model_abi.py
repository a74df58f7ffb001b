"""The driver-model structures of emulator.kernel.abi (the board's 3.14 layouts, read from
the DWARF of a module built on the FS4412 kernel tree) agree with the SDK headers."""

from emulator.kernel import abi
from tests.unit.test_sdk_headers import compile_c

HEADERS = ("linux/platform_device.h", "linux/of.h", "linux/miscdevice.h", "linux/device.h",
           "linux/mod_devicetable.h", "linux/leds.h")
#: Sizes measured on the board's kernel (DESIGN.md section 8 and the DWARF of a probe module).
BOARD_SIZES = {"device": 296, "platform_device": 328, "platform_driver": 88,
               "of_device_id": 196, "miscdevice": 36, "device_driver": 60, "class": 60,
               "device_node": 60, "property": 24, "platform_device_id": 24,
               "led_classdev": 104}


def probe():
    lines = ["#include <linux/stddef.h>"] + [f"#include <{h}>" for h in HEADERS]
    for name, struct in sorted(abi.DRIVER_MODEL_STRUCTS.items()):
        for field, offset in struct.offsets.items():
            lines.append(f'_Static_assert(offsetof(struct {name}, {field}) == {offset}, '
                         f'"struct {name}: {field} is not at {offset}");')
        lines.append(f'_Static_assert(sizeof(struct {name}) == {struct.size}, '
                     f'"struct {name} is not {struct.size} bytes");')
    return "\n".join(lines) + "\n"


def test_headers_have_the_board_layouts(tmp_path):
    compile_c(tmp_path, probe(), "-fsyntax-only")


def test_table_sizes_are_the_boards():
    for name, size in BOARD_SIZES.items():
        assert abi.DRIVER_MODEL_STRUCTS[name].size == size, name
