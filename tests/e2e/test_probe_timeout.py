"""A driver's probe that never returns, run from module init (platform_driver_register):
insmod stops at the time limit with status 3 and says so, where it used to end quietly as if
init had succeeded (tests/drivers/probeloop; the FS4412 course's fs4412_ds18b20.c)."""

import shutil
import subprocess
import sys

from tests.conftest import FIRMWARE


def test_probe_that_never_returns_is_a_timeout(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["probeloop"], tmp_path)
    (tmp_path / "loop.board").write_text("insmod probeloop.ko\n")
    # --max-time 1e9: the wall limit comes first (a fast host sleeps through 3600 s of board
    # time, the default virtual limit, within the 1 s)
    proc = subprocess.run([sys.executable, "-m", "emulator.cli", "run", str(tmp_path / "loop.board"),
                           "--timeout", "1", "--max-time", "1e9"],
                          capture_output=True, text=True, cwd=FIRMWARE.parent)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert "probeloop: poll 2" in out                     # the probe ran, sleeping between polls
    assert "timeout: probeloop init did not finish within 1 s" in out
