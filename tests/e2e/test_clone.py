"""Boot once, fork per script (emulator/runner/clone.py): a script run on a forked clone of
the booted board is indistinguishable from a run on a fresh board, and what one script does
to its board (a crash, corrupted kernel memory, a dead worker) never reaches the next."""

import dataclasses
import faulthandler
import io
import os
import re
import shutil
import signal
import time

import pytest

from emulator.console import Console
from emulator.machine import Machine
from emulator.runner import clone
from emulator.runner.script import Options, run_script
from emulator.trace import CATALOGUE, Tracer
from tests.e2e.helpers import ROOT, cli

pytestmark = pytest.mark.skipif(not clone.CAN_FORK, reason="needs os.fork")

PREBUILT = ROOT / "firmware" / "prebuilt"
SCENARIOS = ROOT / "firmware" / "scenarios"
SEED = (SCENARIOS / "seed_demo.board").read_text()
LED2_ON = "insmod leddrv.ko\nmknod /dev/leddev c 11 0\n./testled_app /dev/leddev 1 2\n"
#: Overwrite the first-level page table entries of the kernel's linear map (0xC0000000...):
#: the next kernel access through them faults.
CORRUPT = "".join(f"devmem {0x40004000 + 4 * (0xC00 + i):#x} 32 0\n" for i in range(16)) \
    + "insmod leddrv.ko\n"


def _folder(tmp_path, drivers=(), **texts):
    folder = tmp_path / "board"
    folder.mkdir()
    for image in ("leddrv.ko", "testled_app", "memtest.ko", "memtest_app"):
        shutil.copy(PREBUILT / image, folder / image)
    for path in drivers:
        shutil.copy(path, folder)
    for name, text in texts.items():
        (folder / f"{name}.board").write_text(text)
    return folder


def _comparable(result):
    fields = dataclasses.asdict(result)
    fields.pop("duration")
    return fields


def _both(scripts, options):
    """Each script's result on a fresh board in this process and on a forked clone."""
    fresh = [run_script(str(s), options) for s in scripts]
    template = clone.template(options.board, options.timeout)
    clone.warm_images([str(s) for s in scripts], lambda s: os.path.dirname(s))
    work = lambda s: run_script(str(s), options, template)  # noqa: E731
    cloned = list(clone.run_forked(scripts, 1, work, lambda s: 60, lambda s, r: r))
    return fresh, cloned


def test_clone_results_are_those_of_fresh_boards(tmp_path, variant_drivers):
    memtest = (SCENARIOS / "memtest.board").read_text()
    folder = _folder(tmp_path, [variant_drivers[n] for n in ("overflow", "uaf", "nullderef",
                                                             "leakled")],
                     seed=SEED + "golden\n", memtest=memtest,
                     kasan="insmod overflow.ko\ninsmod uaf.ko\nexpect no-kasan\n",
                     oops="insmod nullderef.ko\nmknod /dev/nd c 240 0\n./testled_app /dev/nd 1 2\n",
                     leak="insmod leakled.ko\nrmmod leakled\nexpect no-leaks\n",
                     wrong=LED2_ON + "expect led LED2 off\n",
                     bad='insmod "leddrv.ko\n')
    scripts = sorted(folder.glob("*.board"))
    options = Options(update_golden=True)
    run_script(str(folder / "seed.board"), options)          # writes seed.golden
    fresh, cloned = _both(scripts, Options())
    assert [_comparable(r) for r in cloned] == [_comparable(r) for r in fresh]
    outcomes = {r.name: r.outcome for r in fresh}
    assert outcomes == {"bad": "failed", "kasan": "failed", "leak": "failed",
                        "memtest": "passed", "oops": "failed", "seed": "passed",
                        "wrong": "failed"}
    kasan = next(r for r in cloned if r.name == "kasan")
    assert "BUG: KASAN: slab-out-of-bounds" in kasan.output + kasan.details + kasan.dmesg


def _events(board_text, rootfs, template=None):
    """(every trace event, console text, dmesg) of a script on a fresh board or a clone."""
    events, out = [], io.StringIO()

    def subscribe(tracer):
        for kind in CATALOGUE:
            tracer.subscribe(kind, lambda k, f: events.append((k, dict(f))))

    if template is None:
        tracer = Tracer()
        subscribe(tracer)
        machine = Machine("fs4412", str(rootfs), console=out.write, tracer=tracer)
    else:
        machine = template.adopt(str(rootfs), out.write, subscribe)
    machine.trace_calls()
    machine.track_access_pc()
    status = Console(machine, out, inp=io.StringIO()).run_lines(board_text.splitlines())
    shown = re.sub(r" object at 0x[0-9a-f]+", " object", repr(events))   # VarArgs reprs
    return status, shown, out.getvalue(), machine.dmesg()


def test_clone_traces_console_and_dmesg_are_byte_identical(tmp_path):
    folder = _folder(tmp_path)
    text = SEED + "insmod memtest.ko\n"
    fresh = _events(text, folder)
    template = clone.template("fs4412", 10.0)
    cloned = list(clone.run_forked([text], 1, lambda t: _events(t, folder, template),
                                   lambda t: 60, lambda t, r: r))[0]
    assert fresh[0] == 0 and "mmio_write" in fresh[1] and "syscall" in fresh[1]
    assert cloned == fresh


def test_a_corrupting_or_crashing_script_does_not_reach_the_next(tmp_path):
    folder = _folder(tmp_path, corrupt=CORRUPT, seed=SEED, corrupt2=CORRUPT, seed2=SEED)
    proc = cli("test", *(str(folder / f"{name}.board")
                         for name in ("corrupt", "seed", "corrupt2", "seed2")))
    out = proc.stdout.splitlines()
    assert out[0].startswith("FAIL") and "corrupt.board: line 17 (insmod leddrv.ko)" in out[0]
    assert "exit status 3" in out[0] and "oops" in out[0].lower()
    assert out[1].startswith("PASS") and out[1].endswith("seed.board")
    assert out[2] == out[0].replace("corrupt.board", "corrupt2.board")
    assert out[3] == out[1].replace("seed.board", "seed2.board")
    assert out[-1] == "2 passed, 2 failed" and proc.returncode == 1


def test_the_template_board_is_untouched_by_its_clones(tmp_path):
    folder = _folder(tmp_path, corrupt=CORRUPT)
    template = clone.template("fs4412", 10.0)
    entry = 0x40004000 + 4 * 0xC00
    before = template.machine.devmem.access(entry, 32, None)
    boot_log = template.machine.dmesg()          # (issue 13: the I2C adapter's probe lines)
    work = lambda s: run_script(s, Options(), template)  # noqa: E731
    result = list(clone.run_forked([str(folder / "corrupt.board")], 1, work,
                                   lambda s: 60, lambda s, r: r))[0]
    assert result.outcome == "failed" and result.exit_code == 3
    assert template.machine.devmem.access(entry, 32, None) == before != 0
    assert template.machine.dmesg() == boot_log and template.machine.modules.loaded == {}


def _work(task):
    if task == "die":
        faulthandler.disable()             # no stack dump from the child on stderr
        os.kill(os.getpid(), signal.SIGSEGV)
    if task == "wedge":
        time.sleep(60)
    if task == "raise":
        raise SystemExit(5)
    return f"done {task}"


def test_a_dying_or_wedged_clone_fails_only_its_script():
    tasks = ["a", "die", "b", "wedge", "c", "raise", "d"]
    lost = lambda task, reason: f"lost {task}: {reason}"  # noqa: E731
    started = time.monotonic()
    results = list(clone.run_forked(tasks, 2, _work, lambda task: 1.5, lost))
    assert time.monotonic() - started < 20
    assert results[0::2] == ["done a", "done b", "done c", "done d"]
    assert results[1] == "lost die: the worker process died (killed by signal 11) " \
                         "while running this script"
    assert results[3] == "lost wedge: the worker process did not finish this script in " \
                         "time and was killed"
    assert results[5] == "lost raise: the worker process died (exit status 70) while " \
                         "running this script"
