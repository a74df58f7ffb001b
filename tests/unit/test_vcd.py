"""`--vcd`: the waveform parses back (pyvcd's reader) to the transitions the driver made, at
the virtual times the machine saw them, and stays valid when the guest crashes."""

import io
import shutil

import pytest
from vcd.reader import TokenKind, tokenize

from emulator.debug.vcd import VcdWriter
from emulator.errors import GuestFault
from emulator.machine import Machine
from tests.conftest import PREBUILT
from tests.e2e.helpers import cli

LED_PINS = {"fs4412.gpio.gpx2-7", "fs4412.gpio.gpx1-0", "fs4412.gpio.gpf3-4", "fs4412.gpio.gpf3-5"}
LEDS = {f"fs4412.leds.LED{n}" for n in (2, 3, 4, 5)}


def parse(data):
    """VCD bytes -> (timescale, wire names, [(t, name, value)], [every #t in order])."""
    names, scope, changes, times, timescale, t = {}, [], [], [], None, None
    for token in tokenize(io.BytesIO(data)):
        kind = token.kind
        if kind is TokenKind.TIMESCALE:
            timescale = str(token.timescale)
        elif kind is TokenKind.SCOPE:
            scope.append(token.scope.ident)
        elif kind is TokenKind.UPSCOPE:
            scope.pop()
        elif kind is TokenKind.VAR:
            assert token.var.size == 1
            names[token.var.id_code] = ".".join(scope + [token.var.reference])
        elif kind is TokenKind.CHANGE_TIME:
            t = token.time_change
            times.append(t)
        elif kind is TokenKind.CHANGE_SCALAR:
            changes.append((t, names[token.scalar_change.id_code], token.scalar_change.value))
    return timescale, set(names.values()), changes, times


def history(changes, name):
    return [(t, value) for t, n, value in changes if n == name]


def machine(rootfs=PREBUILT):
    return Machine("fs4412", str(rootfs), console=io.StringIO().write)


def led2_on_off(m):
    """Run the seed app: LED2 on, then off; returns the virtual times of the two LED events."""
    times = []
    m.tracer.subscribe("led", lambda kind, f: times.append(m.clock.now_ns()))
    m.insmod("leddrv.ko")
    m.mknod("/dev/leddev", "c", 11, 0)
    assert m.run("./testled_app", ["/dev/leddev", "1", "2"]) == 0
    assert m.run("./testled_app", ["/dev/leddev", "0", "2"]) == 0
    return times


def record(m, run):
    out = io.StringIO()
    writer = VcdWriter(m, out)
    try:
        result = run(m)
    finally:
        writer.close()
    return out.getvalue().encode(), result


def test_led_and_pin_transitions_in_virtual_time():
    m = machine()
    configured = []
    m.tracer.subscribe("pin", lambda kind, f: configured.append(m.clock.now_ns()))
    data, (t_on, t_off) = record(m, led2_on_off)
    end = m.clock.now_ns()
    timescale, wires, changes, times = parse(data)

    assert timescale == "1 ns"
    assert wires == LEDS | LED_PINS             # every LED; only the pins that changed
    assert history(changes, "fs4412.leds.LED2") == [(0, "0"), (t_on, "1"), (t_off, "0")]
    t_config = configured[0]                    # insmod makes the pins outputs, driven low
    assert 0 < t_config < t_on < t_off
    assert history(changes, "fs4412.gpio.gpx2-7") == [(0, "z"), (t_config, "0"),
                                                      (t_on, "1"), (t_off, "0")]
    assert history(changes, "fs4412.leds.LED3") == [(0, "0")]
    (_, z), (t_config1, low) = history(changes, "fs4412.gpio.gpx1-0")
    assert (z, low) == ("z", "0") and t_config1 in configured and t_config <= t_config1 < t_on
    assert times == sorted(set(times)) and times[-1] == end


def test_two_runs_write_identical_files():
    assert record(machine(), led2_on_off)[0] == record(machine(), led2_on_off)[0]


def test_close_twice_and_no_events_after_close():
    m = machine()
    out = io.StringIO()
    writer = VcdWriter(m, out)
    writer.close()
    written = out.getvalue()
    led2_on_off(m)
    writer.close()
    assert out.getvalue() == written
    _, wires, changes, _ = parse(written.encode())
    assert wires == LEDS and all(value == "0" for _, _, value in changes)


def test_file_is_complete_after_a_kernel_oops(rootfs, variant_drivers):
    shutil.copy(variant_drivers["nullderef"], rootfs)
    m = machine(rootfs)
    out = io.StringIO()
    writer = VcdWriter(m, out)
    with pytest.raises(GuestFault):
        try:
            led2_on_off(m)
            m.run("./testled_app", ["/dev/leddev", "1", "2"])
            m.insmod("nullderef.ko")
            m.mknod("/dev/nd", "c", 240, 0)
            m.run("./testled_app", ["/dev/nd", "1", "2"])      # oops in nullderef_ioctl
        finally:
            writer.close()                                      # as the CLI does
    _, wires, changes, times = parse(out.getvalue().encode())
    assert [v for _, v in history(changes, "fs4412.leds.LED2")] == ["0", "1", "0", "1"]
    assert times == sorted(set(times)) and times[-1] == m.clock.now_ns()


def test_cli_vcd_survives_a_kernel_oops(rootfs, variant_drivers):
    shutil.copy(variant_drivers["nullderef"], rootfs)
    (rootfs / "t.board").write_text("insmod leddrv.ko\nmknod /dev/leddev c 11 0\n"
                                    "./testled_app /dev/leddev 1 2\ninsmod nullderef.ko\n"
                                    "mknod /dev/nd c 240 0\n./testled_app /dev/nd 1 2\n")
    proc = cli("run", str(rootfs / "t.board"), "--vcd", str(rootfs / "t.vcd"))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    _, wires, changes, times = parse((rootfs / "t.vcd").read_bytes())
    assert wires == LEDS | LED_PINS
    assert [v for _, v in history(changes, "fs4412.leds.LED2")] == ["0", "1"]
    assert times == sorted(set(times))
