"""The seed scenario end to end: the course's leddrv.ko and testled_app on the emulated board."""

from tests.e2e.helpers import cli, cli_json, run_script


def test_bundled_demo_runs_and_ends_with_status_0():
    proc = cli("run")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "leds: LED2=on LED3=off LED4=off LED5=off" in proc.stdout
    assert "leds: LED2=off LED3=off LED4=off LED5=on" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_demo_json_report_shape():
    proc, report = cli_json("run")
    assert proc.returncode == 0
    assert report["ok"] is True and report["exit_code"] == 0
    assert report["leds"] == {"LED2": False, "LED3": False, "LED4": False, "LED5": False}
    assert all(step["status"] == 0 for step in report["steps"])
    stats = report["stats"]
    assert stats["mmio_writes"] > 0 and stats["syscalls"] > 0 and stats["hypercalls"] > 0
    assert set(stats) == {"instructions", "mmio_reads", "mmio_writes", "syscalls",
                          "hypercalls", "wall_s"}


def test_each_led_on_then_off(rootfs):
    for no, led in ((2, "LED2"), (3, "LED3"), (4, "LED4"), (5, "LED5")):
        status, out, m = run_script(f"""
insmod leddrv.ko
mknod /dev/leddev c 11 0
./testled_app /dev/leddev 1 {no}
""", rootfs)
        assert status == 0, out
        assert m.leds[led] is True
        assert [n for n, on in m.leds.items() if on] == [led]


def test_registers_after_init_match_the_seed(rootfs):
    status, out, m = run_script("insmod leddrv.ko\n", rootfs)
    assert status == 0, out
    gpx2 = m.hw.gpio.bank("gpx2").registers()
    assert gpx2["GPX2CON"] & 0xF0000000 == 0x10000000
    gpf3 = m.hw.gpio.bank("gpf3").registers()
    assert gpf3["GPF3CON"] & 0x00FF0000 == 0x00110000
    assert m.hw.gpio.pin("gpx2-7").function == "output"


def test_app_argument_errors_give_its_exit_statuses(rootfs):
    status, out, m = run_script("""
insmod leddrv.ko
mknod /dev/leddev c 11 0
./testled_app /dev/leddev 1
expect exit 1
expect stdout "The argument is too few"
./testled_app /dev/leddev 1 7
expect exit 2
./testled_app /dev/nothere 1 2
expect exit 3
expect stdout "open /dev/nothere failed"
""", rootfs)
    assert status == 0, out


def test_failed_command_stops_script_with_status_1(rootfs):
    status, out, _ = run_script("./testled_app /dev/leddev 1 2\nleds\n", rootfs)
    assert status == 1
    assert "open /dev/leddev failed" in out
    assert "# leds" not in out


def test_proc_devices_shows_boot_majors_and_driver(rootfs):
    status, out, m = run_script("insmod leddrv.ko\ncat /proc/devices\n", rootfs)
    assert status == 0
    assert "  1 mem\n" in out and " 10 misc\n" in out and "204 ttySAC\n" in out
    assert " 11 myled\n" in out


def test_rmmod_releases_everything(rootfs):
    status, out, m = run_script("insmod leddrv.ko\nrmmod leddrv\ncat /proc/devices\nlsmod\n",
                                rootfs)
    assert status == 0, out
    assert "myled" not in out.split("# cat /proc/devices")[1]
    assert "leak:" not in out
    assert m.modules.loaded == {}


def test_node_without_driver_is_enxio_and_missing_node_enoent(rootfs):
    """The app only says "open failed": the open syscall's own result tells the errnos apart."""
    from emulator.board import Board
    board = Board("fs4412", rootfs=rootfs, trace_kinds=("syscall",))
    board.mknod("/dev/nodrv", "c", 99, 0)
    assert board.run("./testled_app", "/dev/nodrv", 1, 2).status == 3
    assert board.run("./testled_app", "/dev/nothere", 1, 2).status == 3
    opens = [e["result"] for e in board.trace if e["name"] in ("open", "openat")]
    assert opens == [-6, -2]                     # -ENXIO (no driver), -ENOENT (no node)
