"""The board: CPU, memory, peripherals and the emulated kernel, wired together.

`Machine` is the one place that knows how the pieces connect; each piece gets only what it
needs. The console and the SDK drive a machine through its methods (insmod, run, ...).
"""

import os
import time

from .cpu import PC, Cpu
from .errors import InputError
from .hw.board import build_hardware, load_board
from .kernel.abi import MKDEV
from .kernel.aeabi import Aeabi, UnwindPersonality
from .kernel.base.setup import DriverModel      # driver model, device tree (issue 11)
from .kernel.irq.domain import IrqDomains
from .kernel.irq.hw_events import HwEvents                # issue 13
from .kernel.armlib import ArmLib          # issue 9
from .kernel.params import ModuleParams    # issue 9
from .kernel.preempt import Preempt        # issue 9
from .kernel.panic import Warn
from .kernel.chrdev import Chrdev
from .kernel.clock import Clock
from .kernel.entry import Entry, GuestCalls
from .kernel.hypercall import Hypercalls
from .kernel.kuser import SIGRETURN_CODE, vectors_page
from .kernel.signal_arm import SignalDelivery        # issue 12: signals
from .kernel.fs.d_path import DPath                  # course drivers: d_path
from .kernel.fs.fasync import Fasync                 # issue 12: fasync
from .kernel.lib import StringLib, lib_providers
from .kernel.lib_idr import Idr
from .kernel.mm.util import VmMmap
from .kernel.work import WorkMeter
from .kernel.mm.layout import (KASAN_SHADOW_PA, KASAN_SHADOW_SIZE,     # issue 15 (c)
                                HOST_POISON_PA, HOST_POISON_SIZE)
from .kernel.mm.ioremap import Ioremap
from .kernel.mm.context import AtomicDelay
from .kernel.mm.env import ServiceEnv
from .kernel.mm.ledger import TrackedLedger
from .kernel.mm.setup import MemoryManagement
from .kernel.module import ModuleRefs, Modules
from .kernel.printk import LogBuffer, Printk
from .kernel.lifecycle import Lifecycle
from .kernel.init import check_init, run_init_process        # process model (issue 14)
from .kernel.process import AddressSpace, PageCache
from .memory.codecache import forget_frame_code
from .kernel.resource import Resources, seed_iomem
from .kernel.ioport import IoPorts
from .kernel.irq.setup import Interrupts
from .kernel.irq.thread import IrqThreads          # issue 12, part 2
from .kernel.time.hrtimer import HrTimers, TimerBases   # issue 12, part 2
from .kernel.input.setup import InputSubsystem            # issue 12, part 2
from .kernel.sched.core import TaskHooks
from .kernel.sched.setup import Scheduling
from .kernel.sched.task import THREAD_SIZE, PidMap
from .kernel.time.timer import Timers
from .kernel.traps import Traps
from .kernel.mm.gfp import GFP_KERNEL
from .kernel.poll import Poller
from .kernel.softirq.tasklet import Tasklets
from .kernel.softirq.workqueue import Workqueues
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
from .memory.bus import MmioBus
from .memory.layout import (KERNEL_RESERVED_END, MODULES_FASTPATH, MODULES_STUBS_SIZE,
                            MODULES_VADDR, PAGE_SIZE, PHYS_OFFSET, SWAPPER_PG_DIR, VECTORS_BASE, phys_to_virt)
from .memory.mmu import KERNEL_RWX, USER_RX, PageTables, VirtualMemory, enable_mmu
from .memory.physmem import BootAllocator, PhysicalMemory
from .trace import Tracer

#: Virtual seconds of board time a run may last (--max-time): a `while (1) sleep(1);` app.
DEFAULT_MAX_TIME_S = 3600
DEFAULT_ENV = ("PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=vt100")
#: Physical addresses of the SoC's peripherals (below DRAM).
PERIPHERAL_SPACE = (0x03800000, 0x1FFFFFFF)


class Machine:
    """The composition root: builds every part in named steps, each part from the parts
    built before it (passed to its constructor), then drives them for the console."""

    def __init__(self, board="fs4412", rootfs=".", timeout_s=10.0, console=None, tracer=None,
                 kasan=True, leak_check=True, skeleton=None, dt=None, force_vermagic=False,
                 max_time_s=DEFAULT_MAX_TIME_S):
        """console(text) receives what the board prints on its serial console; kasan and
        leak_check switch the memory checker and the allocation ownership tracking;
        skeleton: a kernel.fs.skeleton.Skeleton under the rootfs folder (busybox, /etc);
        dt: the device tree (.dtb/.dts; None: the board's); force_vermagic loads modules
        built for another kernel release (tainting)."""
        self.console = console or (lambda text: None)
        self.tracer = tracer or Tracer()
        if not (isinstance(timeout_s, (int, float)) and 0 <= timeout_s < float("inf")):
            raise InputError(f"timeout {timeout_s!r}: a finite number of seconds >= 0 "
                             "(0: no limit)")
        self.timeout_us = int(timeout_s * 1_000_000)
        self.spec = load_board(board)
        self.stdout = bytearray()        # what user programs wrote to the console
        self.guest_errors = []
        self._build_memory()
        self._build_hardware()
        self._build_kernel_core()
        self._build_mm(kasan, leak_check)
        self._build_interrupts_and_tasks(max_time_s)
        self._build_drivers_core(dt, force_vermagic)
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
        # issue 15 (c): the memory checker's shadow in host memory the native check reads
        self.ram = ram = PhysicalMemory(cpu, self.spec.dram_base, self.spec.dram_size,
                                        host_backed=[(HOST_POISON_PA, HOST_POISON_SIZE),
                                                     (KASAN_SHADOW_PA, KASAN_SHADOW_SIZE)])
        self._boot = boot = BootAllocator(PHYS_OFFSET + 0x8000, KERNEL_RESERVED_END)
        self.tables = tables = PageTables(ram, SWAPPER_PG_DIR, lambda: boot.alloc(PAGE_SIZE))
        tables.map_lowmem()
        self.vm = VirtualMemory(ram, tables)
        enable_mmu(self.cpu, SWAPPER_PG_DIR)

    def _build_hardware(self):
        """The board's devices from its description, attached to the MMIO bus."""
        cpu = self.cpu
        self.hw = build_hardware(self.spec, self.tracer, pc_provider=lambda: cpu.reg(PC),
                                 now_ns=lambda: self.clock.now_ns())   # periph: virtual time
        self.bus = MmioBus(cpu, self.tracer, self.spec.dram_base, self.spec.dram_size)
        for region in self.hw.mmio_regions:
            self.bus.attach(region)

    def _build_kernel_core(self):
        """Service stubs, the kernel stack and the guest-call runner, time, the log, traps."""
        cpu, vm = self.cpu, self.vm
        self.hypercalls = hc = Hypercalls(cpu, vm, MODULES_VADDR)
        kstack = self._boot.alloc(THREAD_SIZE, align=THREAD_SIZE)     # thread_info at its base
        self._kstack = kstack
        self.symbolize = Symbolizer(hc.name_at)
        self.guest = GuestCalls(cpu, hc, phys_to_virt(kstack + THREAD_SIZE), self.symbolize,
                                on_block_stop=lambda reason: self.irq.on_block_stop(reason))
        cpu.count_instructions()
        self.clock = Clock(lambda: cpu.instructions)
        self.log = LogBuffer(self.clock, self.tracer, console=self._console_line)
        self.ledger = TrackedLedger(lambda addr: self.modules.owner_of(addr),
                                    self.symbolize.short)
        self.traps = Traps(cpu, vm, self.tracer, self.symbolize, self.log.kernel,
                           lambda: self.modules.loaded, lambda: self.timers.sync())
        self.pids = PidMap()

    def _build_mm(self, kasan, leak_check):
        """ioremap, then memory management (pages, slab, kmalloc, vmalloc, ...), and printk
        reading its formats through the memory checker."""
        cpu, vm, hc = self.cpu, self.vm, self.hypercalls
        env = ServiceEnv(printk=self.log.kernel, symbolize=self.symbolize,
                         caller=lambda: hc.caller, current=self._current_task,
                         ledger=self.ledger)
        self.ioremap = Ioremap(self.tables, cpu, self.bus, self.bus.is_ram, self.ledger,
                               env.printk, env.caller)
        self.mm = mm = MemoryManagement(
            self.ram, cpu, self.tables, vm, phys_to_virt(self._kstack), env,
            self.guest.call_nested, hc.address, self.ioremap.vmalloc,
            lambda: self.ioremap.mappings, kasan=kasan, leak_check=leak_check)
        self.frames = mm.frames("anon")
        self.printk = Printk(self.log, mm.checked(vm, env.caller), self.symbolize)
        self.kmalloc = mm.kmalloc
        self.kasan_reports = mm.kasan.reports if mm.kasan is not None else None

    def _build_interrupts_and_tasks(self, max_time_s):
        """Interrupt handling, timers, tasklets, the scheduler, workqueues and poll: their
        services are registered with the drivers core's."""
        cpu, vm, hc, mm = self.cpu, self.vm, self.hypercalls, self.mm
        kprint, caller = self.printk.kernel, mm.env.caller
        console_top = phys_to_virt(self._kstack + THREAD_SIZE)
        self._console_ti = phys_to_virt(self._kstack)
        self.irq_domains = IrqDomains()     # the board's virq numbering (kernel/irq/domain.py)
        self.irq = Interrupts(self.hw, cpu, vm, hc.exit_addr, console_top, self.timeout_us,
                              self.tracer, kprint, self.symbolize, self.ledger, caller,
                              check_fault=lambda: self.traps.check(self.syscalls.process),
                              softirq=lambda: self.tasklets.run(),
                              idle_sp=lambda: self.sched.console_sp or console_top - 8,
                              domains=self.irq_domains,
                              threads=lambda: self.irq_threads,      # issue 12, part 2
                              devres=lambda: self.dm.devres)
        self.timers = Timers(vm, self.clock, phys_to_virt(self._boot.alloc(PAGE_SIZE)),
                             self.ledger, caller, kprint, self.irq.run_softirq)
        self.tasklets = Tasklets(vm, self.ledger, caller, self.irq.run_softirq)
        self.hrtimers = HrTimers(vm, self.clock, phys_to_virt(self._boot.alloc(256, align=8)),
                                 hc.address, self.ledger, caller, kprint,
                                 self.irq.run_hardirq)               # issue 12, part 2
        self.timer_bases = TimerBases(self.timers, self.hrtimers, self.clock)   # + hrtimers
        hooks = TaskHooks(on_stopped=lambda task: self.lifecycle.task_stopped(task),
                          kill_now=lambda task: self.lifecycle.kill_now(task),
                          switch=lambda task: self.lifecycle.switch(task))
        self.sched = Scheduling(cpu, vm, self.clock, lambda: self.entry, self.irq, mm, hc,
                                self.timeout_us, max_time_s, timers=self.timer_bases,
                                tasklets=self.tasklets, hooks=hooks, symbolize=self.symbolize,
                                tracer=self.tracer,
                                printk=kprint, ledger=self.ledger, caller=caller,
                                next_pid=self.pids.alloc, call_guest=self.guest.call_nested,
                                hw_events=HwEvents(self.hw.periph, self.irq),   # device IRQs
                                console=(self._console_ti, self.guest))   # insmod/rmmod task
        self.delay = AtomicDelay(self.clock, mm.context, sleep=self.sched.msleep)
        wq_page = phys_to_virt(self._boot.alloc(PAGE_SIZE))        # the worker loop + system_wq
        self.workqueues = Workqueues(self.sched, vm, cpu, self.timers, self.ledger, caller,
                                     hc.address, self.pids.alloc, wq_page, wq_page + 64)
        for provider in (self.workqueues, self.timers):
            for name, va in provider.data_symbols().items():
                hc.export_data(name, va)
        self.poller = Poller(vm, self.clock, self.sched, self.sched.wait, self._alloc_page,
                             self._free_page, hc.address)

    def _build_drivers_core(self, dt, force_vermagic):
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
                         lambda signo: self.lifecycle.page_fault_kill(signo),
                         legacy_nopage=lambda ops: self.modules.legacy_nopage(ops))
        for provider in (self.resources, self.mmap):
            for name, va in provider.data_symbols().items():
                hc.export_data(name, va)
        checked = mm.checked(vm, caller)
        self.work = WorkMeter(self.clock, self.sched, self.guest)    # issue 16: bulk work
        self.vm_mmap = VmMmap(lambda: self.syscalls.process,    # issue 16: insmod's own mm
                              lambda: AddressSpace(self.tables, self.frames, self.ram, cpu),
                              self.tables, cpu.flush_tlb)
        for provider in (*lib_providers(checked, self.symbolize, self.kmalloc.kmalloc,  # issue 16
                                        self.printk.emit_raw, self.guest.call_nested),
                         Idr(checked, self.kmalloc, mm.env, self.guest.call_nested,  # issue 16
                             mm.context.preempt_add), self.vm_mmap,
                         self.printk, StringLib(checked, self.symbolize, self.work),  # issue 16
                         Aeabi(kprint), self.chrdev, self.ioremap,
                         Uaccess(mm.checked(vm, caller), self.work),                  # issue 16
                         self.delay, UnwindPersonality(), self.resources,
                         self.ioports, self.mmap, *mm.providers, *self.irq.providers,
                         *self.sched.providers, self.timers, self.poller, self.tasklets,
                         self.workqueues,
                         Fasync(vm, self.kmalloc, self.sched, kprint),      # issue 12: fasync
                         DPath(vm, self.chrdev)):                           # course drivers
            hc.register(provider)
        boot = self._boot
        # -- driver model and device tree (issue 11): dt is a .dtb/.dts path or None (board's)
        self.dm = DriverModel(dt, vm, self.kmalloc, self.log, self.guest.call_nested,
                              self.ioremap, self.resources, caller,
                              lambda size: phys_to_virt(boot.alloc(size, align=8)),
                              self.bus, self.hw.gpio, self.chrdev,
                              lambda fn, args: self.traps.guarded(lambda: self.guest.call(
                                  fn, args, self.timeout_us, what="sysfs store"))[0],
                              self.tracer, self.ledger, domains=self.irq_domains,
                              symbol=hc.address)                    # issue 13: I2C adapters
        for provider in self.dm.providers:
            hc.register(provider)
        self.dm.attrs.symbolize = self.symbolize      # sysfs attrs: print_symbol of a bad show
        for name, va in self.dm.data_symbols().items():
            hc.export_data(name, va)
        # -- end driver model
        # -- (issue 12, part 2) irq threads + devm_request_irq
        loop = phys_to_virt(boot.alloc(64, align=8))
        self.irq_threads = IrqThreads(self.sched, vm, self.sched.retry, hc.address,
                                      self.pids.alloc, loop, kprint)
        self.symbolize.add(SymbolTable("", [(loop, 32, "irq_thread")], loop, loop + 32))
        hc.register(self.irq_threads)
        hc.register(self.hrtimers)
        self.hrtimers.install_bases()
        self.input = InputSubsystem(vm, self.kmalloc, self.sched, self.clock, lambda: self.vfs,
                                    kprint, self.log, caller, self.ledger, self.dm, self.irq.api)
        for provider in self.input.providers:
            hc.register(provider)
        # -- end issue 12, part 2
        # -- the board's kernel ABI (issue 9): arch/arm/lib calls, mutexes, preemption, and
        # the data objects the board's inlines read (kmalloc_caches, mem_section, ...)
        armlib = ArmLib(mm.checked(vm, caller), self.clock, self.work)   # issue 16: work
        params = ModuleParams(vm, self.kmalloc, kprint)
        for provider in (armlib, params,      # (issue 12: mutexes are the scheduler's providers)
                         Preempt(mm.context, kprint, self.symbolize, caller, self._current_task),
                         Warn(mm.checked(vm, caller), kprint, self.log, self.symbolize, caller,
                              self._current_task, lambda: self.modules),         # WARN()
                         ModuleRefs(lambda: self.modules)):
            hc.register(provider)
        data = {**armlib.data_objects(mm.kernel_data, hc.address),
                **params.data_objects(mm.kernel_data, hc.address)}
        for name, va in {**mm.data_symbols(), **data}.items():
            hc.export_data(name, va)
        for addr, size, name in armlib.routines:
            self.symbolize.add(SymbolTable("", [(addr, size, name)], addr, addr + size))
        # -- end of issue 9 wiring
        stubs, stubs_pa = self._stub_pages(), boot.alloc(MODULES_STUBS_SIZE)
        for off in range(0, MODULES_STUBS_SIZE, PAGE_SIZE):
            self._map_page(MODULES_VADDR + off, stubs_pa + off, stubs[off:off + PAGE_SIZE],
                           KERNEL_RWX)
        self._map_page(MODULES_FASTPATH, boot.alloc(PAGE_SIZE), self._fastpath_page(), KERNEL_RWX)
        self.workqueues.install_loop()
        self.irq_threads.install_loop()                                  # issue 12, part 2
        self._map_page(VECTORS_BASE, boot.alloc(PAGE_SIZE), vectors_page(), USER_RX)
        self.modules = Modules(self.tables, mm.frames("module"), self.ram, vm, cpu, mm.resolve,
                               self.guest, self.symbolize, self.ledger, kprint, self.timeout_us,
                               release=self.spec.kernel_release,          # issue 9
                               force_vermagic=force_vermagic,             # issue 9
                               global_bounds=None if mm.kasan is None else mm.kasan.globals,
                               # (issue 12) module init/exit run as insmod/rmmod's task
                               sleepable=self.sched.console_task.running)

    def _build_vfs_and_syscalls(self, rootfs, skeleton):
        """The root filesystem with /proc, the syscall table, and the exception entry."""
        self.page_cache = PageCache(self.mm.frames("file"), self.ram)
        self.vfs = RootFs(rootfs, skeleton, self.clock)
        self.dm.attach(self.vfs, builtins=self.input.builtin_drivers())   # (issue 11; gpio-keys)
        self.irq.chips.finish_boot()          # combiner lines after the tree numbered them
        self.vfs.add_proc("devices", self.chrdev.proc_devices)
        self.vfs.add_proc("modules", self.modules.proc_modules)
        self.vfs.add_proc("iomem", self.resources.proc_iomem)
        self.vfs.add_proc("ioports", self.resources.proc_ioports)
        self.vfs.add_proc("interrupts", self.irq.proc_interrupts)
        for name, render in self.mm.proc_files(self._ioremap_caller).items():
            self.vfs.add_proc(name, render)
        # (busybox issue 14) what the fs, module and sys calls need; the console tty.
        self.procfs = ProcFs(self.vfs, self.clock, lambda: self.lifecycle.processes(),
                             lambda: self.modules.tainted)
        syslog = Syslog(self.log)
        self.procfs.add_writable("sys/kernel/printk", syslog.proc_printk, syslog.store_printk)
        self.tty = Tty(current=lambda: self.syscalls.process, sched=self.sched,   # proc model:
                       echo=self._program_output,                          # n_tty input
                       processes=lambda: self.lifecycle.processes())
        self.devmem = DevMem(self.mmap, self.vm, self.bus, self.ram,   # issue 15 d: code kept
                             lambda pfn: forget_frame_code(self.cpu, self.ram,   # across clones
                                                           self.tables.l1_pa, pfn))
        special_open = {MEM_RDEV: self.devmem.open, **self.input.openers(),   # + evdev
                        **builtin_openers(self._program_output, self.tty, self.log,
                                          self.printk.kernel, self.sched),
                        **self.dm.special_openers()}             # issue 13: /dev/i2c-N
        make_nodes(self.vfs)
        self.signal_delivery = SignalDelivery(       # issue 12: signals
            self.cpu, self.vm, self.sched, lambda status, signo=0: self.syscalls.exit_process(status, signo),
            SIGRETURN_CODE, self.tracer, lambda text: self.console(text), lambda: self.entry)
        self.syscalls = Syscalls(self.vm, self.vfs, self.chrdev, self.kmalloc, self.clock,
                                 self.cpu, self.modules.module_get, self._unknown_syscall,
                                 mmap=self.mmap, special_open=special_open,
                                 modules=self.modules, printk=self.printk.kernel, syslog=syslog,
                                 poller=self.poller, signals=self.signal_delivery,
                                 procs=lambda: self.lifecycle, sched=self.sched)  # proc model
        self.lifecycle = Lifecycle(
            cpu=self.cpu, vm=self.vm, tables=self.tables, frames=self.frames, ram=self.ram,
            page_cache=self.page_cache, vfs=self.vfs, tty=self.tty, symbolize=self.symbolize,
            sched=self.sched, syscalls=self.syscalls, mmap=self.mmap, context=self.mm.context,
            irq=self.irq, guest=self.guest, traps=self.traps,
            console=lambda text: self.console(text), program_output=self._program_output,
            console_ti=self._console_ti, dram_size=self.spec.dram_size,
            timeout_us=self.timeout_us, pids=self.pids, read_file=self.read_rootfs,
            console_mm=self.vm_mmap.activate_task_mm, signals=self.signal_delivery,
            printk=self.printk.kernel)
        self.entry = Entry(self.cpu, self.hypercalls, self.guest, self._kstack + THREAD_SIZE,
                           syscall=self.syscalls, on_fault=self.traps.on_fault,
                           user_fault=self._user_fault, sleep=self.sched.sleep_in_syscall,
                           ret_to_user=self.lifecycle.ret_to_user)

    # -- set-up helpers -------------------------------------------------------------------
    def _stub_pages(self):
        """The service stubs (8 bytes a service), in the module area's first pages."""
        stubs = self.hypercalls.stub_page()
        if len(stubs) > MODULES_STUBS_SIZE:
            raise MemoryError(f"{len(stubs)} bytes of service stubs do not fit their "
                              f"{MODULES_STUBS_SIZE} bytes")
        return stubs

    def _fastpath_page(self):
        """The memory subsystem's fast-path routines, in the module area's last page (issue
        12, part 2: the stubs filled the first)."""
        base = MODULES_FASTPATH
        code = self.mm.stub_code(base, self.hypercalls.address)
        if code:
            self.symbolize.add(SymbolTable("", self.mm.symbols(), base, base + len(code)))
        return code

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
            direct = tracer.direct.get("syscall")   # (issue 15 (e)) a trace file's writer
            if direct is not None:
                direct(nr, name, shown, result)
            else:
                tracer.publish("syscall", nr=nr, name=name, args=shown, result=result)

        self.entry.observe_syscalls(on_syscall)
        self.entry.trace_backlog(tracer)               # (issue 15 (e)) natively served calls
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
    def _user_fault(self, regs):
        process = self.syscalls.process
        return None if process is None else self.mmap.user_fault(process.mm, regs)

    # -- the console's commands -------------------------------------------------------------
    def insmod(self, path, data=None):
        if data is None:
            data = self.read_rootfs(path)
        try:
            module, _ = self.traps.guarded(
                lambda: self.modules.insmod(data, os.path.basename(path)))
        finally:
            self.vm_mmap.end_task()               # the insmod task exits with its mm
        return module

    def rmmod(self, name):
        try:
            leaks, _ = self.traps.guarded(lambda: self.modules.rmmod(name))
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

    def run(self, path, argv=None, env=DEFAULT_ENV, stdin=None, stuck=None):
        """Run an ARM program from the root filesystem in the foreground (other tasks run
        too); returns its exit status. stdin: bytes its standard input reads (default: the
        console, which reads as end of file until the board is booted); stuck(task) -> a
        reason to stop waiting for it (GuestTimeout) or None."""
        return self.lifecycle.run(path, argv, env, stdin, stuck)

    def spawn(self, path, argv=None, env=DEFAULT_ENV, stdin=None):
        """Load an ARM program as a new process (a runnable task, not yet run); returns it."""
        return self.lifecycle.spawn(path, argv, env, stdin)

    def settle(self):
        """Let runnable tasks run until they all sleep (between console commands)."""
        self.sched.settle()

    def _alloc_page(self):
        pfn = self.mm.pages.alloc(0, GFP_KERNEL, "kernel")
        return None if pfn is None else (pfn << 12, phys_to_virt(pfn << 12))

    def _free_page(self, pa):
        self.mm.pages.free(pa >> 12, 0)

    def _program_output(self, data):
        self.stdout += data
        self.console(data.decode("utf-8", "replace"))

    # -- the booted board: init and the console shell (process model, issue 14) ------------
    def boot(self):
        """Start /sbin/init as pid 1 and run until the console waits for input with nothing
        else to run (rcS has run; init's askfirst asks for Enter); returns init's task."""
        self.init_task = run_init_process(self.lifecycle, self.tty)
        self.run_board(self.console_idle)
        return self.init_task

    def console_idle(self):
        """A process sleeps reading the console and no task is runnable."""
        return bool(self.tty.ldisc.wait.tasks) and not any(
            t.runnable for t in self.sched.runqueue)

    def run_board(self, done, poll_input=None, wait_input=None):
        """Run the booted board until done(), reboot(2) or init's end (a panic). Console
        input: poll_input() -> bytes typed so far (not blocking), wait_input() -> bytes
        (blocking; None at the end of input), asked when the console waits with nothing
        else to run. Returns "done", "reboot", "eof" or "idle" (nothing can run)."""
        ldisc, sched, syscalls = self.tty.ldisc, self.sched, self.syscalls
        init = getattr(self, "init_task", None)

        def stop():
            if poll_input is not None:
                data = poll_input()
                if data:
                    ldisc.receive(data)
            return bool(syscalls.reboot or done() or (init is not None and init.exited)
                        or (wait_input is not None and self.console_idle()))

        while True:
            progressed = sched.run_until(stop)
            check_init(init, self.printk.kernel)
            if syscalls.reboot:
                return "reboot"
            if done():
                return "done"
            if wait_input is None:
                if not progressed:
                    return "idle"
                continue
            data = wait_input()
            if data is None:
                return "eof"
            ldisc.receive(data)

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
        self.traps.guarded(self.irq.take_idle)

    def advance(self, ns):
        """Let ``ns`` of virtual time pass (the console's sleep, a key's hold) while tasks,
        timers and interrupts run, stepping through every peripheral event on the way (a
        conversion's end, a timer or watchdog expiry; stops early when the board resets)."""
        clock, periph = self.clock, self.hw.periph
        end = clock.now_ns() + max(0, int(ns))
        while periph is not None and periph.reset_message is None:
            nxt = periph.next_event_ns()
            if nxt is None or nxt > end:
                break
            self.sched.run_for(max(0, nxt - clock.now_ns()))
            periph.advance()
        if periph is None or periph.reset_message is None:
            self.sched.run_for(max(0, end - clock.now_ns()))
            if periph is not None:
                periph.advance()

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
