"""emu4412: an emulator of the Samsung Exynos4412 FS4412 board for Linux driver development."""

__version__ = "0.1.0"
