"""insmod, rmmod and lsmod: loading driver modules into the module area (kernel/module.c).

insmod links the .ko at a free range of 0xBF000000.., maps it, runs its init in guest code
and keeps it on the module list; init failing unloads it again. rmmod runs the exit function,
then reports whatever the module still holds (memory, mappings, device numbers) as leaks.
"""

import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from ..errors import CommandFailed, GuestTimeout, LoaderError, UnresolvedSymbols
from ..loader.module import GOT_SYMBOL, ModuleLinker, UnknownRelocation
from ..memory.layout import MODULES_FASTPATH, MODULES_STUBS_SIZE, MODULES_VADDR, PAGE_SIZE
from ..memory.mmu import KERNEL_RWX
from ..memory.vmarea import VmArea
from .abi import GUARDED, MODULE, STRUCTS, UTS_RELEASE, vermagic as board_vermagic
from .entry import signed
from .errno import EAGAIN, EBUSY, EEXIST, ENOENT, ENOEXEC, ENOMEM, NAMES
from .hypercall import export
from .symbols import SymbolTable

#: strerror texts insmod/rmmod print, by errno (as busybox does).
STRERROR = {1: "Operation not permitted", 2: "No such file or directory", 8: "Exec format error",
            11: "Resource temporarily unavailable", 12: "Cannot allocate memory",
            16: "Device or resource busy", 17: "File exists", 19: "No such device",
            22: "Invalid argument"}


TAINT_OOT_MODULE = 1 << 12    # an out-of-tree module was loaded (include/linux/kernel.h)
#: What insmod adds when a module was built as position-independent code.
PIE_HINT = (" (position-independent code: Debian's gcc builds PIE by default; rebuild the "
            "module with KCFLAGS=-fno-pie)")


def strerror(err):
    return STRERROR.get(err, NAMES.get(err, f"error {err}"))


def name_hint(linked):
    """The module's name for messages before its struct module is trusted."""
    return linked.modinfo.get("name") or "module"


def module_struct(linked):
    """(name, init, exit) from the linked image's `struct module` at __this_module (init and
    exit 0 when the module has none); the name from .modinfo first, as modpost writes it."""
    tm = linked.this_module - linked.base
    image = linked.image
    if not 0 <= tm <= len(image) - (MODULE["exit"] + 4):
        raise LoaderError(f"{name_hint(linked)}: __this_module at {linked.this_module:#x} lies "
                          "outside the module's sections")

    def field_u32(name):
        return int.from_bytes(image[tm + MODULE[name]:tm + MODULE[name] + 4], "little")

    raw_name = bytes(image[tm + MODULE["name"]:tm + MODULE["name"] + 60]).split(b"\0")[0]
    name = linked.modinfo.get("name") or raw_name.decode("ascii", "replace")
    return name, field_u32("init"), field_u32("exit")


#: Kernel functions with a service stub that Linux 3.14 does not export: the kernel reaches
#: them through pointers it sets up itself (arm_delay_ops, a poll table's _qproc, the loops of
#: worker threads and interrupt threads, the s3c2410 adapter's i2c_algorithm,
#: param_ops_charp.free). A module importing one does not load, as on the board.
NOT_EXPORTED = frozenset({
    "__timer_delay", "__timer_const_udelay", "__timer_udelay",     # arch/arm/lib/delay.c
    "__pollwait",                                                  # fs/select.c
    "worker_thread",                                               # kernel/workqueue.c
    "irq_thread_wait", "irq_thread_done",                          # kernel/irq/manage.c
    "s3c24xx_i2c_xfer", "s3c24xx_i2c_func",            # drivers/i2c/busses/i2c-s3c2410.c
    "param_free_charp",                                            # kernel/params.c
})


@dataclass
class Module:
    """A loaded module: where it lies, its init/exit, references and holders."""
    name: str
    base: int
    size: int
    linked: object
    pages: list
    init: int = 0               # struct module's init and exit (0: none)
    exit: int = 0
    refcount: int = 0
    holders: list = field(default_factory=list)     # modules using our exports (source_list)
    uses: list = field(default_factory=list)        # modules whose exports we use (target_list)
    exports: dict = field(default_factory=dict)     # name -> address (__ksymtab, __ksymtab_gpl)
    forced: bool = False             # loaded with --force-vermagic (taint F)


class Modules:
    def __init__(self, tables, frames, ram, vm, cpu, resolve, guest, symbolizer, ledger,
                 kernel_printk, timeout_us, release=UTS_RELEASE, force_vermagic=False,
                 global_bounds=None, sleepable=None):
        """guest: the GuestCalls that run a module's init and exit (kernel/entry.py);
        global_bounds: the memory checker's GlobalBounds (kasan_globals.py), or None;
        release: the board kernel's release (vermagic's first word); force_vermagic: load
        modules whose vermagic differs, tainting the kernel (modprobe --force-vermagic on a
        kernel with CONFIG_MODULE_FORCE_LOAD)."""
        self._tables, self._frames, self._ram, self._vm = tables, frames, ram, vm
        self._cpu, self._resolve, self._guest = cpu, resolve, guest
        self._symbolizer, self._ledger, self._printk = symbolizer, ledger, kernel_printk
        self.timeout_us = timeout_us
        #: keep_code(base, pfn, image) -> True when it dropped the stale translated code of
        #: the frames just filled itself (runner/warm.py keeps the code a booted board
        #: translated for the same bytes at the same address); None: all of it is dropped.
        self.keep_code = None
        self._kernel_export = lambda name: None if name in NOT_EXPORTED else resolve(name)
        self.vermagic, self.force_vermagic = board_vermagic(release), force_vermagic
        self.area = VmArea(MODULES_VADDR + MODULES_STUBS_SIZE, MODULES_FASTPATH)  # after stubs
        self.loaded = {}            # name -> Module, in load order
        self.leak_reports = []      # (module, [Held]) after each rmmod
        self.tainted = 0            # the kernel's taint mask (/proc/sys/kernel/tainted)
        self.global_bounds = global_bounds
        #: (issue 12) sleepable(comm): a context manager around init/exit making the console's
        #: context the task comm, so init/exit can sleep (sched/console_task.py)
        self.sleepable = sleepable or nullcontext

    # -- lookups --------------------------------------------------------------------------
    def owner_of(self, addr):
        for m in self.loaded.values():
            if m.base <= addr < m.base + m.size:
                return m.name
        return None

    def by_struct(self, this_module):
        return next((m for m in self.loaded.values() if m.linked.this_module == this_module),
                    None)

    def module_get(self, this_module):
        """try_module_get on a file_operations owner; returns the matching module_put."""
        m = self.by_struct(this_module)
        if m is None:
            return lambda: None
        m.refcount += 1

        def put(m=m):
            m.refcount -= 1
        return put

    def by_address(self, addr):
        return next((m for m in self.loaded.values() if m.base <= addr < m.base + m.size),
                    None)

    def legacy_nopage(self, ops):
        """The 2.6-era `nopage` of the vm_operations_struct at ops (0 if none): only a
        module whose own DWARF puts a `nopage` member in the struct (the SDK's legacy
        spelling, sharing remap_pages' slot) has one; for everyone else the slot is 3.14's."""
        m = self.by_address(ops)
        if m is None:
            return 0
        layout = m.linked.linker.struct_layouts(["vm_operations_struct"])
        offset = layout.get("vm_operations_struct", (0, {}))[1].get("nopage")
        return self._vm.read_u32(ops + offset) if offset is not None else 0

    def proc_modules(self):
        lines = []
        for m in reversed(list(self.loaded.values())):
            deps = "".join(f"{h}," for h in m.holders)
            deps += "[permanent]," if m.init and not m.exit else ""
            deps = deps or "-"
            taint = "OF" if m.forced else "O"
            lines.append(f"{m.name} {m.size} {m.refcount} {deps} Live {m.base:#010x} ({taint})")
        return "\n".join(lines) + ("\n" if lines else "")

    def check_vermagic(self, linker, name, label):
        """check_modinfo: vermagic must equal the kernel's (no MODVERSIONS). True when the
        module was forced in."""
        vermagic = linker.modinfo.get("vermagic")
        if vermagic == self.vermagic:
            return False
        if self.force_vermagic:
            self._printk(4, f"{name}: bad vermagic: kernel tainted.")
            return True
        if vermagic is None:
            self._printk(3, f"{name}: no version magic: refusing (no CONFIG_MODULE_FORCE_LOAD)")
        else:
            self._printk(3, f"{name}: version magic '{vermagic}' should be '{self.vermagic}'")
        raise _failed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)}", ENOEXEC)

    # -- insmod ---------------------------------------------------------------------------
    def insmod(self, data, label):
        """Load, link and initialise a module (the console's insmod); CommandFailed on error."""
        module = self.load(data, label)
        if module.init:
            start = time.monotonic()
            with self.sleepable("insmod"):      # (issue 12) init may sleep
                ret = self._guest.call(module.init, (), self.timeout_us,
                                       what=f"{module.name} init")
            if ret is None:          # the init crashed (the machine reports the oops) ...
                self._check_time(start, f"{module.name} init")
                return module
            self.finish_init(module, signed(ret), label)
        return module

    def load(self, data, label):
        """load_module up to do_init_module: the linked, mapped module (init not yet run).

        Errors raise CommandFailed with the errno init_module(2) returns as `.errno`.
        """
        linker = ModuleLinker.parse(data, label)
        name = linker.modinfo.get("name") or this_module_name(linker) or \
            label.rsplit("/", 1)[-1].removesuffix(".ko")
        forced = self.check_vermagic(linker, name, label)
        mismatch = abi_mismatches(linker)
        if mismatch:
            for line in mismatch:
                self._printk(3, f"{name}: {line}")
            raise _failed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)} "
                          f"(built for another kernel configuration: {mismatch[0]})", ENOEXEC)
        if name in self.loaded:
            raise _failed(f"insmod: can't insert '{label}': {strerror(EEXIST)}", EEXIST)
        offsets, size = linker.layout()
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        base = self.area.alloc(size)
        if base is None:
            raise _failed(f"insmod: can't insert '{label}': Cannot allocate memory", ENOMEM)
        providers = set()

        def exported(sym):
            """resolve_symbol: the kernel's export table, then the loaded modules'."""
            addr = self._kernel_export(sym)
            if addr is not None:
                return addr
            owner = next((m for m in self.loaded.values() if sym in m.exports), None)
            if owner is None:
                return None
            providers.add(owner.name)
            return owner.exports[sym]
        try:
            linked = linker.link(base, offsets, size, exported)
        except UnresolvedSymbols as e:
            self.area.free(base)
            for sym in e.names:
                self._printk(4, f"{name}: Unknown symbol {sym} (err 0)")
            hint = PIE_HINT if GOT_SYMBOL in e.names else ""
            raise _failed(f"insmod: can't insert '{label}': unknown symbol in module: "
                          f"{', '.join(e.names)}{hint}", ENOENT) from None
        except UnknownRelocation as e:
            self.area.free(base)
            self._printk(3, f"{name}: unknown relocation: {e.rtype}")
            hint = PIE_HINT if e.pie else ""
            raise _failed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)}{hint}",
                          ENOEXEC) from None
        except Exception:
            self.area.free(base)
            raise
        try:
            exports = ksymtab(linked)
        except LoaderError:
            self.area.free(base)
            raise
        duplicate = self._duplicate_export(exports)
        if duplicate:
            self.area.free(base)
            self._printk(3, f"{name}: exports duplicate symbol {duplicate[0]} "
                            f"(owned by {duplicate[1]})")
            raise _failed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)}", ENOEXEC)
        pages = self._map(base, linked.image)
        if self.global_bounds is not None:            # issue 16: KASAN's global bounds
            self.global_bounds.watch(name, base, size, pages[0][0], linked.sections,
                                     [(s.addr, s.size, s.name, s.kind) for s in linked.symbols])
        _, init, exit_ = module_struct(linked)
        module = Module(name, base, size, linked, pages, init, exit_, forced=forced,
                        exports=exports)
        for provider in sorted(providers):           # ref_module: a strong reference
            target = self.loaded[provider]
            target.refcount += 1
            target.holders.append(name)
            module.uses.append(provider)
        self.loaded[name] = module
        self.tainted |= TAINT_OOT_MODULE
        exidx = [v for k, v in linked.sections.items() if k.startswith(".ARM.exidx")]
        self._symbolizer.add(SymbolTable(name, [(s.addr, s.size, s.name) for s in linked.symbols],
                                         base, base + size, linked.mapping_symbols, exidx,
                                         kallsyms=True))
        return module

    def _check_time(self, start, what):
        """... or its time ran out inside a call it made (a probe run from
        platform_driver_register, a callback): the outer run was stopped without a fault."""
        if self.timeout_us and time.monotonic() - start >= self.timeout_us / 1e6:
            raise GuestTimeout(f"timeout: {what} did not finish within "
                               f"{self.timeout_us / 1e6:g} s (stopped inside a call it made, "
                               f"e.g. a driver's probe)")

    def finish_init(self, module, ret, label):
        """do_init_module after the init function returned ret (CommandFailed if it failed)."""
        name = module.name
        if ret < 0:
            self._unload(module)
            raise _failed(f"insmod: can't insert '{label}': {strerror(-ret)}", -ret)
        if ret > 0:
            self._printk(4, f"{name}: '{name}' init returned positive value {ret}")

    def _map(self, base, image):
        pages = []
        npages = len(image) // PAGE_SIZE
        pfn = self._frames.alloc(npages)
        if pfn is None:
            raise CommandFailed("insmod: Cannot allocate memory")
        for i in range(npages):
            self._tables.map_page(base + i * PAGE_SIZE, (pfn + i) << 12, KERNEL_RWX)
        self._ram.write(pfn << 12, image)
        if self.keep_code is None or not self.keep_code(base, pfn, image):
            self._cpu.forget_code(base, base + len(image))
        pages.append((pfn, npages))
        return pages

    def _duplicate_export(self, exports):
        """verify_export_symbols: (symbol, owner) of the first export the kernel or a loaded
        module already has, else None."""
        for sym in exports:
            if self._kernel_export(sym) is not None:
                return sym, "kernel"
            owner = next((m.name for m in self.loaded.values() if sym in m.exports), None)
            if owner is not None:
                return sym, owner
        return None

    def _unload(self, module):
        for provider in module.uses:                 # module_unload_free
            target = self.loaded.get(provider)
            if target is not None:
                target.refcount -= 1
                target.holders.remove(module.name)
        if self.global_bounds is not None:
            self.global_bounds.forget(module.name)
        self._symbolizer.remove(module.name)
        del self.loaded[module.name]
        for off in range(0, module.size, PAGE_SIZE):
            self._tables.unmap_page(module.base + off)
        for pfn, n in module.pages:
            self._frames.free(pfn, n)
        self._cpu.flush_tlb()
        self._cpu.forget_code(module.base, module.base + module.size)
        self.area.free(module.base)

    # -- rmmod ----------------------------------------------------------------------------
    def rmmod(self, name):
        module = self.check_unload(name)
        if module.exit:
            start = time.monotonic()
            with self.sleepable("rmmod"):       # (issue 12) exit may sleep
                ret = self._guest.call(module.exit, (), self.timeout_us,
                                       what=f"{module.name} exit")
            if ret is None:
                self._check_time(start, f"{module.name} exit")
                return None
        return self.finish_unload(module)

    def check_unload(self, name):
        """delete_module's checks: the module, or CommandFailed with `.errno`."""
        name = name.removesuffix(".ko").rsplit("/", 1)[-1]
        module = self.loaded.get(name) or self.loaded.get(name.replace("-", "_"))  # busybox
        if module is None:
            raise _failed(f"rmmod: can't unload module '{name}': No such file or directory",
                          ENOENT)
        if module.holders or module.refcount:
            raise _failed(f"rmmod: can't unload module '{name}': {strerror(EAGAIN)}", EAGAIN)
        if module.init and not module.exit:
            raise _failed(f"rmmod: can't unload module '{name}': {strerror(EBUSY)}", EBUSY)
        return module

    def finish_unload(self, module):
        """After the exit function: report what the module still holds, then free it."""
        leaks = self._ledger.held_by(module.name)
        self.leak_reports.append((module.name, leaks))
        self._unload(module)
        return leaks


def this_module_name(linker):
    """struct module's name in the unrelocated .gnu.linkonce.this_module (KBUILD_MODNAME:
    ts-gt818.ko is "ts_gt818"), as setup_load_info reads it; None without one."""
    sec = next((s for s in linker.alloc if s.name == ".gnu.linkonce.this_module"), None)
    if sec is None or len(sec.data) < MODULE["name"] + 1:
        return None
    raw = bytes(sec.data[MODULE["name"]:MODULE["name"] + 60]).split(b"\0")[0]
    return raw.decode("ascii", "replace") or None


#: struct kernel_symbol (include/linux/export.h): value, name; 8 bytes on ARM.
KSYMTAB_SECTIONS = ("__ksymtab", "__ksymtab_gpl")


def ksymtab(linked):
    """EXPORT_SYMBOL/_GPL of a linked module: {name: address} from its relocated
    __ksymtab and __ksymtab_gpl (each entry's name points into __ksymtab_strings)."""
    image, base, exports = linked.image, linked.base, {}
    for section in KSYMTAB_SECTIONS:
        start, size = linked.sections.get(section, (0, 0))
        for off in range(start - base, start - base + size - 7, 8):
            value = int.from_bytes(image[off:off + 4], "little")
            name_at = int.from_bytes(image[off + 4:off + 8], "little") - base
            if not 0 <= name_at < len(image):
                raise LoaderError(f"{name_hint(linked)}: {section} entry names "
                                  f"{name_at + base:#x} outside the module")
            end = image.find(b"\0", name_at)
            exports[image[name_at:end].decode("ascii", "replace")] = value
    return exports


def _failed(message, errno):
    error = CommandFailed(message)
    error.errno = errno
    return error


def abi_mismatches(linker):
    """The emulator's ABI guard (no real kernel has it): the layouts of the structs the
    kernel shares with modules (abi.GUARDED), as the module's DWARF has them, against the
    board's. One line per differing struct; [] when they agree or there is no DWARF."""
    problems = []
    for tag, (size, members) in linker.struct_layouts(GUARDED).items():
        board = STRUCTS[tag]
        moved = [m for m, off in board.offsets.items() if members.get(m, off) != off]
        if size != board.size:
            problems.append(f"struct {tag} is {size} bytes in the module, {board.size} on "
                            f"the board")
        elif moved:
            m = moved[0]
            problems.append(f"struct {tag}: {m} at offset {members[m]} in the module, "
                            f"{board.offsets[m]} on the board")
    return problems


class ModuleRefs:
    """kernel/module.c's reference counting exports (calls on the board: MODULE_UNLOAD).

    modules() -> the Modules registry (made after the service stubs, hence a callable).
    A reference held on a module makes rmmod fail with EAGAIN until it is put back.
    """

    def __init__(self, modules):
        self._modules = modules

    @export("__module_get")
    def module_get(self, mod):
        m = self._modules().by_struct(mod) if mod else None
        if m is not None:
            m.refcount += 1

    @export()
    def try_module_get(self, mod):
        if not mod:
            return 1
        m = self._modules().by_struct(mod)
        if m is None:
            return 0
        m.refcount += 1
        return 1

    @export()
    def module_put(self, mod):
        m = self._modules().by_struct(mod) if mod else None
        if m is not None and m.refcount > 0:
            m.refcount -= 1
