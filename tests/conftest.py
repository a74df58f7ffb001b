"""Shared fixtures: paths, the cross-compiled firmware, and a machine factory."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIRMWARE = ROOT / "firmware"
PREBUILT = FIRMWARE / "prebuilt"
SDK = FIRMWARE / "sdk"
DRIVERS = ROOT / "tests" / "drivers"
HAVE_CROSS = shutil.which("arm-linux-gnueabi-gcc") is not None
#: The project's drivers built against the board's real kernel tree, when a developer has
#: them: binaries built with the tree's headers and Kbuild are not ours to distribute, so the
#: repository holds none; EMU4412_GENUINE names a folder of them (README, "The board's own
#: kernel ABI"). Without it the genuine variants skip.
GENUINE = Path(os.environ["EMU4412_GENUINE"]) if os.environ.get("EMU4412_GENUINE") else None
HAVE_GENUINE = GENUINE is not None and (GENUINE / "leddrv.ko").is_file()
needs_genuine = pytest.mark.skipif(not HAVE_GENUINE, reason="no modules built against the "
                                   "board's tree (set EMU4412_GENUINE to a folder of them)")
#: What a build leaves in a driver's folder (`make -C firmware prebuilt` builds in place).
BUILD_PRODUCTS = shutil.ignore_patterns("*.o", "*.ko", "*.mod.c", ".*.cmd", "modules.order",
                                        "Module.symvers", ".tmp_versions")
#: The two builds of every driver the scenarios load: the SDK's and the board tree's.
BUILDS = ("sdk", "genuine")


@pytest.fixture(scope="session", params=BUILDS)
def module_build(request):
    """Which build of the drivers a test loads; tests using `rootfs` or `variant_drivers`
    run once with each, with the same expectations (genuine: when EMU4412_GENUINE is set)."""
    if request.param == "genuine" and not HAVE_GENUINE:
        pytest.skip("no modules built against the board's tree (set EMU4412_GENUINE)")
    return request.param


def build_module(src_dir, out_dir, kcflags=""):
    """Build the module in src_dir with the SDK into out_dir (a copy); returns the .ko path."""
    dest = Path(out_dir) / Path(src_dir).name
    shutil.copytree(src_dir, dest, ignore=BUILD_PRODUCTS)      # sources only: built afresh
    subprocess.run(["make", "-s", "-C", str(SDK), f"M={dest}", "modules"]
                   + ([f"KCFLAGS={kcflags}"] if kcflags else []), check=True,
                   capture_output=True)
    kos = list(dest.glob("*.ko"))
    assert len(kos) == 1, kos
    return kos[0]


@pytest.fixture(scope="session")
def sdk_variant_drivers(tmp_path_factory):
    """Every driver under tests/drivers built with the SDK: name -> .ko path."""
    if not HAVE_CROSS:
        pytest.skip("arm-linux-gnueabi-gcc not installed (.ci/run installs it)")
    out = tmp_path_factory.mktemp("drivers")
    return {d.name: build_module(d, out) for d in sorted(DRIVERS.iterdir())
            if d.is_dir() and ((d / "Kbuild").exists() or (d / "Makefile").exists())}


@pytest.fixture(scope="session")
def variant_drivers(module_build, sdk_variant_drivers):
    """The tests/drivers modules of this build: name -> .ko path (the genuine build's come
    from EMU4412_GENUINE)."""
    if module_build == "sdk":
        return sdk_variant_drivers
    return {name: GENUINE / f"{name}.ko" for name in sdk_variant_drivers}


@pytest.fixture(scope="session")
def test_programs(tmp_path_factory):
    """The ARM programs under tests/programs, built static: name -> path."""
    if not HAVE_CROSS:
        pytest.skip("arm-linux-gnueabi-gcc not installed (.ci/run installs it)")
    out = tmp_path_factory.mktemp("programs")
    built = {}
    for src in sorted((ROOT / "tests" / "programs").glob("*.c")):
        exe = out / src.stem
        subprocess.run(["arm-linux-gnueabi-gcc", "-static", "-O2", "-o", str(exe), str(src)],
                       check=True, capture_output=True)
        built[src.stem] = exe
    return built


@pytest.fixture
def rootfs(tmp_path, module_build):
    """A board root filesystem holding the prebuilt images (with the genuine build: the
    drivers built against the board's tree in place of the SDK's)."""
    for f in PREBUILT.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    if module_build == "genuine":
        for f in GENUINE.glob("*.ko"):
            shutil.copy(f, tmp_path / f.name)
    return tmp_path
