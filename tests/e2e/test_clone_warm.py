"""Translated code kept across clones (emulator/runner/warm.py): the booted board translates
the code the first script's clone ran, and later clones - running the same program, another
program whose pages land in the same frames, or memory that reuses those frames - give what
fresh boards give, trace event for trace event."""

import shutil

import pytest

from emulator.runner import clone
from emulator.runner.script import Options, run_script
from emulator.runner.warm import FrameGuard
from tests.e2e.helpers import ROOT
from tests.e2e.test_clone import _comparable, _events

pytestmark = pytest.mark.skipif(not clone.CAN_FORK, reason="needs os.fork")

PREBUILT = ROOT / "firmware" / "prebuilt"
SEED = (ROOT / "firmware" / "scenarios" / "seed_demo.board").read_text()
PREFIX = "insmod leddrv.ko\nmknod /dev/leddev c 11 0\ncat /proc/devices\n"
#: Another program started where the seed starts testled_app: its pages take the frames
#: whose kept code is testled_app's (run on that code, it would not print its count).
OTHER = PREFIX + "./ioctl_loop /dev/leddev 7\nexpect stdout \"7\"\n./testled_app /dev/leddev 1 3\n" \
    "expect led LED3 on\n"
#: Kernel memory taken before the first program: the frames with kept code go to the slab
#: and to the program's private pages instead.
SHIFTED = "insmod memtest.ko\n" + SEED


def _folder(tmp_path, **texts):
    folder = tmp_path / "board"
    folder.mkdir()
    for image in ("leddrv.ko", "testled_app", "ioctl_loop", "memtest.ko", "memtest_app"):
        shutil.copy(PREBUILT / image, folder / image)
    for name, text in texts.items():
        (folder / f"{name}.board").write_text(text)
    return folder


@pytest.fixture
def warm_template():
    """A template of its own (not the shared one), warmed by the seed's run."""
    template = clone.Template("fs4412", 10.0)
    return template


def test_warm_clones_give_what_fresh_boards_give(tmp_path, warm_template):
    folder = _folder(tmp_path, a_seed=SEED, b_seed=SEED, c_other=OTHER, d_shifted=SHIFTED,
                     e_seed=SEED)
    scripts = sorted(str(p) for p in folder.glob("*.board"))
    fresh = [run_script(s, Options()) for s in scripts]
    clone.warm_images(scripts, lambda s: str(folder))
    work = lambda s: run_script(s, Options(), warm_template)  # noqa: E731
    warmed = list(clone.run_warmed(warm_template, scripts, 1, work, lambda s: 60,
                                   lambda s, r: r))
    assert warm_template.scouted and warm_template._guard.armed   # code was kept
    assert [_comparable(r) for r in warmed] == [_comparable(r) for r in fresh]
    assert all(r.passed for r in fresh), [r.message for r in fresh]


def test_warm_clone_traces_console_and_dmesg_are_byte_identical(tmp_path, warm_template):
    folder = _folder(tmp_path, seed=SEED)
    clone.warm_images([str(folder / "seed.board")], lambda s: str(folder))
    work = lambda s: run_script(s, Options(), warm_template)  # noqa: E731
    assert next(clone.run_warmed(warm_template, [str(folder / "seed.board")], 1, work,
                                 lambda s: 60, lambda s, r: r)).passed
    for text in (SEED, OTHER):
        fresh = _events(text, folder)
        cloned = next(clone.run_forked([text], 1, lambda t: _events(t, folder, warm_template),
                                       lambda t: 60, lambda t, r: r))
        assert fresh[0] == 0 and "syscall" in fresh[1]
        assert cloned == fresh


def test_the_guard_drops_kept_code_of_a_frame_put_to_other_use(tmp_path, warm_template):
    """Without the guard, a clone runs the kept code of frames that now hold other bytes
    (the test can fail: this is what the guard prevents)."""
    folder = _folder(tmp_path, seed=SEED, other=OTHER)
    clone.warm_images([str(folder / "seed.board")], lambda s: str(folder))
    work = lambda s: run_script(s, Options(), warm_template)  # noqa: E731
    list(clone.run_warmed(warm_template, [str(folder / "seed.board")], 1, work,
                          lambda s: 60, lambda s, r: r))

    def unguarded(script):
        FrameGuard.forget = lambda self, pfn: None
        return run_script(script, Options(), warm_template)

    broken = next(clone.run_forked([str(folder / "other.board")], 1, unguarded,
                                   lambda s: 60, lambda s, r: r))
    guarded = next(clone.run_forked([str(folder / "other.board")], 1, work,
                                    lambda s: 60, lambda s, r: r))
    assert guarded.passed and not broken.passed      # (a segmentation fault in ioctl_loop)


def test_a_long_first_script_is_recorded_at_its_start_only(tmp_path, warm_template, monkeypatch):
    """The recording stops after SCOUT_RUNS blocks (the hook removed from inside itself):
    the script's result is unchanged, and less code is kept."""
    from emulator.runner import warm
    monkeypatch.setattr(warm, "SCOUT_RUNS", 300)
    folder = _folder(tmp_path, seed=SEED, other=OTHER)
    scripts = [str(folder / "seed.board"), str(folder / "other.board")]
    fresh = [run_script(s, Options()) for s in scripts]
    clone.warm_images(scripts, lambda s: str(folder))
    work = lambda s: run_script(s, Options(), warm_template)  # noqa: E731
    warmed = list(clone.run_warmed(warm_template, scripts, 1, work, lambda s: 60,
                                   lambda s, r: r))
    assert [_comparable(r) for r in warmed] == [_comparable(r) for r in fresh]
    assert 0 < len(warm_template._guard.armed) < 10



#: leddrv's myled_open (ldr r3, [r0, #380]; mov r0, #0; str r3, [r1, #184]; bx lr) and the
#: same function returning -1 (mvn r0, #0): same size, same layout, another open.
OPEN = bytes.fromhex("7c3190e5" "0000a0e3" "b83081e5" "1eff2fe1")
OPEN_FAILS = bytes.fromhex("7c3190e5" "0000e0e3" "b83081e5" "1eff2fe1")


def test_kept_module_code_is_dropped_for_other_bytes_in_its_frames(tmp_path, warm_template):
    """The seed module's code is kept (translated in the booted board); a clone that loads
    a module with other code at the same address, in the same frames, runs that code:
    without the loader's check (Modules.keep_code) it would run the kept code (the test can
    fail: the changed open's error would not show)."""
    from emulator.memory.layout import MODULES_VADDR, TASK_SIZE
    folder = _folder(tmp_path, seed=SEED)
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    image = (PREBUILT / "leddrv.ko").read_bytes()
    assert image.count(OPEN) == 1
    (other / "leddrv.ko").write_bytes(image.replace(OPEN, OPEN_FAILS))
    seed, changed = str(folder / "seed.board"), str(other / "seed.board")
    fresh = run_script(changed, Options())
    clone.warm_images([seed], lambda s: str(folder))
    clone.warm_images([changed], lambda s: str(other))
    work = lambda s: run_script(s, Options(), warm_template)  # noqa: E731
    list(clone.run_warmed(warm_template, [seed], 1, work, lambda s: 60, lambda s, r: r))
    assert any(va >= MODULES_VADDR for va, _ in warm_template._guard.armed.values())
    assert any(va < TASK_SIZE for va, _ in warm_template._guard.armed.values())

    def unguarded(script):
        warm_template.machine.modules.keep_code = lambda base, pfn, image: True
        return run_script(script, Options(), warm_template)

    broken = next(clone.run_forked([changed], 1, unguarded, lambda s: 60, lambda s, r: r))
    guarded = next(clone.run_forked([changed], 1, work, lambda s: 60, lambda s, r: r))
    assert not fresh.passed and _comparable(guarded) == _comparable(fresh)
    assert broken.passed
