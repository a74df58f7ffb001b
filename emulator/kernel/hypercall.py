"""Kernel services reached from guest code: the export registry and the stub page.

Each exported service gets an 8-byte stub ``svc #0; bx lr`` in the module area (within
branch range of every module). The module loader resolves an imported symbol to its stub; the
CPU's SVC hook recognises a stub by its return address and calls the Python service with the
AAPCS arguments. Services are plain methods marked with :func:`export`; a provider object is
registered with :meth:`Hypercalls.register`, so each subsystem keeps its own state.
"""

import inspect
import struct
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

from .entry import SvcFrame

if TYPE_CHECKING:
    from ..cpu import Cpu


_LR, _SP = SvcFrame.LR, SvcFrame.SP
STUB_SIZE = 8
SVC_0 = 0xEF000000
BX_LR = 0xE12FFF1E
B_SELF = 0xEAFFFFFE

# Fixed slots at the start of the stub page.
# Top-level guest calls return to EXIT (emu_start's `until`; never executed). Not offset 0:
# Unicorn 2.1.4 raises a prefetch abort instead of stopping when `until` is the first
# address of this page (measured; other offsets stop cleanly).
EXIT_OFFSET = 8
RESUME_OFFSET = 4    # guest calls made for a syscall return here: `svc #0` resumes the caller
# A syscall's tail call returns here and goes straight back to user space, as Linux's
# ret_fast_syscall does: `pop {r1, r2, r3, ip, lr}; movs pc, lr` (CPSR from SPSR_svc).
TAIL_RETURN_OFFSET = 12
POP_R1_R2_R3_IP_LR = 0xE8BD500E
MOVS_PC_LR = 0xE1B0F00E
# An interrupt's handlers return here (emu_start's `until`, never executed): the vector
# stubs 3.14's entry-armv.S has, which saved the interrupted registers as pt_regs on the
# stack (a backtrace continues through them: debug/unwind.py). Issue 12.
IRQ_SVC_OFFSET = 20
IRQ_USR_OFFSET = 24
STUBS_OFFSET = 32
SLOT_NAMES = {RESUME_OFFSET: "ret_from_guest_call", EXIT_OFFSET: "host_call_return",
              TAIL_RETURN_OFFSET: "ret_fast_syscall", TAIL_RETURN_OFFSET + 4: "ret_fast_syscall",
              IRQ_SVC_OFFSET: "__irq_svc", IRQ_USR_OFFSET: "__irq_usr"}


def export(name: str | None = None, *, varargs: bool = False) -> Callable:
    """Mark a method as the kernel symbol `name` (default: the method's name).

    The method receives the call's arguments as unsigned 32-bit ints (one per parameter,
    AAPCS: r0-r3 then the stack); with varargs=True its last parameter receives a VarArgs.
    It returns an int for r0, a tuple for r0..r3 (64-bit results), or None for void.
    """
    def mark(fn):
        fn.__kernel_export__ = (name or fn.__name__, varargs)
        return fn
    return mark


def parameter_count(fn) -> int:
    """len(inspect.signature(fn).parameters), read from the code object for a plain function
    or method (inspect.signature costs ~15 us a call, ~9 ms a board build); inspect otherwise."""
    func = getattr(fn, "__func__", fn)
    if (type(func) is not types.FunctionType or hasattr(func, "__wrapped__")
            or hasattr(func, "__signature__")):
        return len(inspect.signature(fn).parameters)
    code = func.__code__
    n = (code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & inspect.CO_VARARGS)
         + bool(code.co_flags & inspect.CO_VARKEYWORDS))
    return n - (1 if fn is not func else 0)


class VarArgs:
    """AAPCS variadic argument fetcher: core registers first, then the stack."""

    def __init__(self, regs, next_reg, sp, read_u32):
        self._regs, self._ncrn, self._nsaa, self._read_u32 = regs, next_reg, sp, read_u32

    def next_u32(self) -> int:
        if self._ncrn < 4:
            self._ncrn += 1
            return self._regs[self._ncrn - 1]
        value = self._read_u32(self._nsaa)
        self._nsaa += 4
        return value

    def next_u64(self) -> int:
        if self._ncrn < 4 and self._ncrn % 2:
            self._ncrn += 1                     # 64-bit values start at an even register
        if self._ncrn <= 2:
            lo, hi = self._regs[self._ncrn], self._regs[self._ncrn + 1]
            self._ncrn += 2
            return lo | (hi << 32)
        self._ncrn = 4
        self._nsaa = (self._nsaa + 7) & ~7
        lo, hi = self._read_u32(self._nsaa), self._read_u32(self._nsaa + 4)
        self._nsaa += 8
        return lo | (hi << 32)


class _Service:
    __slots__ = ("name", "fn", "nargs", "varargs", "calls")

    def __init__(self, name, fn, nargs, varargs):
        self.name, self.fn, self.nargs, self.varargs, self.calls = name, fn, nargs, varargs, 0


class Hypercalls:
    """The table of kernel services, their stub addresses, and dispatch from the SVC hook."""

    def __init__(self, cpu: "Cpu", vm, page_va: int):
        self._cpu, self._vm = cpu, vm
        self.page_va = page_va
        self.exit_addr = page_va + EXIT_OFFSET
        self.resume_addr = page_va + RESUME_OFFSET
        self.tail_return_addr = page_va + TAIL_RETURN_OFFSET
        self._services = []
        self._by_name = {}
        self.caller = 0            # return address of the service call in progress
        self._ret = [cpu.batch(["r0"]), cpu.batch(["r0", "r1"]),
                     cpu.batch(["r0", "r1", "r2"]), cpu.batch(["r0", "r1", "r2", "r3"])]
        self.count = 0
        self.observer = None       # called as observer(name, args, result) when set
        self.stubs_start = self.stubs_end = page_va + STUBS_OFFSET
        self._data = {}            # exported data objects: name -> guest address


    def observe(self, observer: Callable[[str, tuple, object], None] | None) -> None:
        """Call observer(name, args, result) after every service call (tracing)."""
        self.observer = observer

    def register(self, provider: object) -> None:
        """Add every @export method of provider."""
        for _, fn in inspect.getmembers(provider, callable):
            marker = getattr(fn, "__kernel_export__", None)
            if marker is None:
                continue
            name, varargs = marker
            if name in self._by_name:
                raise ValueError(f"kernel symbol {name} exported twice")
            nargs = parameter_count(fn) - (1 if varargs else 0)
            service = _Service(name, fn, nargs, varargs)
            self._by_name[name] = len(self._services)
            self._services.append(service)
            self.stubs_end += STUB_SIZE

    def stub_page(self) -> bytes:
        """The stub area's bytes: fixed slots, then one `svc #0; bx lr` per service."""
        words = [B_SELF, SVC_0, B_SELF, POP_R1_R2_R3_IP_LR, MOVS_PC_LR, B_SELF, B_SELF, B_SELF]
        for _ in self._services:
            words += [SVC_0, BX_LR]
        return struct.pack(f"<{len(words)}I", *words)

    def export_data(self, name: str, va: int) -> None:
        """Export a data object (a `struct resource` root, ...) at guest address va."""
        if name in self._by_name or name in self._data:
            raise ValueError(f"kernel symbol {name} exported twice")
        self._data[name] = va

    def address(self, name: str) -> int | None:
        idx = self._by_name.get(name)
        return self._data.get(name) if idx is None else self.stubs_start + idx * STUB_SIZE

    def names(self) -> list[str]:
        return list(self._by_name) + list(self._data)

    def name_at(self, addr: int) -> str | None:
        """The service or fixed slot at addr (for symbolization), or None."""
        if self.stubs_start <= addr < self.stubs_end:
            return self._services[(addr - self.stubs_start) // STUB_SIZE].name
        if self.page_va <= addr < self.stubs_start:
            return SLOT_NAMES.get((addr - self.page_va) & ~3)
        return None


    def dispatch(self, pc: int, vals: list[int]) -> None:
        """Run the service whose `svc` just executed (pc is the address after it).

        vals: the SvcFrame Entry read.
        """
        service = self._services[(pc - 4 - self.stubs_start) >> 3]
        self.count += 1
        service.calls += 1
        self.caller = vals[_LR]
        n = service.nargs
        if n <= 4 and not service.varargs:
            args = vals[:n]
        else:
            sp = vals[_SP]
            args = vals[:min(n, 4)] + [self._vm.read_u32(sp + 4 * i) for i in range(n - 4)]
            if service.varargs:
                args.append(VarArgs(vals[:4], n, sp + 4 * max(0, n - 4), self._vm.read_u32))
        result = service.fn(*args)
        if self.observer is not None:
            self.observer(service.name, tuple(args), result)
        if result is None:
            return
        if type(result) is tuple:
            self._ret[len(result) - 1].write(result)
        else:
            self._ret[0].write((result,))
