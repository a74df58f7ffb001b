"""`--plot FILE.png|svg`: a real run drawn as a timeline with one named row per LED and per
pin that changed; the format comes from the extension; a crash still leaves the picture."""

import io
import shutil
import struct
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from emulator.cli import main
from emulator.debug.plot import BUSY, PlotWriter, _visible, plot_format
from emulator.errors import InputError
from emulator.machine import Machine
from tests.conftest import PREBUILT
from tests.e2e.helpers import cli

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROWS = ["LED2", "LED3", "LED4", "LED5", "gpf3-4", "gpf3-5", "gpx1-0", "gpx2-7"]


def svg_texts(path):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png_and_svg_of_a_run(tmp_path):
    m = Machine("fs4412", str(PREBUILT), console=io.StringIO().write)
    writers = [PlotWriter(m, tmp_path / "t.png"), PlotWriter(m, tmp_path / "T.SVG")]
    try:
        m.insmod("leddrv.ko")
        m.mknod("/dev/leddev", "c", 11, 0)
        assert m.run("./testled_app", ["/dev/leddev", "1", "2"]) == 0
        assert m.run("./testled_app", ["/dev/leddev", "0", "2"]) == 0
    finally:
        for writer in writers:
            writer.close()
    width, height = png_size(tmp_path / "t.png")
    assert width > 300 and height > 200
    texts = svg_texts(tmp_path / "T.SVG")
    assert [t for t in texts if t in ROWS] == ROWS        # every row named, top to bottom
    assert "virtual time (us)" in texts


def test_format_from_extension():
    assert plot_format("a/b.png") == "png" and plot_format("x.Svg") == "svg"
    for bad in ("t.jpg", "t.pdf", "png", "t.png.txt"):
        with pytest.raises(InputError, match=r"unsupported file type \(use \.png or \.svg\)"):
            plot_format(bad)


def test_sub_pixel_toggling_is_one_busy_block():
    toggles = [(t, t + 1, t % 2) for t in range(100, 200)]            # 100 one-ns segments
    segments = [(0, 100, None)] + toggles + [(200, 1000, 1), (1000, 1001, 0)]
    assert _visible(segments, 5) == [(0, 100, None), (100, 200, BUSY), (200, 1000, 1),
                                     (1000, 1001, BUSY)]


def test_cli_plot_after_a_kernel_oops(rootfs, variant_drivers):
    shutil.copy(variant_drivers["nullderef"], rootfs)
    (rootfs / "t.board").write_text("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n"
                                    "./testled_app /dev/leddev 1 2\ninsmod nullderef.ko\n"
                                    "mknod /dev/nd c 240 0\n./testled_app /dev/nd 1 2\n")
    proc = cli("run", str(rootfs / "t.board"), "--plot", str(rootfs / "t.svg"))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert {"LED2", "gpx2-7"} <= set(svg_texts(rootfs / "t.svg"))


def test_cli_rejects_other_extensions_before_the_run(rootfs):
    (rootfs / "t.board").write_text("insmod leddrv.ko\n")
    result = CliRunner().invoke(main, ["run", str(rootfs / "t.board"),
                                       "--plot", str(rootfs / "t.jpg")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "--plot" in result.output and "unsupported file type" in result.output
    assert "insmod" not in result.output and not (rootfs / "t.jpg").exists()
