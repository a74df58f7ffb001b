"""The native system-call fast path's table (issue 15 (b), (e)): the structs shared with
emulator/native/hooks.c (svc_fast) and the Python side that fills and reads them."""

import ctypes
import struct

from unicorn import arm_const as A

from .uc_api import C_API, CPSR, LR, PC, SP, BlockState


#: The fast path's frame: kernel/entry.py SvcFrame.NAMES; what it writes: Entry._tail_call's.
_FAST_FRAME = (A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3,
               A.UC_ARM_REG_R4, A.UC_ARM_REG_R5, A.UC_ARM_REG_R7, A.UC_ARM_REG_R12, PC, CPSR,
               SP, LR)
_FAST_WRITE = (CPSR, SP, LR, A.UC_ARM_REG_SPSR, A.UC_ARM_REG_R0, A.UC_ARM_REG_R1,
               A.UC_ARM_REG_R2, A.UC_ARM_REG_R3, PC)
FAST_SLOTS = 256
#: Traced calls served natively (issue 15 (e)): what they write entering the driver
#: (Entry._enter) and returning from it (Entry._advance's Entry._leave).
_TRACED_ENTER = (CPSR, SP, LR, A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2,
                 A.UC_ARM_REG_R3, PC)
_TRACED_LEAVE = (CPSR, A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3,
                 A.UC_ARM_REG_R12, PC)
SYS_RECORDS = 512
#: hooks.c struct sys_record: bytes (instruction count * 4), nr, r0-r5, result.
_RECORD = struct.Struct("<QIIIIIIII")


class _SysRecord(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct sys_record; read as _RECORD)."""
    _fields_ = [("bytes", ctypes.c_uint64), ("nr", ctypes.c_uint32),
                ("args", ctypes.c_uint32 * 6), ("result", ctypes.c_uint32)]


class _FastCall(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct fast_call)."""
    _fields_ = [(n, ctypes.c_uint32) for n in ("gen", "nr", "fd", "cmd", "fn", "a0", "a3", "pad")]


class _SvcFast(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct svc_fast)."""
    _fields_ = [("reg_read_batch", ctypes.c_void_p), ("reg_write_batch", ctypes.c_void_p),
                ("mem_write", ctypes.c_void_p), ("python", ctypes.c_void_p),
                ("enabled", ctypes.c_uint32), ("gen", ctypes.c_uint32),
                ("kstack", ctypes.c_uint32), ("tail_return", ctypes.c_uint32),
                ("kernel_cpsr", ctypes.c_uint32), ("last_fast", ctypes.c_uint32),
                ("saved_pa", ctypes.c_uint64), ("count", ctypes.c_uint64),
                ("read_ids", ctypes.c_int * len(_FAST_FRAME)),
                ("write_ids", ctypes.c_int * len(_FAST_WRITE)),
                ("frame", ctypes.c_uint32 * len(_FAST_FRAME)),
                ("table", _FastCall * FAST_SLOTS),
                ("traced", ctypes.c_uint32), ("pending", ctypes.c_uint32),
                ("resume", ctypes.c_uint32), ("nrec", ctypes.c_uint32),
                ("bytes", ctypes.c_void_p),
                ("enter_ids", ctypes.c_int * len(_TRACED_ENTER)),
                ("leave_ids", ctypes.c_int * len(_TRACED_LEAVE)),
                ("rec", _SysRecord * SYS_RECORDS)]


#: (size, offset of the records) of struct svc_fast as this side declares it: hooks.c's
#: svc_fast_layout() must give the same (else the extension is out of date).
LAYOUT = (ctypes.sizeof(_SvcFast), _SvcFast.rec.offset)


def _fast_slot(nr, fd, cmd):
    """hooks.c fast_slot()."""
    h = ((fd * 0x9E3779B1) ^ (cmd * 0x85EBCA77) ^ nr) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (FAST_SLOTS - 1)


class FastSyscalls:
    """The native system-call fast path's table (emulator/native/hooks.c, svc_fast): system
    calls the Python path turned into a driver tail call, served in C next time.

    Off until set_enabled(True); learn() records a call, forget() empties the table (a
    new generation: O(1)). Traced (set_traced(True), issue 15 (e)): a call is entered with
    lr at the resume slot and its return is served too, and recorded; a call
    still in the driver is `pending` until take_pending() hands it to Python, and
    deliver() hands the records to an observer.
    """

    def __init__(self, python_hook, counters):
        """counters: the block counter's state (its byte count is the instruction count)."""
        #: The struct hooks.c reads and writes (hot paths read its fields directly).
        s = self.state = _SvcFast()
        for field in ("reg_read_batch", "reg_write_batch", "mem_write"):
            setattr(s, field, ctypes.cast(C_API["uc_" + field], ctypes.c_void_p).value)
        self._counters = counters
        #: observer(nr, args, result) of the traced calls served natively (deliver)
        self.observer = None
        s.python, s.gen = python_hook, 1
        s.bytes = ctypes.addressof(counters) + BlockState.bytes.offset
        s.read_ids[:], s.write_ids[:] = _FAST_FRAME, _FAST_WRITE
        s.enter_ids[:], s.leave_ids[:] = _TRACED_ENTER, _TRACED_LEAVE
        self.address = ctypes.addressof(s)
        self._records = memoryview(s.rec).cast("B")

    def configure(self, tail_return, kernel_cpsr, resume):
        s = self.state
        s.tail_return, s.kernel_cpsr, s.resume = tail_return, kernel_cpsr, resume

    def set_enabled(self, on):
        self.state.enabled = 1 if on else 0
        self.drop_frame()
        self.forget()

    def set_traced(self, on):
        """Serve calls the traced way (and record them) or the plain way; empties the table."""
        self.state.traced = 1 if on else 0
        self.forget()

    @property
    def pending(self):
        """Whether a traced call entered natively has not returned yet."""
        return self.state.pending

    def take_pending(self):
        """The user registers (SvcFrame values) of the pending traced call, which Python
        now serves (None if there is none)."""
        s = self.state
        if not s.pending:
            return None
        s.pending = 0
        return s.frame[:]

    def deliver(self):
        """observer(nr, [r0-r5], result) for each traced call returned natively since the
        last time, oldest first (result: r0 as a signed int), with the CPU's instruction
        count (and so virtual time) reading the count at the call's return meanwhile: the
        calls are observed late, stamped as if on time. No observer: just forget them."""
        s = self.state
        n, s.nrec = s.nrec, 0
        observer = self.observer
        if observer is None or not n:
            return
        records = ((_RECORD.unpack_from(self._records),) if n == 1     # (speed) the usual case
                   else _RECORD.iter_unpack(self._records[:n * _RECORD.size]))
        counters = self._counters
        now = counters.bytes
        try:
            for count, nr, a0, a1, a2, a3, a4, a5, r in records:
                counters.bytes = count
                observer(nr, [a0, a1, a2, a3, a4, a5], r - 0x100000000 if r & 0x80000000 else r)
        finally:
            counters.bytes = now

    def drop_frame(self):
        """The Python path's frame is the latest from now on (a task switch installed it)."""
        self.state.last_fast = 0

    def set_stack(self, kstack_top, saved_pa):
        """The running task's kernel stack top and the physical address of its five saved
        words (kstack_top - 20); empties the table (another task, another fd table)."""
        s = self.state
        s.kstack, s.saved_pa = kstack_top, saved_pa
        s.gen = (s.gen + 1) & 0xFFFFFFFF or 1

    def forget(self):
        s = self.state
        s.gen = (s.gen + 1) & 0xFFFFFFFF or 1

    def learn(self, nr, fd, cmd, fn, a0, a3):
        """Serve syscall nr on fd (ioctl: with this cmd) as a tail call into fn(a0, r1, r2,
        a3) until the next forget()."""
        s = self.state
        if not s.enabled:
            return
        c = s.table[_fast_slot(nr, fd, cmd)]
        c.nr, c.fd, c.cmd, c.fn, c.a0, c.a3, c.gen = nr, fd, cmd, fn, a0, a3, s.gen

    @property
    def count(self):
        """System calls served natively."""
        return self.state.count

    def last_frame(self):
        """The user registers of the last system call, if it was served natively, else None."""
        s = self.state
        return s.frame[:] if s.last_fast else None
