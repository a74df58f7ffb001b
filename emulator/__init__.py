"""emu4412: an emulator of the Samsung Exynos4412 FS4412 board for Linux driver development."""

__version__ = "0.1.0"


def __getattr__(name):
    """``from emulator import Board`` loads the emulator proper (unicorn) only when asked."""
    if name == "Board":
        from .board import Board
        return Board
    raise AttributeError(f"module 'emulator' has no attribute {name!r}")
