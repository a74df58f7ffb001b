"""The board: CPU, memory, peripherals and the emulated kernel, wired together.

`Machine` is the one place that knows how the pieces connect; each piece gets only what it
needs. The console and the SDK drive a machine through its methods (insmod, run, ...).
"""

import os
import time

from .cpu import PC, Cpu, UcError
from .errors import GuestFault, InputError, LoaderError
from .hw.board import build_hardware, load_board
from .kernel.abi import MKDEV
from .kernel.aeabi import Aeabi, UnwindPersonality
from .kernel.chrdev import Chrdev
from .kernel.clock import Clock
from .kernel.entry import Entry, Fault, GuestCall, GuestCalls
from .kernel.files import ConsoleFile
from .kernel.hypercall import Hypercalls
from .kernel.kuser import vectors_page
from .kernel.lib import StringLib, lib_providers
from .kernel.lib_idr import Idr
from .kernel.mm.util import VmMmap
from .kernel.mm.ioremap import Ioremap
from .kernel.mm.context import AtomicDelay
from .kernel.mm.env import ServiceEnv
from .kernel.mm.ledger import TrackedLedger
from .kernel.mm.setup import MemoryManagement
from .kernel.module import Modules
from .kernel.oops import oops_report
from .kernel.printk import LogBuffer, Printk
from .kernel.process import AddressSpace, PageCache, Process, build_stack, load_image
from .kernel.resource import Resources, seed_iomem
from .kernel.ioport import IoPorts
from .kernel.mmap import Mmap
from .kernel.devmem import MEM_RDEV, DevMem
from .kernel.symbols import Symbolizer, SymbolTable
from .kernel.syscalls import Syscalls
from .kernel.fs import calls as _fs_calls  # noqa: F401  (registers the fs/module/sys calls)
from .kernel.fs.namespace import RootFs
from .kernel.fs.procfs import ProcFs
from .kernel.syslog import Syslog
from .kernel.chardevs import builtin_openers, make_nodes
from .kernel.tty import Tty
from .kernel.uaccess import Uaccess
from .loader.elf import read_bytes
from .loader.program import load_program
from .memory.bus import MmioBus
from .memory.layout import (KERNEL_RESERVED_END, MODULES_VADDR, PAGE_SIZE,
                            PHYS_OFFSET, SWAPPER_PG_DIR, VECTORS_BASE, phys_to_virt)
from .memory.mmu import KERNEL_RWX, USER_RX, PageTables, VirtualMemory
from .memory.physmem import BootAllocator, PhysicalMemory
from .trace import Tracer

THREAD_SIZE = 8192
#: Physical addresses of the SoC's peripherals (below DRAM).
PERIPHERAL_SPACE = (0x03800000, 0x1FFFFFFF)
#: Signals a user fault raises, by fault kind, and the shell's message for them.
FAULT_SIGNALS = {"data abort": (11, "Segmentation fault"),
                 "prefetch abort": (11, "Segmentation fault"),
                 "undefined instruction": (4, "Illegal instruction"),
                 "breakpoint": (5, "Trace/breakpoint trap")}
#: The shell's message for a process killed by a page fault's signal (SIGBUS, SIGKILL).
KILL_MESSAGES = {7: "Bus error", 9: "Killed"}
SCTLR_M, SCTLR_C, SCTLR_Z, SCTLR_I, SCTLR_V = 1, 1 << 2, 1 << 11, 1 << 12, 1 << 13


_SYMBOL_TABLES = {}
SYMBOL_TABLES_KEPT = 8      # ~0.7 MB each: a test worker sees many images (issue 16)


def _program_symbols(program, comm, lo, hi):
    """The program's symbol table, built once per image and name (it is read-only); the
    least recently used of more than SYMBOL_TABLES_KEPT is dropped."""
    key = (program.digest, comm)
    table = _SYMBOL_TABLES.pop(key, None)
    if table is None:
        table = SymbolTable(comm, lambda: program.symbols, lo, hi,  # speed: read on first lookup
                            lambda: program.mapping, program.exidx)
    _SYMBOL_TABLES[key] = table                 # most recently used last
    while len(_SYMBOL_TABLES) > SYMBOL_TABLES_KEPT:
        del _SYMBOL_TABLES[next(iter(_SYMBOL_TABLES))]
    return table


class Machine:
    """The composition root: builds every part in named steps, each part from the parts
    built before it (passed to its constructor), then drives them for the console."""

    def __init__(self, board="fs4412", rootfs=".", timeout_s=10.0, console=None, tracer=None,
                 kasan=True, leak_check=True, skeleton=None):
        """console(text) receives what the board prints on its serial console; kasan and
        leak_check switch the memory checker and the allocation ownership tracking;
        skeleton: a kernel.fs.skeleton.Skeleton under the rootfs folder (busybox, /etc)."""
        self.console = console or (lambda text: None)
        self.tracer = tracer or Tracer()
        if not (isinstance(timeout_s, (int, float)) and 0 <= timeout_s < float("inf")):
            raise InputError(f"timeout {timeout_s!r}: a finite number of seconds >= 0 "
                             "(0: no limit)")
        self.timeout_us = int(timeout_s * 1_000_000)
        self.spec = load_board(board)
        self._fault = None
        self._next_pid = 100
        self.stdout = bytearray()        # what user programs wrote to the console
        self.guest_errors = []
        self._build_memory()
        self._build_hardware()
        self._build_kernel_core()
        self._build_mm(kasan, leak_check)
        self._build_drivers_core()
        self._build_vfs_and_syscalls(rootfs, skeleton)
        self.tracer.subscribe("guest_error", self._guest_error)

    def adopt(self, rootfs, console, subscribe):
        """Hand this booted board to a new run (runner/clone.py, in a forked child): its root
        filesystem and console stream, with ``subscribe(tracer)`` placing the run's observers
        before the board's own, as on a board built for the run."""
        self.vfs.root = os.path.realpath(rootfs)
        self.console = console
        self.tracer.unsubscribe("guest_error", self._guest_error)
        subscribe(self.tracer)
        self.tracer.subscribe("guest_error", self._guest_error)

    # -- set-up, in order -----------------------------------------------------------------
    def _build_memory(self):
        """CPU, RAM, the kernel's page tables with the MMU on, the boot allocator."""
        self.cpu = cpu = Cpu()
        self.ram = ram = PhysicalMemory(cpu, self.spec.dram_base, self.spec.dram_size)
        self._boot = boot = BootAllocator(PHYS_OFFSET + 0x8000, KERNEL_RESERVED_END)
        self.tables = tables = PageTables(ram, SWAPPER_PG_DIR, lambda: boot.alloc(PAGE_SIZE))
        tables.map_lowmem()
        self.vm = VirtualMemory(ram, tables)
        self._enable_mmu()

    def _build_hardware(self):
        """The board's devices from its description, attached to the MMIO bus."""
        cpu = self.cpu
        self.hw = build_hardware(self.spec, self.tracer, pc_provider=lambda: cpu.reg(PC),
                                 now_ns=lambda: self.clock.now_ns())   # periph: virtual time
        self.bus = MmioBus(cpu, self.tracer, self.spec.dram_base, self.spec.dram_size)
        for region in self.hw.mmio_regions:
            self.bus.attach(region)

    def _build_kernel_core(self):
        """Service stubs, the kernel stack and the guest-call runner, time, printk."""
        cpu, vm = self.cpu, self.vm
        self.hypercalls = hc = Hypercalls(cpu, vm, MODULES_VADDR)
        kstack = self._boot.alloc(THREAD_SIZE, align=THREAD_SIZE)     # thread_info at its base
        self._kstack = kstack
        self.symbolize = Symbolizer(hc.name_at)
        self.guest = GuestCalls(cpu, hc, phys_to_virt(kstack + THREAD_SIZE), self.symbolize)
        cpu.count_instructions()
        self.clock = Clock(lambda: cpu.instructions)
        self.log = LogBuffer(self.clock, self.tracer, console=self._console_line)
        self.printk = Printk(self.log, vm, self.symbolize)
        self.ledger = TrackedLedger(lambda addr: self.modules.owner_of(addr),
                                    self.symbolize.short)

    def _build_mm(self, kasan, leak_check):
        """ioremap, then memory management (pages, slab, kmalloc, vmalloc, ...)."""
        cpu, vm, hc = self.cpu, self.vm, self.hypercalls
        env = ServiceEnv(printk=self.printk.kernel, symbolize=self.symbolize,
                         caller=lambda: hc.caller, current=self._current_task,
                         ledger=self.ledger)
        self.ioremap = Ioremap(self.tables, cpu, self.bus, self.bus.is_ram, self.ledger,
                               env.printk, env.caller)
        self.mm = mm = MemoryManagement(
            self.ram, cpu, self.tables, vm, phys_to_virt(self._kstack), env,
            self.guest.call_nested, hc.address, self.ioremap.vmalloc,
            lambda: self.ioremap.mappings, kasan=kasan, leak_check=leak_check)
        self.frames = mm.frames("anon")
        self.printk.use_memory(mm.checked(vm, env.caller))      # %s and formats checked (KASAN)
        self.kmalloc = mm.kmalloc
        self.kasan_reports = mm.kasan.reports if mm.kasan is not None else None

    def _build_drivers_core(self):
        """The services drivers call (chrdev, resources, port I/O, mmap, string, uaccess,
        ...), registered as exports; then the stub page, the vectors and the module loader."""
        cpu, vm, hc, mm = self.cpu, self.vm, self.hypercalls, self.mm
        kprint, caller = self.printk.kernel, mm.env.caller
        self.chrdev = Chrdev(vm, self.kmalloc, self.ledger, caller)
        self.resources = Resources(vm, self.kmalloc, self.ledger, kprint, caller)
        seed_iomem(self.resources, self.spec.dram_base, self.spec.dram_size, KERNEL_RESERVED_END,
                   [(f"{r.base:08x}.pinctrl", r.base, r.size) for r in self.hw.gpio.regions]
                   + ([(r.name, r.base, r.size)] if (r := self.hw.ioport) else []))
        self.ioports = IoPorts(self.tables, self.hw.ioport, self.resources, self.ioremap.vmalloc)
        self.mmap = Mmap(vm, self.tables, cpu, self.bus, self.kmalloc, kprint, mm.memmap.pfn_of,
                         self._kill)
        for provider in (self.resources, self.mmap):
            for name, va in provider.data_symbols().items():
                hc.export_data(name, va)
        checked = mm.checked(vm, caller)
        self.vm_mmap = VmMmap(lambda: self.syscalls.process,    # issue 16: insmod's own mm
                              lambda: AddressSpace(self.tables, self.frames, self.ram, cpu))
        for provider in (*lib_providers(checked, self.symbolize, self.kmalloc.kmalloc,  # issue 16
                                        self.printk.emit_raw, self.guest.call_nested),
                         Idr(checked, self.kmalloc, mm.env, self.guest.call_nested,  # issue 16
                             mm.context.preempt_add), self.vm_mmap,
                         self.printk, StringLib(checked, self.symbolize),
                         Aeabi(kprint), self.chrdev, self.ioremap, Uaccess(mm.checked(vm, caller)),
                         AtomicDelay(self.clock, mm.context), UnwindPersonality(), self.resources,
                         self.ioports, self.mmap, *mm.providers):
            hc.register(provider)
        boot = self._boot
        self._map_page(MODULES_VADDR, boot.alloc(PAGE_SIZE), self._stub_page(), KERNEL_RWX)
        self._map_page(VECTORS_BASE, boot.alloc(PAGE_SIZE), vectors_page(), USER_RX)
        self.modules = Modules(self.tables, mm.frames("module"), self.ram, vm, cpu, mm.resolve,
                               self.guest, self.symbolize, self.ledger, kprint, self.timeout_us)

    def _build_vfs_and_syscalls(self, rootfs, skeleton):
        """The root filesystem with /proc, the syscall table, and the exception entry."""
        self.page_cache = PageCache(self.mm.frames("file"), self.ram)
        self.vfs = RootFs(rootfs, skeleton, self.clock)
        self.vfs.add_proc("devices", self.chrdev.proc_devices)
        self.vfs.add_proc("modules", self.modules.proc_modules)
        self.vfs.add_proc("iomem", self.resources.proc_iomem)
        self.vfs.add_proc("ioports", self.resources.proc_ioports)
        for name, render in self.mm.proc_files(self._ioremap_caller).items():
            self.vfs.add_proc(name, render)
        # (busybox issue 14) what the fs, module and sys calls need; the console tty.
        self.procfs = ProcFs(self.vfs, self.clock, self._processes, lambda: self.modules.tainted)
        syslog = Syslog(self.log)
        self.procfs.add_writable("sys/kernel/printk", syslog.proc_printk, syslog.store_printk)
        self.tty = Tty(current=lambda: self.syscalls.process)
        self.devmem = DevMem(self.mmap, self.vm, self.bus, self.ram)
        special_open = {MEM_RDEV: self.devmem.open,   # and the built-in character devices
                        **builtin_openers(self._program_output, self.tty, self.log,
                                          self.printk.kernel)}
        make_nodes(self.vfs)
        self.syscalls = Syscalls(self.vm, self.vfs, self.chrdev, self.kmalloc, self.clock,
                                 self.cpu, self.modules.module_get, self._unknown_syscall,
                                 mmap=self.mmap, special_open=special_open,
                                 modules=self.modules, printk=self.printk.kernel, syslog=syslog)
        self.entry = Entry(self.cpu, self.hypercalls, self.guest, self._kstack + THREAD_SIZE,
                           syscall=self.syscalls, on_fault=self._on_fault,
                           user_fault=self._user_fault)

    # -- set-up helpers -------------------------------------------------------------------
    def _enable_mmu(self):
        cpu = self.cpu
        cpu.set_cp15(2, 0, 0, 2, 0)                      # TTBCR: TTBR0 for the whole space
        cpu.set_cp15(2, 0, 0, 0, SWAPPER_PG_DIR)         # TTBR0
        cpu.set_cp15(3, 0, 0, 0, 0x55555555)             # DACR: every domain client
        sctlr = cpu.cp15(1, 0, 0, 0)
        cpu.set_cp15(1, 0, 0, 0, sctlr | SCTLR_M | SCTLR_C | SCTLR_Z | SCTLR_I | SCTLR_V)

    def _stub_page(self):
        """The service stubs, then the memory subsystem's fast-path routines."""
        stubs = self.hypercalls.stub_page()
        base = MODULES_VADDR + ((len(stubs) + 63) & ~63)
        code = self.mm.stub_code(base, self.hypercalls.address)
        if code:
            self.symbolize.add(SymbolTable("", self.mm.symbols(), base, base + len(code)))
        return stubs.ljust(base - MODULES_VADDR, b"\0") + code

    def _current_task(self):
        """(comm, pid) of the task kernel code runs for (insmod/rmmod: pid 1, as oopses say)."""
        process = getattr(self, "syscalls", None) and self.syscalls.process
        return (process.comm, process.pid) if process else ("insmod", 1)

    def _processes(self):
        """The processes /proc lists: the one running now, if any."""
        process = self.syscalls.process
        return [process] if process is not None else []

    def _ioremap_caller(self, va):
        held = self.ledger.entry("ioremap", va)
        return held.caller if held else 0

    def _map_page(self, va, pa, data, prot):
        self.ram.write(pa, data.ljust(PAGE_SIZE, b"\0"))
        self.tables.map_page(va, pa, prot)

    def _console_line(self, line):
        self.console(line + "\n")

    def _guest_error(self, kind, fields):
        message = f"guest error: {fields['source']}: {fields['message']}"
        self.guest_errors.append(message)
        self.console(message + "\n")

    def _unknown_syscall(self, nr, name):
        self.printk.kernel(7, f"emu4412: unimplemented syscall {nr} ({name}) returns -ENOSYS")

    # -- tracing ----------------------------------------------------------------------------
    def trace_calls(self):
        """Publish "syscall" and "hypercall" events (a Python call more per call: tracing only)."""
        tracer, hc = self.tracer, self.hypercalls

        def on_syscall(nr, args, result):
            name, shown = self.syscalls.describe(nr, args)
            tracer.publish("syscall", nr=nr, name=name, args=shown, result=result)

        self.entry.observe_syscalls(on_syscall)
        self.mm.fast_off("trace")          # every service call must reach the observer
        hc.observe(lambda name, args, result: tracer.publish(
            "hypercall", name=name, args=list(args), result=result, caller=hc.caller))

    def track_access_pc(self):
        """Give MMIO events the exact PC of the access (a memory hook over peripheral space).

        An MMIO handler only sees the PC of the translated block's start; a memory hook sees
        the instruction's. The hook covers physical peripheral space, which user programs'
        virtual addresses do not normally reach.
        """
        self.cpu.record_access_pc(*PERIPHERAL_SPACE)
        self.hw.set_pc_provider(self.cpu.access_pc)

    # -- faults ---------------------------------------------------------------------------
    def _on_fault(self, fault: Fault):
        self._fault = fault
        self.tracer.publish("fault", fault=fault.kind, pc=fault.pc,
                            message=f"{fault.kind} at {self.symbolize(fault.pc)}"
                                    f"{' (user)' if fault.user else ''}")

    def _user_fault(self, regs):
        process = self.syscalls.process
        return None if process is None else self.mmap.user_fault(process.mm, regs)

    def _kill(self, signo):
        """A fatal signal from a page fault: the shell's message, then the process exits."""
        self.console(f"{KILL_MESSAGES[signo]}\n")
        return self.syscalls.exit_process(128 + signo)

    def _check_fault(self, process=None):
        """Raise GuestFault for a kernel fault; return the user fault (or None)."""
        fault, self._fault = self._fault, None
        if fault is None or fault.user:
            return fault
        comm = process.comm if process else "insmod"
        pid = process.pid if process else 1
        lines = oops_report(fault, self.vm, self.symbolize, list(self.modules.loaded),
                            comm, pid)
        for line in lines:
            self.printk.kernel(1, line)
        raise GuestFault(f"kernel oops: {lines[0]} (PC at {fault.where or self.symbolize(fault.pc)})",
                         "\n".join(lines))

    def _uc_fault(self, err):
        """Turn a Unicorn error (undefined instruction, unmapped physical access) into a fault."""
        regs = self.cpu.regs()
        kind = "undefined instruction" if self.cpu.is_undefined_instruction(err) else "data abort"
        self._on_fault(Fault(kind, regs["pc"], regs["cpsr"] & 0x1F == 0x10, regs))

    # -- the console's commands -------------------------------------------------------------
    def _guarded(self, run, process=None):
        try:
            result = run()
        except UcError as err:
            self._uc_fault(err)
            result = None
        return result, self._check_fault(process)

    def insmod(self, path, data=None):
        if data is None:
            data = self.read_rootfs(path)
        try:
            module, _ = self._guarded(lambda: self.modules.insmod(data, os.path.basename(path)))
        finally:
            self.vm_mmap.end_task()               # the insmod task exits with its mm
        return module

    def rmmod(self, name):
        try:
            leaks, _ = self._guarded(lambda: self.modules.rmmod(name))
        finally:
            self.vm_mmap.end_task()
        return leaks

    def mknod(self, path, kind, major, minor):
        if kind != "c":
            raise InputError(f"mknod: {kind}: only character devices (c) are supported")
        return self.vfs.mknod(path, 0o020666, MKDEV(major, minor))

    def read_rootfs(self, path):
        host = self.vfs.host_path(path)
        if host is None:
            raise InputError(f"{path}: outside the board's root filesystem")
        return read_bytes(host, InputError, path)     # missing: the command fails (status 1)

    def run(self, path, argv=None, env=("PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=vt100")):
        """Run an ARM program from the root filesystem; returns its exit status."""
        data = self.read_rootfs(path)
        program = load_program(data, path, self.spec.dram_size)
        argv = [path] + list(argv or [])
        mm = AddressSpace(self.tables, self.frames, self.ram, self.cpu)
        comm = os.path.basename(path)[:15]
        proc = Process(self._next_pid, comm, mm)
        self._next_pid += 1
        if not load_image(mm, program, self.vm, self.page_cache):
            mm.release()
            raise LoaderError(f"{path}: out of memory loading the program")
        sp = build_stack(mm, self.vm, program, [a.encode() for a in argv],
                         [e.encode() for e in env], bytes(range(16)), path.encode())
        proc.cmdline = b"".join(a.encode() + b"\0" for a in argv)
        proc.exe = self.vfs.resolve(self.vfs.normalize(path))[0]     # d_path: links resolved
        sink = ConsoleFile(self._program_output, self.tty)
        self.tty.pgrp, self.tty.session = proc.pgid, proc.sid     # the foreground job
        for fd in (0, 1, 2):
            proc.files[fd] = sink
        lo = min(s.vaddr for s in program.segments)
        hi = max(s.vaddr + s.memsz for s in program.segments)
        self.cpu.flush_tlb()
        self.symbolize.add(_program_symbols(program, comm, lo, hi))
        self.syscalls.process = proc
        try:
            _, user_fault = self._guarded(
                lambda: self.guest.run_user(program.entry, sp, self.timeout_us,
                                            what=f"{path}"), proc)
            if user_fault is not None:
                signo, message = FAULT_SIGNALS[user_fault.kind]
                self.console(f"{message}\n")
                self._guarded(lambda: self._drive(self.syscalls.exit_process(128 + signo)), proc)
        finally:
            self.syscalls.process = None
            self.symbolize.remove(comm)
            self.mmap.drop(mm)
            mm.release()
        return proc.exit_status

    def _drive(self, gen):
        """Run a syscall generator from the host (after the process died outside a syscall)."""
        value = None
        while True:
            try:
                call = gen.send(value)
            except StopIteration as stop:
                return stop.value
            if not isinstance(call, GuestCall):
                raise TypeError(call)
            value = self.guest.call(call.fn, call.args, self.timeout_us)
            if value is None:
                return None

    def _program_output(self, data):
        self.stdout += data
        self.console(data.decode("utf-8", "replace"))

    # -- observation ----------------------------------------------------------------------
    @property
    def leds(self):
        return {name: led.on for name, led in self.hw.leds.items()}

    def dmesg(self):
        return self.log.lines()

    def stats(self, started):
        return {"instructions": self.cpu.instructions, "mmio_reads": self.bus.reads, "mmio_writes": self.bus.writes,
                "syscalls": self.entry.syscalls, "hypercalls": self.hypercalls.count,
                "wall_s": round(time.perf_counter() - started, 3)}
