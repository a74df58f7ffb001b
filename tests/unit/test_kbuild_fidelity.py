"""Kbuild fidelity (issue 11): the SDK's compiler wins over a course Makefile's own
CROSS_COMPILE/CC, as the kernel's does; a missing command-line compiler is named."""

import shutil
import subprocess
from pathlib import Path

import pytest

SDK = Path(__file__).resolve().parents[2] / "firmware" / "sdk"
SOURCE = ('#include <linux/module.h>\n#include <linux/platform_device.h>\n'
          'static int __init c_init(void) { return 0; }\nmodule_init(c_init);\n'
          'MODULE_LICENSE("GPL");\n')
COURSE_MAKEFILE = """CROSS_COMPILE = /home/x/arm-none-linux-gnueabi-
CC = $(CROSS_COMPILE)gcc
ifeq ($(KERNELRELEASE),)
KERNELDIR ?= /home/linux/linux-3.14
PWD := $(shell pwd)
modules:
\t$(MAKE) -C $(KERNELDIR) M=$(PWD) modules
else
obj-m := course.o
endif
"""

pytestmark = pytest.mark.skipif(shutil.which("arm-linux-gnueabi-gcc") is None,
                                reason="arm-linux-gnueabi-gcc not installed")


def _course(tmp_path):
    (tmp_path / "course.c").write_text(SOURCE)
    (tmp_path / "Makefile").write_text(COURSE_MAKEFILE)
    return tmp_path


def test_course_makefile_with_its_own_cross_compile_builds(tmp_path):
    d = _course(tmp_path)
    done = subprocess.run(["make", f"KERNELDIR={SDK}"], cwd=d, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (d / "course.ko").exists()


def test_missing_command_line_compiler_is_named_and_replaced(tmp_path):
    d = _course(tmp_path)
    done = subprocess.run(["make", f"KERNELDIR={SDK}", "CROSS_COMPILE=arm-none-linux-gnueabi-"],
                          cwd=d, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "arm-none-linux-gnueabi-gcc not found; building with arm-linux-gnueabi-gcc" \
        in done.stdout
