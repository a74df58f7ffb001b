"""Property: any board script line ends in a status 0-3 or one EmulatorError line."""

from hypothesis import given, strategies as st

from emulator.machine import Machine
from tests.fuzz import targets
from tests.fuzz.bookkeeping import count_case, save_reproducer

NUMBERS = st.one_of(st.sampled_from(["0", "-1", "1e400", "inf", "nan", "-inf", "0x11000C44",
                                     "0xFFFFFFFF", "4294967296", "11", "8", "16", "32", "1e-9",
                                     "0x", "", "99999999999999999999"]),
                    st.integers(-2**40, 2**40).map(str))
WORDS = st.one_of(NUMBERS, st.text(max_size=12),
                  st.sampled_from(["leddrv.ko", "leddrv", "./testled_app", "/dev/leddev",
                                   "/proc/devices", "/proc/slabinfo", "../../etc/passwd",
                                   "/dev/mem", "c", "b", "on", "off", "LED2", "gpx2-7",
                                   "GPX2CON", "kmalloc", "nth=1", "percent=50", "seed=1",
                                   "\"unterminated", "'", "#", "\\", "exit", "stdout", "dmesg",
                                   "[", "(", "*", "no-leaks", "no-kasan", "reg", "led", "leds"]))
COMMANDS = st.sampled_from(["insmod", "rmmod", "lsmod", "mknod", "ls", "cat", "leds",
                            "devmem", "fail", "dmesg", "sleep", "golden", "expect", "debug2",
                            "./testled_app", "./nothere", "/dev/leddev"])
LINES = st.tuples(COMMANDS, st.lists(WORDS, max_size=5)).map(
    lambda t: " ".join([t[0]] + t[1]))
SCRIPTS = st.lists(st.one_of(LINES, st.text(max_size=40)), min_size=1, max_size=6).map(
    "\n".join)

_machine = {}


def _board(rootfs):
    """A board shared by a batch of cases (renewed every 50: state accumulates)."""
    entry = _machine.get("m")
    if entry is None or entry[1] >= 50:
        entry = [Machine("fs4412", str(rootfs), timeout_s=2, console=lambda s: None), 0]
        _machine["m"] = entry
    entry[1] += 1
    return entry[0]


@given(SCRIPTS)
def test_script_lines(fuzz_rootfs, text):
    count_case()
    try:
        targets.run_script(_board(fuzz_rootfs), text)
    except Exception:
        save_reproducer("script.board", text)
        _machine.clear()
        raise
