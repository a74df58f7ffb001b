"""insmod, rmmod and lsmod: loading driver modules into the module area (kernel/module.c).

insmod links the .ko at a free range of 0xBF000000.., maps it, runs its init in guest code
and keeps it on the module list; init failing unloads it again. rmmod runs the exit function,
then reports whatever the module still holds (memory, mappings, device numbers) as leaks.
"""

from dataclasses import dataclass, field

from ..errors import CommandFailed, UnresolvedSymbols
from ..loader.module import GOT_SYMBOL, ModuleLinker, UnknownRelocation
from ..memory.layout import MODULES_END, MODULES_VADDR, PAGE_SIZE
from ..memory.mmu import KERNEL_RWX
from ..memory.vmarea import VmArea
from .abi import GUARDED, STRUCTS, UTS_RELEASE, vermagic as board_vermagic
from .entry import signed
from .errno import EBUSY, EEXIST, ENOEXEC, NAMES
from .hypercall import export
from .symbols import SymbolTable

#: strerror texts insmod/rmmod print, by errno (as busybox does).
STRERROR = {1: "Operation not permitted", 2: "No such file or directory", 8: "Exec format error",
            11: "Resource temporarily unavailable", 12: "Cannot allocate memory",
            16: "Device or resource busy", 17: "File exists", 19: "No such device",
            22: "Invalid argument"}


#: What insmod adds when a module was built as position-independent code.
PIE_HINT = (" (position-independent code: Debian's gcc builds PIE by default; rebuild the "
            "module with KCFLAGS=-fno-pie)")


def strerror(err):
    return STRERROR.get(err, NAMES.get(err, f"error {err}"))


@dataclass
class Module:
    name: str
    base: int
    size: int
    linked: object
    pages: list
    refcount: int = 0
    holders: list = field(default_factory=list)
    forced: bool = False             # loaded with --force-vermagic (taint F)


class Modules:
    def __init__(self, tables, frames, ram, vm, cpu, resolve, entry, symbolizer, ledger,
                 kernel_printk, timeout_us, release=UTS_RELEASE, force_vermagic=False):
        """release: the board kernel's release (vermagic's first word); force_vermagic:
        load modules whose vermagic differs, tainting the kernel (modprobe
        --force-vermagic on a kernel with CONFIG_MODULE_FORCE_LOAD)."""
        self._tables, self._frames, self._ram, self._vm = tables, frames, ram, vm
        self._cpu, self._resolve, self._entry = cpu, resolve, entry
        self._symbolizer, self._ledger, self._printk = symbolizer, ledger, kernel_printk
        self.timeout_us = timeout_us
        self.vermagic, self.force_vermagic = board_vermagic(release), force_vermagic
        self.area = VmArea(MODULES_VADDR + PAGE_SIZE, MODULES_END)   # first page: stubs
        self.loaded = {}            # name -> Module, in load order
        self.leak_reports = []      # (module, [Held]) after each rmmod

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
            taint = "OF" if m.forced else "O"
            lines.append(f"{m.name} {m.size} {m.refcount} - Live {m.base:#010x} ({taint})")
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
        raise CommandFailed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)}")

    # -- insmod ---------------------------------------------------------------------------
    def insmod(self, data, label):
        linker = ModuleLinker.parse(data, label)
        name = linker.modinfo.get("name") or label.rsplit("/", 1)[-1].removesuffix(".ko")
        forced = self.check_vermagic(linker, name, label)
        mismatch = abi_mismatches(linker)
        if mismatch:
            for line in mismatch:
                self._printk(3, f"{name}: {line}")
            raise CommandFailed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)} "
                                f"(built for another kernel configuration: {mismatch[0]})")
        if name in self.loaded:
            raise CommandFailed(f"insmod: can't insert '{label}': {strerror(EEXIST)}")
        offsets, size = linker.layout()
        size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        base = self.area.alloc(size)
        if base is None:
            raise CommandFailed(f"insmod: can't insert '{label}': Cannot allocate memory")
        try:
            linked = linker.link(base, offsets, size, self._resolve)
        except UnresolvedSymbols as e:
            self.area.free(base)
            for sym in e.names:
                self._printk(4, f"{name}: Unknown symbol {sym} (err 0)")
            hint = PIE_HINT if GOT_SYMBOL in e.names else ""
            raise CommandFailed(f"insmod: can't insert '{label}': unknown symbol in module: "
                                f"{', '.join(e.names)}{hint}") from None
        except UnknownRelocation as e:
            self.area.free(base)
            self._printk(3, f"{name}: unknown relocation: {e.rtype}")
            hint = PIE_HINT if e.pie else ""
            raise CommandFailed(f"insmod: can't insert '{label}': {strerror(ENOEXEC)}{hint}") \
                from None
        except Exception:
            self.area.free(base)
            raise
        pages = self._map(base, linked.image)
        module = Module(name, base, size, linked, pages, forced=forced)
        self.loaded[name] = module
        exidx = [v for k, v in linked.sections.items() if k.startswith(".ARM.exidx")]
        self._symbolizer.add(SymbolTable(name, ((s.addr, s.size, s.name) for s in linked.symbols),
                                         base, base + size, linked.mapping_symbols, exidx))
        if linked.init:
            ret = self._entry.call(linked.init, (), self.timeout_us, what=f"{name} init")
            if ret is None:          # the init crashed; the machine reports the oops
                return module
            ret = signed(ret)
            if ret < 0:
                self._unload(module)
                raise CommandFailed(f"insmod: can't insert '{label}': {strerror(-ret)}")
            if ret > 0:
                self._printk(4, f"{name}: '{name}' init returned positive value {ret}")
        return module

    def _map(self, base, image):
        pages = []
        npages = len(image) // PAGE_SIZE
        pfn = self._frames.alloc(npages)
        if pfn is None:
            raise CommandFailed("insmod: Cannot allocate memory")
        for i in range(npages):
            self._tables.map_page(base + i * PAGE_SIZE, (pfn + i) << 12, KERNEL_RWX)
        self._ram.write(pfn << 12, image)
        self._cpu.forget_code(base, base + len(image))
        pages.append((pfn, npages))
        return pages

    def _unload(self, module):
        for off in range(0, module.size, PAGE_SIZE):
            self._tables.unmap_page(module.base + off)
        for pfn, n in module.pages:
            self._frames.free(pfn, n)
        self._cpu.flush_tlb()
        self._cpu.forget_code(module.base, module.base + module.size)
        self.area.free(module.base)
        self._symbolizer.remove(module.name)
        del self.loaded[module.name]

    # -- rmmod ----------------------------------------------------------------------------
    def rmmod(self, name):
        name = name.removesuffix(".ko").rsplit("/", 1)[-1]
        module = self.loaded.get(name)
        if module is None:
            raise CommandFailed(f"rmmod: can't unload module '{name}': No such file or directory")
        if module.refcount:
            raise CommandFailed(f"rmmod: can't unload module '{name}': {strerror(11)}")
        if module.linked.init and not module.linked.exit:
            raise CommandFailed(f"rmmod: can't unload module '{name}': {strerror(EBUSY)}")
        if module.linked.exit:
            if self._entry.call(module.linked.exit, (), self.timeout_us,
                                what=f"{name} exit") is None:
                return None
        leaks = self._ledger.held_by(name)
        self.leak_reports.append((name, leaks))
        self._unload(module)
        return leaks




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
