"""The board scripts here run on the committed firmware images (firmware/prebuilt)."""

from pathlib import Path

import pytest

PREBUILT = Path(__file__).resolve().parents[3] / "firmware" / "prebuilt"


@pytest.hookimpl(optionalhook=True)
def pytest_emu4412_rootfs(config, path):
    return PREBUILT
