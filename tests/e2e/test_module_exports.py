"""EXPORT_SYMBOL between modules (kernel/module.c's resolve_symbol, ref_module,
verify_export_symbols): a module using another's exports loads after it, holds it (lsmod's
"Used by", rmmod refused) and lets go at its own rmmod (tests/drivers/modexport, modimport;
the pattern of the FS4412 course collection's module/test.c and main.c)."""

import shutil

import pytest

from emulator import Board
from emulator.errors import CommandFailed


def _texts(board):
    return [line.split("] ", 1)[1] for line in board.dmesg]


def test_module_uses_another_modules_exports(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["modexport"], tmp_path / "mod-export.ko")     # any file name
    shutil.copy(variant_drivers["modimport"], tmp_path)
    board = Board(rootfs=tmp_path)
    with pytest.raises(CommandFailed, match="unknown symbol in module: modexport_add, "
                                            "modexport_counter"):
        board.insmod("modimport.ko")
    assert "modimport: Unknown symbol modexport_add (err 0)" in _texts(board)

    assert board.insmod("mod-export.ko") == "modexport"      # struct module's name
    board.insmod("modimport.ko")
    assert "modimport: sum 5, counter 141" in _texts(board)
    modules = board.machine.vfs.read_file("/proc/modules").decode().splitlines()
    assert modules[0].startswith("modimport ") and " 0 - Live " in modules[0]
    assert modules[1].startswith("modexport ") and " 1 modimport, Live " in modules[1]

    with pytest.raises(CommandFailed, match="can't unload module 'modexport': "
                                            "Resource temporarily unavailable"):
        board.rmmod("modexport")
    assert board.rmmod("modimport") == []
    assert "modimport: exit, sum 9" in _texts(board)
    assert board.rmmod("modexport") == []
    assert "modexport: exit, counter 142" in _texts(board)
    assert board.machine.vfs.read_file("/proc/modules") == b""

