"""Multi-touch slots (drivers/input/input-mt.c and input_handle_abs_event, 3.14), as the
FS4412 course's touchscreen driver (ts-gt818.c) uses them: input_mt_init_slots, each slot's
values filtered apart, ABS_MT_SLOT staged and passed before the first changed value of another
slot (tests/drivers/mtinput)."""

import io
import shutil

from emulator.console import Console
from emulator.kernel.fs.skeleton import board_skeleton
from emulator.machine import Machine

EV_SYN, EV_ABS = 0, 3
SLOT, X, Y, ID = 0x2F, 0x35, 0x36, 0x39


def queued(client):
    out, i = [], client.tail
    while i != client.packet_head:
        out.append(client.buffer[i][2:])
        i = (i + 1) & client.mask
    client.tail = client.packet_head
    return out


def test_slots_filter_each_contact_and_stage_the_slot(variant_drivers, tmp_path):
    shutil.copy(variant_drivers["mtinput"], tmp_path)
    out = io.StringIO()
    machine = Machine("fs4412", str(tmp_path), console=out.write, skeleton=board_skeleton())
    assert Console(machine, out).run_lines(["insmod mtinput.ko"]) == 0, out.getvalue()
    log = [text.rstrip("\n") for text in machine.log.texts()]
    # a second call with the same count is a no-op, another count -EINVAL; the single-touch
    # axes copy the MT ones' ranges (INPUT_MT_DIRECT); every slot starts unused (id -1)
    assert "mtinput: init_slots 0, again 0, other -22, slots 2, ABS_X max 1023" in log
    assert "mtinput: BTN_TOUCH 1, direct 1, slot 1 id -1" in log
    core = machine.input.core
    idev = next(d for d in core.devices.values() if d.name == "mtinput")
    # input_estimate_events_per_packet: 2 slots + 1, 4 MT axes x 2, ABS_X/Y, 7; + 2
    assert idev.max_vals == 22
    client = machine.input.evdev.open(0, 0)._client         # /dev/input/event0

    def frame():
        assert machine.run("/bin/sh", ["-c", "echo > /dev/mtinput"]) == 0
        return queued(client)

    assert frame() == [(EV_ABS, ID, 5), (EV_ABS, X, 100), (EV_ABS, Y, 200),   # slot 0: staged
                       (EV_ABS, SLOT, 1), (EV_ABS, ID, 6), (EV_ABS, X, 300), (EV_ABS, Y, 400),
                       (EV_SYN, 0, 0)]
    # contact 0 unchanged: dropped, and the slot switch with it; contact 1 moved in x
    assert frame() == [(EV_ABS, X, 310), (EV_SYN, 0, 0)]
    assert frame() == [(EV_ABS, ID, -1), (EV_SYN, 0, 0)]                     # lifted
