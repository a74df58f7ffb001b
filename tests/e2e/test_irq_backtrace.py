"""Backtraces from an interrupt handler go through the vector stub (issue 12): __irq_svc's
pt_regs lead back into the interrupted kernel code, __irq_usr's to the user program."""

import io
import re
import shutil
import subprocess

from emulator.console import Console
from emulator.debug.debugger import Debugger
from emulator.machine import Machine
from tests.conftest import FIRMWARE


def test_backtrace_from_a_handler_continues_in_the_interrupted_code(variant_drivers,
                                                                     tmp_path):
    shutil.copy(variant_drivers["irqbt"], tmp_path)
    subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(tmp_path / "spin_app"),
                    str(FIRMWARE / "apps" / "key_apps" / "spin_app.c")], check=True)
    out = io.StringIO()
    m = Machine("fs4412", str(tmp_path), timeout_s=0, console=out.write)
    inp = io.StringIO("break irqbt_isr\nrun\nbt\ncontinue\nbt\ncontinue\n")
    d = Debugger(m, inp, out)
    d.attach()
    d.repl()
    status = Console(m, out, inp=inp).run_lines(["insmod irqbt.ko", "./spin_app a 3",
                                                 "rmmod irqbt"])
    text = out.getvalue()
    assert status == 0, text
    in_init, in_user = text.split("(emu4412-dbg) ")[3], text.split("(emu4412-dbg) ")[5]
    # level-high K2 fires while init waits with IRQs on: through __irq_svc into init
    assert re.search(r"#0  0xbf[0-9a-f]+ in irqbt_isr\+0x0/", in_init)
    assert re.search(r"#1  0xbf[0-9a-f]+ in __irq_svc\+0x0", in_init)
    assert re.search(r"in irqbt_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[irqbt\]", in_init)
    # re-enabled by a timer while spin_app loops in user mode: __irq_usr, then its main
    assert re.search(r"#1  0xbf[0-9a-f]+ in __irq_usr\+0x0", in_user)
    assert "--- interrupt from user space ---" in in_user
    assert re.search(r"in main\+0x[0-9a-f]+/0x[0-9a-f]+ \[spin_app\]", in_user)
    assert "irqbt: 2 interrupt(s)" in text
