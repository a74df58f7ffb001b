"""pytest plugin (entry point ``emu4412``): board scripts as tests, and a ``board`` fixture.

- Every ``*.board`` file pytest collects becomes one test item, run as ``emu4412 test``
  runs it (golden traces included): in a forked clone of a board booted once per process,
  so under pytest-xdist (``pytest -n 2``, ``--dist loadfile``, ``--tx``) each worker boots
  one board and reuses it; a failure shows the failing step, expected vs actual and the
  console's tail. Disable with ``-p no:emu4412``.
- ``board``: a fresh :class:`emulator.Board` ("fs4412") per test.

Root filesystem (where ``insmod leddrv.ko`` and ``./testled_app`` are looked up), first that
applies: ``--emu4412-rootfs DIR``; a conftest.py implementing
``pytest_emu4412_rootfs(config, path)`` (path: the script or test file); the ini option
``emu4412_rootfs``; else the script's own directory, and for the ``board`` fixture the
bundled prebuilt images (firmware/prebuilt).
"""

from pathlib import Path

import pytest

from .runner import report


class Hooks:
    @pytest.hookspec(firstresult=True)
    def pytest_emu4412_rootfs(self, config, path):
        """The root filesystem directory for the board script or test file ``path``."""


def pytest_addhooks(pluginmanager):
    pluginmanager.add_hookspecs(Hooks)


def pytest_addoption(parser):
    group = parser.getgroup("emu4412", "emu4412 board scripts")
    group.addoption("--emu4412-rootfs", metavar="DIR",
                    help="root filesystem for board scripts and the board fixture")
    group.addoption("--emu4412-timeout", type=float, default=10.0, metavar="S",
                    help="seconds a guest call may run (default 10)")
    group.addoption("--emu4412-update-golden", action="store_true",
                    help="rewrite the golden traces of the board scripts run")
    parser.addini("emu4412_rootfs", "root filesystem for board scripts and the board fixture")


def rootfs_for(node, default):
    """The configured root filesystem for ``node`` (see the module doc), else ``default``."""
    config = node.config
    given = config.getoption("emu4412_rootfs")
    if given:
        return str(Path(given).resolve())
    hooked = node.ihook.pytest_emu4412_rootfs(config=config, path=node.path)
    if hooked:
        return str(hooked)
    ini = config.getini("emu4412_rootfs")
    if ini:
        return str((config.rootpath / ini).resolve())
    return default


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".board":
        return BoardScriptFile.from_parent(parent, path=file_path)
    return None


class BoardScriptFile(pytest.File):
    def collect(self):
        yield BoardScriptItem.from_parent(self, name=self.path.stem)


class BoardScriptFailed(Exception):
    """A board script did not pass; carries its ScriptResult."""


class BoardScriptItem(pytest.Item):
    result = None

    def runtest(self):
        from .runner.clone import run_one
        from .runner.script import Options
        from .runner.session import deadline, lost

        config = self.config
        options = Options(rootfs=rootfs_for(self, None),
                          timeout=config.getoption("emu4412_timeout"),
                          update_golden=config.getoption("emu4412_update_golden"))
        script = str(self.path)
        self.result = result = run_one(script, options, lambda s: deadline(options, s), lost)
        if result.output:
            self.add_report_section("call", "console", result.output + "\n")
        for note in result.notes:
            self.user_properties.append(("note", note))
        if not result.passed:
            raise BoardScriptFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, BoardScriptFailed):
            return report.failure(excinfo.value.args[0], header=False, console=False)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        line = self.result.line - 1 if self.result is not None and self.result.line else 0
        return self.path, line, f"board script {self.path.name}"


@pytest.fixture
def board(request):
    """A fresh emulated FS4412 board (emulator.Board); see the module doc for its rootfs."""
    from .board import PREBUILT, Board

    return Board("fs4412", rootfs=rootfs_for(request.node, str(PREBUILT)),
                 timeout=request.config.getoption("emu4412_timeout"))
