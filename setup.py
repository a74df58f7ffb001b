"""Build the native Unicorn hook callbacks (emulator/native/hooks.c); metadata is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("emulator._hooks", ["emulator/native/hooks.c"])])
