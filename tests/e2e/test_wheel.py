"""The tool as pip installs it: a non-editable wheel in a fresh venv runs the demo, and its SDK
builds a module from anywhere (the SDK itself stays untouched)."""

import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

from tests.conftest import HAVE_CROSS, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel installed (--no-deps); the test venv's site-packages give
    the dependencies through a .pth line, which does not run the editable install's hook."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp / "dist"), str(ROOT)], capture_output=True, text=True)
    if built.returncode != 0 and "Could not find a version" in built.stderr:
        pytest.skip("no package index for the build requirements")
    assert built.returncode == 0, built.stderr
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    (target / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next((tmp / "dist").glob("emu4412-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--no-deps", "-q", str(wheel)], check=True)
    return venv


def test_wheel_runs_the_demo_from_anywhere(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([installed / "bin" / "python", "-c",
                            "import emulator; print(emulator.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert str(installed) in where.stdout          # the wheel's copy, not the checkout
    proc = subprocess.run([installed / "bin" / "emu4412", "run"], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "leds: LED2=on" in proc.stdout and "# rmmod leddrv" in proc.stdout
    sdk = subprocess.run([installed / "bin" / "emu4412", "sdk"], capture_output=True,
                         text=True, cwd=tmp_path, env=env, check=True).stdout.strip()
    assert sdk.startswith(str(installed)) and os.path.isfile(os.path.join(sdk, "Makefile"))
    shell = subprocess.run([installed / "bin" / "emu4412", "shell", "--board", "nosuch"],
                           capture_output=True, text=True, cwd=tmp_path, env=env,
                           stdin=subprocess.DEVNULL)
    assert shell.returncode == 2 and "Traceback" not in shell.stderr
    assert shell.stderr.startswith("emu4412: unknown board 'nosuch'")


@pytest.mark.skipif(not HAVE_CROSS, reason="arm-linux-gnueabi-gcc not installed")
def test_installed_sdk_builds_a_module_elsewhere(installed, tmp_path):
    sdk = subprocess.run([installed / "bin" / "emu4412", "sdk"], capture_output=True,
                         text=True, check=True).stdout.strip()
    before = sorted(p for p, _, _ in os.walk(sdk))
    src = tmp_path / "leddrv"
    shutil.copytree(ROOT / "firmware" / "drivers" / "leddrv", src)
    subprocess.run(["chmod", "-R", "a-w", sdk], check=True)       # builds go to M, not the SDK
    try:
        subprocess.run(["make", "-s", "-C", sdk, f"M={src}", "modules"], check=True,
                       capture_output=True)
    finally:
        subprocess.run(["chmod", "-R", "u+w", sdk], check=True)
    assert (src / "leddrv.ko").read_bytes()[:4] == b"\x7fELF"
    assert sorted(p for p, _, _ in os.walk(sdk)) == before


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path):
    """matplotlib is the optional `plot` extra: without it --plot fails in one line."""
    code = ("import sys; sys.modules['matplotlib'] = None; sys.argv[0] = 'emu4412'; "
            "from emulator.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code, "run", "--plot", str(tmp_path / "p.png")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == \
        "emu4412: --plot needs matplotlib: pip install 'emu4412[plot]'"
