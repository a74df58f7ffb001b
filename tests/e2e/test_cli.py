"""The other CLI commands: info and the interactive shell."""

from pathlib import Path

from tests.e2e.helpers import ROOT, cli

PREBUILT = ROOT / "firmware" / "prebuilt"


def test_info_describes_a_module():
    proc = cli("info", str(PREBUILT / "leddrv.ko"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Linux kernel module" in out
    assert "vermagic: 3.14.0 SMP preempt mod_unload ARMv7 p2v8" in out
    assert "license: GPL" in out
    assert "register_chrdev_region" in out and "myled_ioctl" in out
    assert "R_ARM_CALL" in out and "R_ARM_MOVW_ABS_NC" in out
    assert ".init.text" in out


def test_info_describes_a_program():
    proc = cli("info", str(PREBUILT / "testled_app"))
    assert proc.returncode == 0
    assert "ARM EABI executable, statically linked" in proc.stdout
    assert "LOAD 0x00010000" in proc.stdout


def test_info_rejects_garbage_with_status_2(tmp_path):
    bad = tmp_path / "x.ko"
    bad.write_bytes(b"not an elf at all")
    proc = cli("info", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"emu4412: {bad}: not an ELF file"
    proc = cli("info", str(tmp_path / "missing.ko"))
    assert proc.returncode == 2 and "No such file or directory" in proc.stderr


def test_shell_reads_commands_from_stdin():
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "emulator.cli", "shell", "--console", "--rootfs", str(PREBUILT)],
        input="insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 4\nleds\n",
        capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "leds: LED2=off LED3=off LED4=on LED5=off" in proc.stdout


def test_bad_board_is_status_2(tmp_path):
    script = tmp_path / "t.board"
    script.write_text("leds\n")
    proc = cli("run", str(script), "--board", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unknown_command_fails_the_script(tmp_path):
    script = tmp_path / "t.board"
    script.write_text("frobnicate\nleds\n")
    proc = cli("run", str(script))
    assert proc.returncode == 1
    assert "frobnicate: command not found" in proc.stdout
    assert Path(script).exists()
