"""d_path of an open device file's f_path (fs/dcache.c), as the FS4412 course's key.c uses
it to learn which node was opened (tests/drivers/dpath)."""

import io
import shutil

from emulator.console import Console
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine


def test_d_path_names_the_node_the_file_was_opened_by(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["dpath"], tmp_path)
    out = io.StringIO()
    machine = Machine("fs4412", str(tmp_path), console=out.write, skeleton=board_skeleton())
    console = Console(machine, out)
    assert console.run_lines(["insmod dpath.ko", "mknod /dev/other c 10 60"]) == 0, \
        out.getvalue()
    assert machine.run("/bin/sh", ["-c", "cat /dev/dpath; cat /dev/other"]) == 0
    log = [text.rstrip("\n") for text in machine.log.texts()]
    # the name ends the buffer (PATH_MAX bytes with its NUL)
    assert "dpath: opened /dev/dpath (at buf+4085)" in log
    assert "dpath: opened /dev/other (at buf+4085)" in log
    assert log.count("dpath: short buffer -36") == 2           # ERR_PTR(-ENAMETOOLONG)
    assert machine.chrdev.open_paths == {}                     # forgotten at the last close
