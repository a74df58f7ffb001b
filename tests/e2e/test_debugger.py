"""The debugger, driven through StringIO as a user would type at its prompt."""

import io
import re

from emulator.console import Console
from emulator.debug.debugger import Debugger
from emulator.machine import Machine
from tests.e2e.helpers import ROOT, cli

PREBUILT = ROOT / "firmware" / "prebuilt"
SCRIPT = ["insmod leddrv.ko", "mknod /dev/leddev c 11 0", "./testled_app /dev/leddev 1 2"]


def debug(commands, script=SCRIPT):
    out = io.StringIO()
    m = Machine("fs4412", str(PREBUILT), timeout_s=0, console=out.write)
    inp = io.StringIO(commands)
    d = Debugger(m, inp, out)
    d.attach()
    d.repl()
    status = Console(m, out, inp=inp).run_lines(script)
    return status, out.getvalue(), m


def test_pending_breakpoint_hits_in_the_driver_with_backtrace():
    status, out, m = debug("break myled_ioctl\nrun\nbt\ncontinue\n")
    assert status == 0
    assert "Breakpoint 1 (myled_ioctl) pending" in out
    assert "Breakpoint 1 at 0xbf" in out
    assert re.search(r"Breakpoint 1, myled_ioctl\+0x0/0x[0-9a-f]+ \[leddrv\]", out)
    bt = out.split("(emu4412-dbg) ")[3]
    assert re.search(r"#0  0xbf[0-9a-f]+ in myled_ioctl\+0x0", bt)
    assert "--- system call from user space ---" in bt
    assert re.search(r"in ioctl\+0x[0-9a-f]+/0x[0-9a-f]+ \[testled_app\]", bt)
    assert m.leds["LED2"] is True                  # the run went on to the end


def test_backtrace_from_led_on_and_finish():
    status, out, m = debug("break led_on\nrun\nbt\nfinish\ncontinue\n")
    assert status == 0
    assert re.search(r"#1  0xbf[0-9a-f]+ in myled_ioctl\+0x[0-9a-f]+", out)
    after_finish = out.split("(emu4412-dbg) ")[4]
    # Stopped back in the caller, after led_on lit the LED.
    assert re.search(r"^leds: LED2=on .*\nmyled_ioctl\+0x[0-9a-f]+/0x[0-9a-f]+ \[leddrv\]\n=> 0xbf",
                     after_finish)


def test_watch_pin_stops_on_the_register_write_that_drives_it():
    status, out, m = debug("watch write gpx2-7\nrun\ncontinue\nregs\nleds\ncontinue\n")
    assert status == 0
    assert "Watchpoint 1: GPX2CON write 0x10000000 changes gpx2-7 at set_output_ledconreg+0x" in out
    assert "Watchpoint 1: GPX2DAT write 0x00000080 changes gpx2-7 at led_on+0x" in out
    assert re.search(r"cpsr [0-9a-f]{8} [NZCV-]{4} svc", out)
    # The write is reported before it happens: the LED is still off at the stop.
    assert "LED2=off" in out.split("GPX2DAT write 0x00000080")[1]


def test_watch_register_reads_and_writes():
    status, out, m = debug("watch read GPX2DAT\nrun\ncontinue\ncontinue\n")
    assert "Watchpoint 1: GPX2DAT read (holds 0x00000000) at set_output_ledconreg+0x" in out


def test_disassembly_shows_jump_tables_as_data_and_stepping():
    status, out, m = debug("break led_on\nrun\ndisas led_on\nstepi\nstepi\nx/4x $sp\ncontinue\n")
    assert status == 0
    assert re.search(r"<led_on\+0x14>:\t\.word\t0xbf", out)          # the switch's table
    assert re.search(r"=> 0xbf[0-9a-f]+ <led_on\+0x0>:\tsub\tr1, r1, #2", out)
    assert "led_on+0x4/" in out and "led_on+0x8/" in out              # two single steps
    assert re.search(r"0x[c-e][0-9a-f]{7}:\t[0-9a-f]{8} [0-9a-f]{8}", out)   # the task's kernel stack


def test_gpio_command_and_bad_input():
    status, out, m = debug("break led_on\nrun\ngpio gpx2\nbreak nosuchsym_xyz\nfrobnicate\n"
                           "x/4x nowhere_sym\ncontinue\n")
    assert "GPX2CON      0x10000000" in out
    assert "gpx2-7   output  level 0 (driven)" in out
    assert "unknown command 'frobnicate'" in out
    assert "error: no symbol 'nowhere_sym'" in out


def test_quit_stops_the_script():
    status, out, m = debug("break myled_ioctl\nrun\nquit\n")
    assert status == 1
    assert "quit from the debugger" in out
    assert m.leds["LED2"] is False


def test_cli_debug_reads_commands_from_a_file(tmp_path):
    (tmp_path / "cmds").write_text("break myled_ioctl\nrun\nbt\ncontinue\n")
    script = tmp_path / "s.board"
    script.write_text("\n".join(SCRIPT) + "\n")
    proc = cli("debug", str(script), "--rootfs", str(PREBUILT), "-x", str(tmp_path / "cmds"))
    assert proc.returncode == 0, proc.stderr
    assert "Breakpoint 1, myled_ioctl+0x0" in proc.stdout and "#0  0xbf" in proc.stdout
