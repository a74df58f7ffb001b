"""Build the native Unicorn hook callbacks (emulator/native/hooks.c) and map the bundled data
into the package; the project's metadata is in pyproject.toml.

The repository keeps boards/ and firmware/ at the top level (the firmware Makefile and other
work add files there); a wheel carries them as emulator.data.boards, .prebuilt, .scenarios
and .sdk, found at run time by emulator/data/__init__.py.
"""

import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

#: Data package -> repository folder (emulator/data/__init__.py REPO_FOLDERS says the same).
DATA = {"boards": "boards", "prebuilt": "firmware/prebuilt", "scenarios": "firmware/scenarios",
        "sdk": "firmware/sdk"}


class BuildExt(build_ext):
    """The native part needs a C compiler and Python's headers: say so in one line if not."""

    def run(self):
        try:
            super().run()
        except Exception as e:  # noqa: BLE001 - distutils raises several unrelated classes
            sys.exit(f"emu4412: cannot build the native extension emulator._hooks ({e}); "
                     "install a C compiler and Python's headers "
                     "(Debian: apt-get install build-essential python3-dev)")


setup(
    packages=find_packages(include=["emulator*"]) + [f"emulator.data.{n}" for n in DATA],
    package_dir={f"emulator.data.{n}": folder for n, folder in DATA.items()},
    package_data={f"emulator.data.{n}": ["**/*"] for n in DATA},
    exclude_package_data={f"emulator.data.{n}": ["**/*.o", "**/.*.cmd"] for n in DATA},
    ext_modules=[Extension("emulator._hooks", ["emulator/native/hooks.c"])],
    cmdclass={"build_ext": BuildExt},
)
