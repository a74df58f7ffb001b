"""The ARM Cortex-A9 core: a Unicorn instance with fast register access and mode handling.

Python binding calls dominate the cost of every switch between guest and host
(docs/ARCHITECTURE.md, Facts), so registers are read and written through ctypes with preallocated buffers, and
fixed register sets (syscall entry, guest-call entry) go through one batch call each.
"""

import ctypes
import functools
from collections.abc import Callable, Sequence

from unicorn import (Uc, UcError, UC_ARCH_ARM, UC_MODE_ARM, UC_HOOK_BLOCK, UC_HOOK_CODE,
                     UC_HOOK_INTR, UC_HOOK_MEM_READ, UC_HOOK_MEM_WRITE, UC_MEM_WRITE)
from unicorn import arm_const as A
from unicorn.unicorn_const import (UC_CTL_TLB_FLUSH, UC_CTL_IO_WRITE, UC_ERR_INSN_INVALID,
                                   UC_ERR_OK, UC_PROT_ALL)
from unicorn.unicorn_py3.unicorn import uclib

from .fast_syscalls import LAYOUT as FAST_LAYOUT, FastSyscalls
from .uc_api import C_API as _C, CPSR, LR, PC, SP
from .uc_api import BlockState as _BlockState

# CPSR mode field values (ARM ARM B1.3.1).
USR_MODE = 0x10
SVC_MODE = 0x13
MODE_MASK = 0x1F
CPSR_I = 1 << 7
CPSR_F = 1 << 6
CPSR_T = 1 << 5

#: Exception numbers Unicorn reports through UC_HOOK_INTR (QEMU's EXCP_*).
EXCP_UDEF = 1
EXCP_SWI = 2
EXCP_PREFETCH_ABORT = 3
EXCP_DATA_ABORT = 4
EXCP_BKPT = 7
#: A raw memory hook's `access` argument for a write (hook_memory_raw callbacks).
MEM_WRITE = UC_MEM_WRITE

REG = {f"r{i}": getattr(A, f"UC_ARM_REG_R{i}") for i in range(13)}
REG.update(sp=A.UC_ARM_REG_SP, lr=A.UC_ARM_REG_LR, pc=A.UC_ARM_REG_PC, cpsr=A.UC_ARM_REG_CPSR)
BANKED = {"spsr": A.UC_ARM_REG_SPSR}
_DREGS = tuple(getattr(A, f"UC_ARM_REG_D{i}") for i in range(32))

R0, R1, R2, R3, R7, R12 = (REG[n] for n in ("r0", "r1", "r2", "r3", "r7", "r12"))


# Callback signatures (unicorn.h uc_cb_hookintr_t, uc_cb_mmio_read_t, uc_cb_mmio_write_t).
HOOK_INTR_CFUNC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p)
MMIO_READ_CFUNC = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint64,
                                   ctypes.c_uint, ctypes.c_void_p)
MMIO_WRITE_CFUNC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint,
                                    ctypes.c_uint64, ctypes.c_void_p)
HOOK_MEM_CFUNC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64,
                                  ctypes.c_int, ctypes.c_int64, ctypes.c_void_p)
HOOK_CODE_CFUNC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32,
                                   ctypes.c_void_p)
_reg_read, _reg_write = _C["uc_reg_read"], _C["uc_reg_write"]
_reg_read_batch, _reg_write_batch = _C["uc_reg_read_batch"], _C["uc_reg_write_batch"]
_mem_write, _emu_stop, _emu_start = _C["uc_mem_write"], _C["uc_emu_stop"], _C["uc_emu_start"]
_mem_read = _C["uc_mem_read"]


class RegBatch:
    """A fixed list of registers read or written with one uc_reg_{read,write}_batch call.

    ARM core registers are 32 bits: Unicorn reads and writes 4 bytes through each pointer,
    so one c_uint32 array serves, and slicing converts it in one step.
    """

    def __init__(self, handle, regids):
        n = len(regids)
        self._h, self._n = handle, n
        self._ids = (ctypes.c_int * n)(*regids)
        self._vals = (ctypes.c_uint32 * n)()
        self._ptrs = (ctypes.c_void_p * n)(
            *[ctypes.addressof(self._vals) + 4 * i for i in range(n)])

    def read(self) -> list[int]:
        _reg_read_batch(self._h, self._ids, self._ptrs, self._n)
        return self._vals[:]

    def write(self, values: Sequence[int]) -> None:
        self._vals[:] = [v & 0xFFFFFFFF for v in values]
        _reg_write_batch(self._h, self._ids, self._ptrs, self._n)


class _PcRecorder(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct pc_recorder)."""
    _fields_ = [("reg_read", ctypes.c_void_p), ("regid", ctypes.c_int), ("pc", ctypes.c_uint32)]


#: Why the block counter stopped the CPU (hooks.c enum stop_reason).
STOP_NONE, STOP_DEADLINE, STOP_IRQ = 0, 1, 2
NEVER = (1 << 64) - 1


class PhysWord:
    """One 32-bit word of guest RAM (a kernel variable the guest also changes), read and
    written with one uc_mem_read/uc_mem_write call each."""

    def __init__(self, handle, pa):
        self._h, self._pa = handle, ctypes.c_uint64(pa)
        self._buf = ctypes.c_int32()
        self._ref, self.stateize = ctypes.byref(self._buf), ctypes.c_size_t(4)

    def read(self):
        _mem_read(self._h, self._pa, self._ref, self.stateize)
        return self._buf.value

    def write(self, value):
        self._buf.value = value
        _mem_write(self._h, self._pa, self._ref, self.stateize)


class PhysWords:
    """A fixed run of 32-bit words in guest RAM written with one uc_mem_write call."""

    def __init__(self, handle, pa, n):
        self._h, self.pa = handle, pa
        self._buf = (ctypes.c_uint32 * n)()
        self._pa = ctypes.c_uint64(pa)
        self.stateize = ctypes.c_size_t(4 * n)

    def write_words(self, values):
        self._buf[:] = values
        _mem_write(self._h, self._pa, self._buf, self.stateize)


class Cpu:
    """One Cortex-A9 core with VFP on; physical memory is mapped by the memory subsystem."""

    def __init__(self) -> None:
        from unicorn.arm_const import UC_CPU_ARM_CORTEX_A9
        uc = Uc(UC_ARCH_ARM, UC_MODE_ARM)
        uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_A9)
        self.uc = uc
        self._h = uc._uch
        # Physical memory, RAM and MMIO alike: mem_read(pa, n) -> bytearray, mem_write(pa, data).
        self.mem_read, self.mem_write = uc.mem_read, uc.mem_write
        self._buf = ctypes.c_uint64()
        self._pbuf = ctypes.byref(self._buf)
        self._fast_syscalls = None        # FastSyscalls once hook_interrupts ran
        self._fast_state = self._on_fast_stop = None
        self._callbacks = []         # ctypes callbacks must outlive the Unicorn instance
        self._pending = None
        self._counters = _BlockState(0, 0, NEVER, 0, 0,
                                     ctypes.cast(_C["uc_reg_read"], ctypes.c_void_p).value,
                                     ctypes.cast(_C["uc_emu_stop"], ctypes.c_void_p).value)
        #: The block counter's state (ctypes; read only): ``counters.bytes // 4`` is
        #: `instructions`, read without a call where every event reads it (trace files).
        self.counters = self._counters
        self._pc_recorder = _PcRecorder(ctypes.cast(_C["uc_reg_read"], ctypes.c_void_p).value,
                                        PC, 0)
        #: access_pc() -> the PC of the last access record_access_pc's hook saw (a C-level
        #: callable: every traced MMIO access calls it).
        self.access_pc = functools.partial(getattr, self._pc_recorder, "pc")
        self._irq_line, self._held = 0, False
        self._enable_vfp()

    # -- registers ------------------------------------------------------------------------
    def reg(self, regid: int) -> int:
        _reg_read(self._h, regid, self._pbuf)
        return self._buf.value & 0xFFFFFFFF

    def set_reg(self, regid: int, value: int) -> None:
        self._buf.value = value & 0xFFFFFFFF
        _reg_write(self._h, regid, self._pbuf)

    def batch(self, names: Sequence[str]) -> RegBatch:
        return RegBatch(self._h, [REG.get(n) or BANKED[n] for n in names])

    def phys_word(self, pa: int) -> PhysWord:
        return PhysWord(self._h, pa)

    def phys_words(self, pa: int, n: int) -> PhysWords:
        return PhysWords(self._h, pa, n)

    def regs(self) -> dict[str, int]:
        """All core registers by name (for oops reports and debuggers)."""
        return {name: self.reg(rid) for name, rid in REG.items()}

    # signals (issue 12): the banked SPSR and the VFP registers a signal frame saves
    def spsr(self) -> int:
        """SPSR of the current mode (SVC: the user CPSR of a syscall in progress)."""
        return self.reg(A.UC_ARM_REG_SPSR)

    def set_spsr(self, value: int) -> None:
        self.set_reg(A.UC_ARM_REG_SPSR, value)

    def vfp_state(self) -> tuple:
        """(d0-d31, fpscr, fpexc) for a signal frame (a few dozen binding calls)."""
        uc = self.uc
        return ([uc.reg_read(r) for r in _DREGS], uc.reg_read(A.UC_ARM_REG_FPSCR),
                uc.reg_read(A.UC_ARM_REG_FPEXC))

    def set_vfp_state(self, dregs, fpscr: int) -> None:
        uc = self.uc
        for r, value in zip(_DREGS, dregs):
            uc.reg_write(r, value)
        uc.reg_write(A.UC_ARM_REG_FPSCR, fpscr)

    def set_cp15(self, crn: int, crm: int, opc1: int, opc2: int, value: int) -> None:
        self.uc.reg_write(A.UC_ARM_REG_CP_REG, (15, 0, 0, crn, crm, opc1, opc2, value))

    def cp15(self, crn: int, crm: int, opc1: int, opc2: int) -> int:
        return self.uc.reg_read(A.UC_ARM_REG_CP_REG, (15, 0, 0, crn, crm, opc1, opc2))

    def set_tls(self, value: int) -> None:
        """TPIDRURO (c13, c0, 3): the user read-only thread ID that ARM Linux's set_tls sets."""
        self.set_reg(A.UC_ARM_REG_C13_C0_3, value)

    def _enable_vfp(self):
        # CPACR: full access to cp10/cp11; FPEXC.EN. Without it glibc's setjmp dies (ARCHITECTURE.md, Facts).
        self.set_reg(A.UC_ARM_REG_C1_C0_2, self.reg(A.UC_ARM_REG_C1_C0_2) | (0xF << 20))
        self.set_reg(A.UC_ARM_REG_FPEXC, 0x40000000)

    # -- memory ---------------------------------------------------------------------------
    def map_ram(self, base: int, size: int) -> None:
        self.uc.mem_map(base, size, UC_PROT_ALL)

    def map_ram_host(self, base: int, size: int, address: int) -> None:
        """RAM at base backed by host memory at address (the caller keeps it alive)."""
        self.uc.mem_map_ptr(base, size, UC_PROT_ALL, address)

    def map_mmio(self, base: int, size: int, read: Callable[[int, int], int],
                 write: Callable[[int, int, int], None], counts: list | None = None) -> None:
        """read(offset, size) -> value and write(offset, size, value), called from the CPU;
        counts: a [reads, writes] list the accesses are counted in (one Python frame less
        per access than a counting wrapper: MMIO is on the ioctl round trip)."""
        counts = [0, 0] if counts is None else counts

        def on_read(_uc, offset, nbytes, _user):
            counts[0] += 1
            try:
                return read(offset, nbytes)
            except BaseException as e:      # noqa: BLE001 - re-raised after emu_start
                self._defer(e)
                return 0

        def on_write(_uc, offset, nbytes, value, _user):
            counts[1] += 1
            try:
                write(offset, nbytes, value)
            except BaseException as e:      # noqa: BLE001
                self._defer(e)

        rd, wr = MMIO_READ_CFUNC(on_read), MMIO_WRITE_CFUNC(on_write)
        self._callbacks += [rd, wr]
        self._check(uclib.uc_mmio_map(self._h, base, size, rd, None, wr, None))

    def flush_tlb(self) -> None:
        """Forget cached virtual-to-physical translations (after page tables changed)."""
        self.uc.ctl(UC_CTL_TLB_FLUSH, UC_CTL_IO_WRITE)

    def flush_translations(self) -> None:
        """Drop every translated block, so code translated before a hook was added or
        removed runs with (or without) its calls."""
        self.uc.ctl_flush_tb()

    # -- context --------------------------------------------------------------------------
    def save_context(self):
        """The CPU's whole register state, for restore_context (nested guest calls)."""
        return self.uc.context_save()

    def restore_context(self, context) -> None:
        self.uc.context_restore(context)

    @staticmethod
    def context_regs(context) -> dict[str, int]:
        """The core registers a saved context holds (a sleeping task's), by name (issue 12:
        the debugger's `info threads`)."""
        return {name: context.reg_read(rid) for name, rid in REG.items()}

    @staticmethod
    def is_undefined_instruction(error: UcError) -> bool:
        """Whether a UcError from start() is an undefined instruction (else a bad access)."""
        return error.errno == UC_ERR_INSN_INVALID

    def forget_code(self, begin: int, end: int) -> None:
        """Drop translated blocks of [begin, end) after code there was replaced."""
        self.uc.ctl_remove_cache(begin, end)

    def translate(self, pc: int) -> None:
        """Translate the block at pc (as the CPU's current state and page tables would run
        it) without running it: runner/warm.py (issue 15 d) keeps such code across clones."""
        self.uc.ctl_request_cache(pc)

    def hook_blocks(self, callback: Callable[[int, int], None], begin: int, end: int) -> int:
        """callback(address, size) before each block run in [begin, end] (a Python call a
        block: slow; for runner/warm.py's one recording run). Translated code made before
        has no such calls: flush_translations() after it."""
        def on_block(_uc, address, size, _user):
            try:
                callback(address, size)
            except BaseException as e:      # noqa: BLE001
                self._defer(e)

        return self._add_hook(UC_HOOK_BLOCK, HOOK_CODE_CFUNC(on_block), begin, end)

    # -- execution ------------------------------------------------------------------------
    def hook_interrupts(self, callback: Callable[[int], None],
                        on_stop: Callable[[], None]) -> "FastSyscalls":
        """callback(intno) for every exception (svc, aborts, undefined instructions) that
        the native system-call fast path (FastSyscalls, returned) does not serve itself;
        on_stop() whenever the CPU stops with a traced call of that path pending or
        recorded (issue 15 (e): Python takes them over before anything else runs).

        Registered through the C API directly: the binding's wrappers cost more than the
        hook's own work on the syscall path.
        """
        from . import _hooks
        if _hooks.svc_fast_layout() != FAST_LAYOUT:
            raise RuntimeError("emulator._hooks is out of date: rebuild it "
                               "(pip install --no-deps -e .)")

        def on_intr(_uc, intno, _user):
            try:
                callback(intno)
            except BaseException as e:      # noqa: BLE001 - re-raised after emu_start
                self._defer(e)

        fn = HOOK_INTR_CFUNC(on_intr)
        self._callbacks.append(fn)
        fast = FastSyscalls(ctypes.cast(fn, ctypes.c_void_p).value, self._counters)
        self._callbacks.append(fast)
        self._add_native_hook(UC_HOOK_INTR, _hooks.svc_fast_address(), fast.address, 1, 0)
        self._fast_syscalls, self._fast_state, self._on_fast_stop = fast, fast.state, on_stop
        return fast

    def forget_fast_syscalls(self) -> None:
        """Empty the native fast path's table (a run starts or ends; nothing to do before
        hook_interrupts installed it)."""
        if self._fast_syscalls is not None:
            self._fast_syscalls.forget()

    def _add_hook(self, kind, fn, begin, end):
        self._callbacks.append(fn)
        handle = ctypes.c_size_t()
        self._check(uclib.uc_hook_add(self._h, ctypes.byref(handle), kind, fn, None,
                                      ctypes.c_uint64(begin), ctypes.c_uint64(end)))
        return handle.value

    def hook_memory(self, callback: Callable[[bool, int, int, int], None], begin: int, end: int,
                    reads: bool = True, writes: bool = True) -> int:
        """callback(is_write, address, size, value) for accesses to [begin, end].

        Armed only while a consumer needs it (trace, watchpoints, memory checks): any memory
        hook slows every RAM access. Unicorn passes physical addresses for MMIO accesses, and
        the PC is exact inside the callback (unlike inside an MMIO handler, where it is the
        start of the translated block).
        """
        def on_mem(_uc, access, address, size, value, _user):
            try:
                callback(access == UC_MEM_WRITE, address, size, value)
            except BaseException as e:      # noqa: BLE001 - re-raised after emu_start
                self._defer(e)

        kind = (UC_HOOK_MEM_READ if reads else 0) | (UC_HOOK_MEM_WRITE if writes else 0)
        return self._add_hook(kind, HOOK_MEM_CFUNC(on_mem), begin, end)

    def hook_memory_raw(self, callback: Callable, begin: int, end: int) -> int:
        """A read/write hook over [begin, end] whose callback(uc, access, address, size,
        value, user) Unicorn calls directly, without hook_memory's wrapper (for a checker
        called on every access to a range). It must catch its own exceptions and hand them
        to defer()."""
        return self._add_hook(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, HOOK_MEM_CFUNC(callback),
                              begin, end)

    def hook_memory_native(self, address: int, user_data: int, begin: int, end: int) -> int:
        """A read/write hook over [begin, end] whose callback is C code at ``address`` (from
        emulator._hooks), given ``user_data`` (an address) on each access. (speed, issue 15)"""
        return self._add_native_hook(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, address, user_data,
                                     begin, end)

    def defer(self, error: BaseException) -> None:
        """Re-raise error after emu_start returns (for raw callbacks), stopping the guest."""
        self._defer(error)

    def hook_code(self, callback: Callable[[int, int], None], begin: int = 1, end: int = 0) -> int:
        """callback(address, size) before each instruction in [begin, end] (1, 0: all)."""
        def on_code(_uc, address, size, _user):
            try:
                callback(address, size)
            except BaseException as e:      # noqa: BLE001
                self._defer(e)

        return self._add_hook(UC_HOOK_CODE, HOOK_CODE_CFUNC(on_code), begin, end)

    def unhook(self, handle: int) -> None:
        self._check(uclib.uc_hook_del(self._h, ctypes.c_size_t(handle)))

    def _add_native_hook(self, kind, address, user_data, begin, end):
        handle = ctypes.c_size_t()
        self._check(uclib.uc_hook_add(self._h, ctypes.byref(handle), kind,
                                      ctypes.c_void_p(address), ctypes.c_void_p(user_data),
                                      ctypes.c_uint64(begin), ctypes.c_uint64(end)))
        return handle.value

    def count_instructions(self) -> None:
        """Arm the native block counter (always on: it costs nanoseconds a block)."""
        from . import _hooks
        self._add_native_hook(UC_HOOK_BLOCK, _hooks.block_counter_address(),
                              ctypes.addressof(self._counters), 1, 0)

    # -- stops at block boundaries (issue 12: interrupts and virtual-time deadlines) ----------
    def set_irq_pending(self, pending):
        """While set, the CPU stops at the next block boundary where CPSR.I is clear."""
        self._irq_line = 1 if pending else 0
        if not self._held:
            self._counters.irq_pending = self._irq_line

    @property
    def irq_pending(self):
        return bool(self._irq_line)

    def hold_stops(self):
        """Suspend interrupt and deadline stops (for a nested run inside a hook)."""
        c, held = self._counters, (self._held, self._counters.stop_at)
        self._held = True
        c.irq_pending, c.stop_at = 0, NEVER
        return held

    def release_stops(self, held):
        self._held, stop_at = held
        c = self._counters
        c.stop_at = stop_at
        if not self._held:
            c.irq_pending = self._irq_line

    def stop_after(self, instructions):
        """Stop at the first block boundary once ``instructions`` more have run (None: never)."""
        c = self._counters
        c.stop_at = NEVER if instructions is None else c.bytes + 4 * max(1, int(instructions))

    def take_stop_reason(self):
        """Why the last run stopped at a block boundary (STOP_*), and forget it."""
        reason, self._counters.reason = self._counters.reason, STOP_NONE
        return reason

    def record_access_pc(self, begin: int, end: int) -> None:
        """Arm a native memory hook over [begin, end] that remembers each access's exact PC;
        access_pc() returns it. Cheap enough to leave armed while tracing."""
        from . import _hooks
        self._add_native_hook(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                              _hooks.pc_recorder_address(),
                              ctypes.addressof(self._pc_recorder), begin, end)

    @property
    def instructions(self) -> int:
        """Instructions executed: bytes of executed blocks / 4 (the guest code is ARM state;
        a block cut short by an exception counts whole)."""
        return self._counters.bytes // 4

    def _defer(self, error):
        """Remember an exception raised by host code inside a callback; stop the guest."""
        if self._pending is None:
            self._pending = error
        _emu_stop(self._h)

    @staticmethod
    def _check(status):
        if status != UC_ERR_OK:
            raise UcError(status)

    def start(self, begin: int, until: int, timeout_us: int) -> None:
        """Run from begin until PC == until, emu_stop, or the timeout.

        An exception raised by a hook or MMIO handler is re-raised here; a Unicorn error
        (undefined instruction, unmapped physical access) raises UcError.
        """
        self._pending = None
        status = _emu_start(self._h, ctypes.c_uint64(begin), ctypes.c_uint64(until),
                            ctypes.c_uint64(timeout_us), ctypes.c_size_t(0))
        pending, self._pending = self._pending, None
        fast = self._fast_state
        if fast is not None and (fast.pending or fast.nrec):
            self._on_fast_stop()
        if pending is not None:
            raise pending
        self._check(status)

    def stop(self) -> None:
        self.uc.emu_stop()


__all__ = ["Cpu", "FastSyscalls", "RegBatch", "STOP_NONE", "STOP_DEADLINE", "STOP_IRQ", "UcError", "MEM_WRITE",
           "USR_MODE", "SVC_MODE", "MODE_MASK", "CPSR_I",
           "CPSR_F", "CPSR_T", "EXCP_SWI", "EXCP_UDEF", "EXCP_PREFETCH_ABORT",
           "EXCP_DATA_ABORT", "EXCP_BKPT", "REG", "SP", "LR", "PC", "CPSR"]
