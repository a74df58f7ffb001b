"""Where the bundled data lives: boards, prebuilt images, scenarios and the SDK.

In an installed wheel the repository's `boards/`, `firmware/prebuilt/`, `firmware/scenarios/`
and `firmware/sdk/` ship as the packages `emulator.data.boards`, `.prebuilt`, `.scenarios` and
`.sdk` (pyproject.toml maps them, so the repository keeps its layout); in a source checkout
they are read where they are. Either way they are real directories (the SDK is run by make).
"""

from pathlib import Path

#: Data package name -> its folder in the repository (mirrors [tool.setuptools.package-dir]).
REPO_FOLDERS = {"boards": "boards", "prebuilt": "firmware/prebuilt",
                "scenarios": "firmware/scenarios", "sdk": "firmware/sdk"}
_REPO = Path(__file__).resolve().parents[2]


def data_dir(name: str) -> Path:
    """The directory of bundled data `name` (one of REPO_FOLDERS)."""
    found = Path(__file__).resolve().parent / name   # (importlib.resources' answer for a
                                                     # package on disk, without its imports)
    return found if found.is_dir() else _REPO / REPO_FOLDERS[name]
