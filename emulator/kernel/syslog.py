"""syslog(2) (kernel/printk/printk.c do_syslog) and /proc/sys/kernel/printk: what dmesg and
`dmesg -n`, `echo 8 > /proc/sys/kernel/printk` read and set.

Records are given as 3.14's syslog format: "<level>[    s.micros] text\n" (facility 0).
"""

from .errno import EINVAL
from .printk import CONSOLE_LOGLEVEL, DEFAULT_MESSAGE_LOGLEVEL
from .syscalls import syscall

LOG_BUF_LEN = 1 << 17                   # CONFIG_LOG_BUF_SHIFT=17 on the board
MINIMUM_CONSOLE_LOGLEVEL = 1
ACTION_CLOSE, ACTION_OPEN, ACTION_READ, ACTION_READ_ALL, ACTION_READ_CLEAR = 0, 1, 2, 3, 4
ACTION_CLEAR, ACTION_CONSOLE_OFF, ACTION_CONSOLE_ON, ACTION_CONSOLE_LEVEL = 5, 6, 7, 8
ACTION_SIZE_UNREAD, ACTION_SIZE_BUFFER = 9, 10


class Syslog:
    """The syslog view of the log buffer: clear and read positions, the console level."""

    def __init__(self, log):
        self.log = log
        self.clear_index = 0            # records before it are gone for READ_ALL (CLEAR)
        self.read_index = 0             # records READ has consumed
        self.saved_level = None         # console_loglevel while CONSOLE_OFF

    def text(self, start, limit=None):
        """The records from index start on; with limit, the newest whole records that fit."""
        self.log.lines()                                # flushes a partial line
        parts = [f"<{r.level}>{r.line()}\n".encode() for r in self.log.records[start:]]
        if limit is not None:
            total = sum(map(len, parts))
            while parts and total > limit:
                total -= len(parts.pop(0))
        return b"".join(parts)

    def proc_printk(self):
        return (f"{self.log.console_loglevel}\t{DEFAULT_MESSAGE_LOGLEVEL}\t"
                f"{MINIMUM_CONSOLE_LOGLEVEL}\t{CONSOLE_LOGLEVEL}\n")

    def store_printk(self, data):
        """Writing "8" (or "8 4 1 7") to /proc/sys/kernel/printk sets console_loglevel."""
        words = data.split()
        if words and words[0].isdigit():
            self.log.console_loglevel = max(MINIMUM_CONSOLE_LOGLEVEL, int(words[0]))


def _signed(v):
    return v - (1 << 32) if v & 0x80000000 else v


@syscall(103)
def sys_syslog(sc, action, buf, length, *_):
    state = sc.syslog
    length = _signed(length)
    if action in (ACTION_CLOSE, ACTION_OPEN):
        return 0
    if action in (ACTION_READ, ACTION_READ_ALL, ACTION_READ_CLEAR):
        if length < 0 or (length and not buf):
            return -EINVAL
        if action == ACTION_READ:
            data = state.text(state.read_index)[:length]
        else:
            data = state.text(state.clear_index, length)
        if action == ACTION_READ:
            state.read_index = len(state.log.records)
        if action == ACTION_READ_CLEAR:
            state.clear_index = len(state.log.records)
        sc.vm.write(buf, data, user=True)
        return len(data)
    if action == ACTION_CLEAR:
        state.clear_index = len(state.log.records)
        return 0
    if action == ACTION_CONSOLE_OFF:
        if state.saved_level is None:
            state.saved_level = state.log.console_loglevel
        state.log.console_loglevel = MINIMUM_CONSOLE_LOGLEVEL
        return 0
    if action == ACTION_CONSOLE_ON:
        if state.saved_level is not None:
            state.log.console_loglevel, state.saved_level = state.saved_level, None
        return 0
    if action == ACTION_CONSOLE_LEVEL:
        if not 1 <= length <= 8:
            return -EINVAL
        state.log.console_loglevel = max(length, MINIMUM_CONSOLE_LOGLEVEL)
        state.saved_level = None
        return 0
    if action == ACTION_SIZE_UNREAD:
        return len(state.text(state.read_index))
    if action == ACTION_SIZE_BUFFER:
        return LOG_BUF_LEN
    return -EINVAL
