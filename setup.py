"""Build the one native helper (a C block counter for Unicorn); metadata is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("emulator._blockcount", ["emulator/native/blockcount.c"])])
