"""`golden FILE` stays inside the script's folder (or --rootfs): `emu4412 test` neither shows
nor writes a host file outside it, also through a symbolic link."""

import os

import pytest

from tests.e2e.helpers import cli


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET host file\n")
    folder = tmp_path / "scripts"
    folder.mkdir()
    return folder, secret


@pytest.mark.parametrize("name", ["../secret.txt", "ABSOLUTE"])
def test_golden_outside_the_folder_is_refused(outside, name):
    folder, secret = outside
    name = str(secret) if name == "ABSOLUTE" else name
    (folder / "a.board").write_text(f"golden {name}\nleds\n")
    proc = cli("test", str(folder / "a.board"))
    assert proc.returncode == 1 and "TOP SECRET" not in proc.stdout
    assert f"golden: {name}: outside the script's folder" in proc.stdout
    assert "(invalid input)" in proc.stdout


def test_update_golden_does_not_write_outside(outside):
    folder, secret = outside
    target = secret.parent / "created.golden"
    (folder / "b.board").write_text("golden ../created.golden\nleds\n")
    proc = cli("test", "--update-golden", str(folder / "b.board"))
    assert proc.returncode == 1 and not target.exists()
    (folder / "c.board").write_text("golden ../secret.txt\nleds\n")
    cli("test", "--update-golden", str(folder / "c.board"))
    assert secret.read_text() == "TOP SECRET host file\n"


def test_sibling_symlink_out_of_the_folder(outside):
    folder, secret = outside
    (folder / "d.board").write_text("leds\n")
    os.symlink(secret, folder / "d.golden")
    for args in (["test"], ["test", "--update-golden"]):
        proc = cli(*args, str(folder / "d.board"))
        assert proc.returncode == 1 and "outside the script's folder" in proc.stdout
        assert "TOP SECRET" not in proc.stdout
    assert secret.read_text() == "TOP SECRET host file\n"


def test_golden_in_rootfs_is_allowed(outside, tmp_path):
    folder, _ = outside
    rootfs = tmp_path / "rootfs"
    rootfs.mkdir()
    (folder / "e.board").write_text(f"golden {rootfs / 'e.golden'}\nleds\n")
    proc = cli("test", "--update-golden", "--rootfs", str(rootfs), str(folder / "e.board"))
    assert proc.returncode == 0, proc.stdout
    assert (rootfs / "e.golden").exists()
