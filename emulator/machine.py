"""The board: CPU, memory, peripherals and the emulated kernel, wired together.

`Machine` is the one place that knows how the pieces connect; each piece gets only what it
needs. The console and the SDK drive a machine through its methods (insmod, run, ...).
"""

import os
import time

from unicorn import UcError
from unicorn.unicorn_const import UC_ERR_INSN_INVALID

from .cpu import Cpu, PC
from .errors import GuestFault, GuestTimeout, InputError, LoaderError
from .hw.board import build_hardware, load_board
from .kernel.abi import MKDEV
from .kernel.aeabi import Aeabi, UnwindPersonality
from .kernel.chrdev import Chrdev
from .kernel.clock import Clock
from .kernel.entry import Entry, Fault, GuestCall
from .kernel.files import BufferFile, ConsoleFile
from .kernel.hypercall import Hypercalls
from .kernel.kuser import SIGNAL_EXIT_STUB, vectors_page
from .kernel.lib import StringLib
from .kernel.mm.ioremap import Ioremap
from .kernel.mm.context import AtomicDelay
from .kernel.mm.ledger import TrackedLedger
from .kernel.mm.setup import MemoryManagement
from .kernel.module import Modules
from .kernel.oops import oops_report
from .kernel.printk import LogBuffer, Printk
from .kernel.process import AddressSpace, PageCache, Process, build_stack, load_image
from .kernel.resource import Resources, seed_iomem
from .kernel.ioport import IoPorts
from .kernel.irq.setup import Interrupts
from .kernel.sched.setup import Scheduling
from .kernel.time.timer import TICK_NS, Timers
from .kernel.mm.gfp import GFP_KERNEL
from .kernel.poll import Poller
from .kernel.softirq.tasklet import Tasklets
from .kernel.softirq.workqueue import Workqueues
from .kernel.mmap import Mmap
from .kernel.devmem import MEM_RDEV, DevMem
from .kernel.symbols import Symbolizer, SymbolTable
from .kernel.syscalls import Syscalls
from .kernel.uaccess import Uaccess
from .kernel.vfs import Vfs
from .loader.elf import read_bytes
from .loader.program import load_program
from .memory.bus import MmioBus
from .memory.layout import (KERNEL_RESERVED_END, MODULES_VADDR, PAGE_SIZE,
                            PHYS_OFFSET, SWAPPER_PG_DIR, VECTORS_BASE, phys_to_virt)
from .memory.mmu import KERNEL_RWX, USER_RX, PageTables, VirtualMemory
from .memory.physmem import BootAllocator, PhysicalMemory
from .trace import Tracer

THREAD_SIZE = 8192
#: Virtual seconds of board time a run may last (--max-time): a `while (1) sleep(1);` app.
DEFAULT_MAX_TIME_S = 3600
DEFAULT_ENV = ("PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=vt100")
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


def _program_symbols(program, comm, lo, hi):
    """The program's symbol table, built once per image and name (it is read-only)."""
    key = (program.digest, comm)
    table = _SYMBOL_TABLES.get(key)
    if table is None:
        table = _SYMBOL_TABLES[key] = SymbolTable(comm, program.symbols, lo, hi,
                                                  program.mapping, program.exidx)
    return table


class Machine:
    def __init__(self, board="fs4412", rootfs=".", timeout_s=10.0, console=None, tracer=None,
                 kasan=True, leak_check=True, max_time_s=DEFAULT_MAX_TIME_S):
        """console(text) receives what the board prints on its serial console; kasan and
        leak_check switch the memory checker and the allocation ownership tracking."""
        self.console = console or (lambda text: None)
        self.tracer = tracer or Tracer()
        self.timeout_us = int(timeout_s * 1_000_000)
        self.spec = load_board(board)
        self.cpu = cpu = Cpu()
        self.ram = ram = PhysicalMemory(cpu, self.spec.dram_base, self.spec.dram_size)
        boot = BootAllocator(PHYS_OFFSET + 0x8000, KERNEL_RESERVED_END)
        self.tables = tables = PageTables(ram, SWAPPER_PG_DIR, lambda: boot.alloc(PAGE_SIZE))
        tables.map_lowmem()
        self.vm = vm = VirtualMemory(ram, tables)
        self._enable_mmu()

        self.hw = build_hardware(self.spec, self.tracer, pc_provider=lambda: cpu.reg(PC))
        self.bus = MmioBus(cpu, self.tracer, self.spec.dram_base, self.spec.dram_size)
        for region in self.hw.mmio_regions:
            self.bus.attach(region)

        self.hypercalls = hc = Hypercalls(cpu, vm, MODULES_VADDR)
        kstack = boot.alloc(THREAD_SIZE, align=THREAD_SIZE)     # thread_info at its base
        self.entry = Entry(cpu, hc, phys_to_virt(kstack + THREAD_SIZE), kstack + THREAD_SIZE)
        cpu.count_instructions()
        self.clock = Clock(lambda: cpu.instructions)
        self.log = LogBuffer(self.clock, self.tracer, console=self._console_line)
        self.symbolize = Symbolizer(hc.name_at)
        self.entry.symbolize = self.symbolize
        caller = lambda: hc.caller  # noqa: E731  (the service call's return address)
        self.printk = Printk(self.log, vm, self.symbolize)
        kprint = self.printk.kernel
        self.ledger = TrackedLedger(lambda addr: self.modules.owner_of(addr),
                                    self.symbolize.short)
        self.ioremap = Ioremap(tables, cpu, self.bus, self.bus.is_ram, self.ledger, kprint, caller)
        self.mm = mm = MemoryManagement(
            ram, cpu, tables, vm, phys_to_virt(kstack), kprint, self.symbolize, caller,
            self._current_task, self.entry.call_nested, self.ledger, self.ioremap.vmalloc,
            lambda: self.ioremap.mappings, kasan=kasan, leak_check=leak_check)
        self.frames = mm.frames("anon")
        self.kmalloc = mm.kmalloc
        self.kasan_reports = mm.kasan.reports if mm.kasan is not None else None
        self.chrdev = Chrdev(vm, self.kmalloc, self.ledger, caller)
        self.delay = AtomicDelay(self.clock, mm.context)
        # -- interrupts (issue 12) --
        self.irq = Interrupts(self.hw, cpu, vm, hc.exit_addr, phys_to_virt(kstack + THREAD_SIZE),
                              self.timeout_us, self.tracer, kprint, self.symbolize, self.ledger,
                              caller)
        self.irq.check_fault = lambda: self._check_fault(self.syscalls.process)
        self.entry.on_block_stop = self.irq.on_block_stop
        # -- tasks and scheduling (issue 12) --
        self._console_ti = phys_to_virt(kstack)
        self._next_pid = 100
        self.sched = Scheduling(cpu, vm, self.clock, self.entry, self.irq, mm, hc,
                                self.timeout_us, max_time_s, kprint, self.ledger, caller,
                                self._new_pid)
        self.timers = Timers(vm, self.clock, phys_to_virt(boot.alloc(PAGE_SIZE)), self.ledger,
                             caller, kprint)
        self.timers.run_softirq = self.irq.run_softirq
        self.sched.timers = self.timers
        self.tasklets = Tasklets(vm, self.ledger, caller)
        self.tasklets.run_softirq = self.irq.run_softirq
        self.sched.tasklets = self.tasklets
        wq_page = phys_to_virt(boot.alloc(PAGE_SIZE))        # the worker loop + system_wq
        self.workqueues = Workqueues(self.sched, vm, cpu, self.timers, self.ledger, caller,
                                     hc.address, self._new_pid, wq_page, wq_page + 64)
        for name, va in self.workqueues.data_symbols().items():
            hc.export_data(name, va)
        self.irq.handler.softirq = self.tasklets.run
        console_top = phys_to_virt(kstack + THREAD_SIZE)
        self.irq.handler.idle_sp = lambda: self.sched.console_sp or console_top - 8
        for name, va in self.timers.data_symbols().items():
            hc.export_data(name, va)
        self.poller = Poller(vm, self.clock, self.sched, self.sched.wait, self._alloc_page,
                             self._free_page, hc.address)
        self.sched.on_stopped = self._task_stopped
        self.sched.symbolize = self.symbolize
        self.sched.tracer = self.tracer
        self.sched.switch_hooks.append(self._switch_task)
        self.sched.kill_now = self._kill_now
        self.sched.signal_exit_stub = SIGNAL_EXIT_STUB
        self.sched.wait.signal_pending = lambda task: bool(task.pending_signal)
        self.entry.ret_to_user = self._ret_to_user
        self.resources = Resources(vm, self.kmalloc, self.ledger, kprint, caller)
        seed_iomem(self.resources, self.spec.dram_base, self.spec.dram_size, KERNEL_RESERVED_END,
                   [(f"{r.base:08x}.pinctrl", r.base, r.size) for r in self.hw.gpio.regions]
                   + ([(r.name, r.base, r.size)] if (r := self.hw.ioport) else []))
        self.ioports = IoPorts(tables, self.hw.ioport, self.resources, self.ioremap.vmalloc)
        for name, va in self.resources.data_symbols().items():
            hc.export_data(name, va)
        self.mmap = Mmap(vm, tables, cpu, self.bus, self.kmalloc, kprint, mm.memmap.pfn_of,
                         self._kill)
        for name, va in self.mmap.data_symbols().items():
            hc.export_data(name, va)
        for provider in (self.printk, StringLib(mm.checked(vm, caller), self.symbolize),
                         Aeabi(kprint), self.chrdev, self.ioremap, Uaccess(mm.checked(vm, caller)),
                         self.delay, UnwindPersonality(), self.resources,
                         self.ioports, self.mmap, *mm.providers, *self.irq.providers,
                         *self.sched.providers, self.timers, self.poller, self.tasklets,
                         self.workqueues):
            hc.register(provider)
        self._map_page(MODULES_VADDR, boot.alloc(PAGE_SIZE), self._stub_page(), KERNEL_RWX)
        self.workqueues.install_loop()
        resolve = lambda name: mm.resolve(name, hc.address)  # noqa: E731  (fast paths first)
        mm.set_resolver(resolve)
        self._map_page(VECTORS_BASE, boot.alloc(PAGE_SIZE), vectors_page(), USER_RX)

        self.modules = Modules(tables, mm.frames("module"), ram, vm, cpu, resolve, self.entry,
                               self.symbolize, self.ledger, kprint, self.timeout_us)
        self.page_cache = PageCache(mm.frames("file"), ram)
        self.vfs = Vfs(rootfs)
        self.vfs.add_proc("devices", self.chrdev.proc_devices)
        self.vfs.add_proc("modules", self.modules.proc_modules)
        self.vfs.add_proc("iomem", self.resources.proc_iomem)
        self.vfs.add_proc("ioports", self.resources.proc_ioports)
        self.vfs.add_proc("interrupts", self.irq.proc_interrupts)
        for name, render in mm.proc_files(self._ioremap_caller).items():
            self.vfs.add_proc(name, render)
        self.syscalls = Syscalls(vm, self.vfs, self.chrdev, self.kmalloc, self.clock, cpu,
                                 self.modules.module_get, self._unknown_syscall)

        self.entry.syscall = self.syscalls
        self.syscalls.sleep_task = self._sleep_task
        self.delay.sleep = self._msleep_task
        self.syscalls.poller = self.poller
        self.entry.sleep = self.sched.sleep_in_syscall
        self.syscalls.mmap = self.mmap
        self.devmem = DevMem(self.mmap, vm, self.bus, ram)
        self.syscalls.special_open[MEM_RDEV] = self.devmem.open
        self.entry.user_fault = self._user_fault
        self.entry.on_fault = self._on_fault
        self._fault = None
        self.stdout = bytearray()        # what user programs wrote to the console
        self.guest_errors = []
        self.tracer.subscribe("guest_error", self._guest_error)

    # -- set-up ---------------------------------------------------------------------------
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

        self.entry.on_syscall = on_syscall
        self.mm.fast_off("trace")          # every service call must reach the observer
        hc.observer = lambda name, args, result: tracer.publish(
            "hypercall", name=name, args=list(args), result=result, caller=hc.caller)

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
        raise GuestFault(f"kernel oops: {lines[0]} (PC at {self.symbolize(fault.pc)})",
                         "\n".join(lines))

    def _uc_fault(self, err):
        """Turn a Unicorn error (undefined instruction, unmapped physical access) into a fault."""
        regs = self.cpu.regs()
        kind = "undefined instruction" if err.errno == UC_ERR_INSN_INVALID else "data abort"
        self._on_fault(Fault(kind, regs["pc"], regs["cpsr"] & 0x1F == 0x10, regs))

    # -- the console's commands -------------------------------------------------------------
    def _guarded(self, run, process=None):
        self.timers.sync()                  # guest code sees the current jiffies
        try:
            result = run()
        except UcError as err:
            self._uc_fault(err)
            result = None
        return result, self._check_fault(process)

    def insmod(self, path, data=None):
        if data is None:
            data = self.read_rootfs(path)
        module, _ = self._guarded(lambda: self.modules.insmod(data, os.path.basename(path)))
        return module

    def rmmod(self, name):
        leaks, _ = self._guarded(lambda: self.modules.rmmod(name))
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

    def run(self, path, argv=None, env=DEFAULT_ENV, stdin=None):
        """Run an ARM program from the root filesystem in the foreground (other tasks run
        too); returns its exit status. stdin: bytes its standard input reads (default: the
        console, which reads as end of file)."""
        task = self.spawn(path, argv, env, stdin)
        try:
            if not self.sched.run_until(lambda: task.exited):
                raise GuestTimeout(f"{path} (pid {task.pid}) sleeps in "
                                   f"{self.sched.blocked_reason(task)} and nothing can wake it")
        finally:
            if not task.exited:
                self._kill_task(task)
            self.sched.reap(task)
        return task.process.exit_status

    def spawn(self, path, argv=None, env=DEFAULT_ENV, stdin=None):
        """Load an ARM program as a new process (a runnable task, not yet run); returns it."""
        data = self.read_rootfs(path)
        program = load_program(data, path)
        argv = [path] + list(argv or [])
        mm = AddressSpace(self.tables, self.frames, self.ram, self.cpu)
        previous = self.tables.user
        mm.activate()
        comm = os.path.basename(path)[:15]
        proc = Process(self._new_pid(), comm, mm)
        try:
            if not load_image(mm, program, self.vm, self.page_cache):
                mm.release()
                raise LoaderError(f"{path}: out of memory loading the program")
            sp = build_stack(mm, self.vm, program, [a.encode() for a in argv],
                             [e.encode() for e in env], bytes(range(16)), path.encode())
        finally:
            self.tables.switch_user(previous)
            self.cpu.flush_tlb()
        sink = ConsoleFile(self._program_output)
        for fd in (0, 1, 2):
            proc.files[fd] = sink
        if stdin is not None:
            proc.files[0] = BufferFile(bytes(stdin))          # `< FILE`, `echo TEXT |`
        lo = min(s.vaddr for s in program.segments)
        hi = max(s.vaddr + s.memsz for s in program.segments)
        self.symbolize.add(_program_symbols(program, comm, lo, hi))
        proc.argv = argv
        return self.sched.create(proc.pid, comm, program.entry, sp, proc)

    # -- tasks (issue 12) --------------------------------------------------------------------
    def _new_pid(self):
        pid, self._next_pid = self._next_pid, self._next_pid + 1
        return pid

    def _switch_task(self, task):
        """Install a task's kernel state (or the console's, task None) for the scheduler."""
        if task is None:
            self.syscalls.process = None
            self.mm.context.use_thread_info(self._console_ti)
            self.irq.use_kernel_stack(self._console_ti + THREAD_SIZE)
            return
        self.syscalls.process = task.process
        if task.process is not None:             # a kernel thread keeps the last user half
            task.process.mm.activate()
        self.mm.context.use_thread_info(task.ti_va)
        self.irq.use_kernel_stack(task.kstack_top)

    def _task_stopped(self, task):
        """A task's slice ended with the CPU stopped: it exited or faulted. Raises GuestFault
        for a kernel oops; a user fault kills the process with its signal."""
        proc = task.process
        user_fault = self._check_fault(proc)
        if proc is None:                         # a kernel thread that stopped the CPU
            return True
        if user_fault is not None:
            signo, message = FAULT_SIGNALS[user_fault.kind]
            self.console(f"{message}\n")
            self._guarded(lambda: self._drive(self.syscalls.exit_process(128 + signo)), proc)
        self._release_process(task)
        return True

    def _release_process(self, task):
        proc = task.process
        self.symbolize.remove(proc.comm)
        self.mmap.drop(proc.mm)
        proc.mm.release()

    def _ret_to_user(self, result):
        """A fatal signal pending for the running task ends it before user code runs again
        (default actions only: user handlers are not modelled yet)."""
        task = self.sched.current
        if task is None or not task.pending_signal:
            return None
        return self.syscalls.exit_process(128 + task.pending_signal)

    def _alloc_page(self):
        pfn = self.mm.pages.alloc(0, GFP_KERNEL, "kernel")
        return None if pfn is None else (pfn << 12, phys_to_virt(pfn << 12))

    def _free_page(self, pa):
        self.mm.pages.free(pa >> 12, 0)

    def _sleep_task(self, ns):
        """nanosleep in a task: it sleeps (TASK_INTERRUPTIBLE) until now + ns."""
        task = self.sched.current
        if task is None:
            return False
        task.state = 1                           # TASK_INTERRUPTIBLE
        task.sleeping_in = "nanosleep"
        self.sched.block_current(ns)
        return True

    def _msleep_task(self, msecs):
        """msleep in a task: schedule_timeout_uninterruptible(msecs_to_jiffies(m) + 1), as
        3.14 does (so msleep(1000) sleeps 1005 ms of virtual time)."""
        task = self.sched.current
        if task is None:
            return False
        task.state = 2                           # TASK_UNINTERRUPTIBLE
        task.sleeping_in = "msleep"
        task.timer_only = True
        self.sched.block_current((self.timers.msecs_to_jiffies(msecs) + 1) * TICK_NS)
        return True

    def _kill_now(self, task):
        self._guarded(lambda: self._drive(self.syscalls.exit_process(128 + task.pending_signal)),
                      task.process)

    def _kill_task(self, task):
        """End a task that did not exit (a foreground program stopped by an error)."""
        task.exited = True
        if task.process.exit_status is None:
            task.process.exit_status = 128 + 9
        self._release_process(task)

    def settle(self):
        """Let runnable tasks run until they all sleep (between console commands)."""
        self.sched.settle()

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
            value = self.entry.call(call.fn, call.args, self.timeout_us)
            if value is None:
                return None

    def _program_output(self, data):
        self.stdout += data
        self.console(data.decode("utf-8", "replace"))

    # -- keys and virtual time (issue 12) ---------------------------------------------------
    def key(self, name):
        """The board key ``name`` (K2, ...); InputError naming the keys if there is none."""
        key = self.hw.keys.get(name) or self.hw.keys.get(name.upper())
        if key is None:
            raise KeyError(f"no key {name} (board has {', '.join(self.hw.keys) or 'no keys'})")
        return key

    def set_key(self, name, pressed):
        """Press or release a key; an interrupt it raises is taken at once (the CPU is idle)."""
        key = self.key(name)
        key.press() if pressed else key.release()
        self._guarded(self.irq.take_idle)

    def advance(self, ns):
        """Let ``ns`` of virtual time pass (the console's sleep, a key's hold) while tasks,
        timers and interrupts run."""
        self.sched.run_for(ns)

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
