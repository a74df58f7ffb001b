"""The memory-management subsystem wired together: what Machine needs of it.

Machine passes the pieces it owns (RAM, CPU, page tables, the kernel services' ServiceEnv,
guest calls, the stub addresses) and gets back the providers to register, the frame
allocators other kernel code uses, the /proc renderers, the fast-path code for the stub page
and the switches (memory checker, leak tracking, failure injection).
"""

from dataclasses import replace


from ...memory.layout import (KERNEL_RESERVED_END, PAGE_SHIFT, PAGE_SIZE, PHYS_OFFSET,
                              phys_to_virt)
from .board_data import BoardData
from .context import AtomicContext
from .env import ServiceEnv
from .faults import FailureInjection
from .fastpath import ST_Q, ArrayCache, FastPath, state_size
from .fastpath_pages import PageRoutines
from .gfp import GFP_HIGHUSER_MOVABLE, GFP_KERNEL
from .highmem import Kmap
from .kasan import QUARANTINE_BYTES, CheckedMemory, Kasan
from .kasan_meta import GuestQuarantine, TrackInfo
from .kmalloc import Kmalloc, size_index_table
from .layout import (DRAM_END, HIGHMEM_END, HIGHMEM_START, KASAN_RING_PA, KASAN_SHADOW_PA,
                     KASAN_START, KASAN_TRACK_PA, MEM_MAP_PA, NORMAL_END, SLAB_WINDOW_END,
                     SLAB_WINDOW_START, TRACK_PA, pfn)
from .memmap import MemMap
from .mempool import Mempools
from .objects import SlabObjects
from .page_alloc import Frames, PageAllocator, build_zones
from .page_api import PageServices
from .pcp import BLOCK_SIZE as PCP_BLOCK_SIZE, PerCpuPages
from .percpu import PerCpu
from .procfs import buddyinfo, meminfo, slabinfo, zoneinfo
from .slab import SlabAllocator
from .slab_api import SlabCaches
from .vmalloc import Vmalloc

#: Entries of the checker's quarantine ring: 1 MiB of the smallest stride (24 bytes) fits.
QUARANTINE_RING = 1 << 16

#: gfp masks of the kernel's own page users: process pages and the page cache come from
#: HighMem first (GFP_HIGHUSER_MOVABLE), module images from lowmem.
FRAME_USERS = {"anon": GFP_HIGHUSER_MOVABLE, "file": GFP_HIGHUSER_MOVABLE,
               "module": GFP_KERNEL}


class MemoryManagement:
    def __init__(self, ram, cpu, tables, vm, thread_info_va, env: ServiceEnv, call_guest,
                 stub_address, vmarea, ioremaps, kasan=True, leak_check=True):
        """env: printk, symbolize, caller, current and the ledger (its atomic context and
        failure injection are added here); stub_address(name) -> a service stub's address;
        vmarea and ioremaps() are ioremap's (vmalloc shares its address range)."""
        self._ram = ram
        self._stub_address = stub_address
        self.memmap = MemMap(ram, MEM_MAP_PA, pfn(PHYS_OFFSET), pfn(DRAM_END - PHYS_OFFSET))
        reserved = (pfn(KERNEL_RESERVED_END) - pfn(PHYS_OFFSET)) + \
            (pfn(NORMAL_END) - pfn(TRACK_PA))
        # issue 15 (c): the checker's own memory, allocated at boot (MemTotal unchanged)
        general_end = KASAN_START if kasan else TRACK_PA
        areas = {"slab": (pfn(SLAB_WINDOW_START), pfn(SLAB_WINDOW_END)),
                 "general": (pfn(SLAB_WINDOW_END), pfn(general_end))}
        if kasan:
            areas["kasan"] = (pfn(KASAN_START), pfn(TRACK_PA))
        zones = build_zones((pfn(PHYS_OFFSET), pfn(NORMAL_END)), areas,
                            (pfn(HIGHMEM_START), pfn(HIGHMEM_END)), reserved)
        self.pages = pages = PageAllocator(self.memmap, zones)
        pages.reserve(pfn(PHYS_OFFSET), pfn(KERNEL_RESERVED_END))
        pages.reserve(pfn(TRACK_PA), pfn(NORMAL_END))
        if kasan:
            pages.take_area("kasan", "kernel")
        self.ledger = ledger = env.ledger if leak_check else None
        env = replace(env, ledger=ledger)
        self.context = AtomicContext(vm, cpu, thread_info_va, env)
        self.faults = FailureInjection(env, self._faults_changed)
        self.env = env = replace(env, atomic=self.context, faults=self.faults)
        window = (SLAB_WINDOW_START, SLAB_WINDOW_END)
        # issue 15 (c): the fast path stays on with the checker (fastpath_kasan.py)
        self.fast = self._fast_path(self.context.preempt_va, leak_check or kasan, kasan)
        self.pcp = self._pcp(general_end)
        self.slab = SlabAllocator(ram, pages, call_guest,
                                  self.fast.set_pages if self.fast else None)
        self.kasan = self._kasan(window, cpu, env) if kasan else None
        self.context.on_switch.append(
            lambda preempt_va: self.fast.set_current(preempt_va, env.current()[1]))
        self.fast.set_current(self.context.preempt_va, env.current()[1])
        self.objects = SlabObjects(ram, self.slab, self.fast, ArrayCache(ram), self.kasan,
                                   self.ledger, env.current)
        checked = self.checked(vm, env.caller)
        self.kmap = Kmap(self.memmap, tables, cpu, self._is_highmem, env)
        self.page_services = PageServices(pages, ram, env, self.kmap, self.kasan, self.pcp)
        self.kmalloc = Kmalloc(self.objects, pages, ram, checked, env, self.page_services)
        self.caches = SlabCaches(self.objects, self.kmalloc, vm, env, self.fast)
        self._adopt_kmalloc_caches()
        self.vmalloc = Vmalloc(pages, vmarea, tables, cpu, ram, env, ioremaps)
        self.percpu = PerCpu(pages, ram, env)
        self._data_block = [0, 0]
        self.board_data = BoardData(vm, self.kernel_data, self.memmap, pages.zones,
                                    {c.object_size: c.va for c in self.kmalloc.caches})
        self.mempools = Mempools(vm, self.kmalloc, self.caches, self.page_services,
                                 self.memmap, call_guest, self.resolve, env)
        if self.ledger is not None:
            ledger.before_report.append(self.objects.sync)
            ledger.before_report.append(lambda: self.pcp.sync(ledger))
        if self.kasan is not None:
            pages.on_alloc.append(self._window_page_given)
            pages.on_free.append(self._window_page_back)
            self.kasan.arm()

    # -- construction helpers ---------------------------------------------------------------
    def _fast_path(self, preempt_va, tracks, kasan):
        size = state_size(SLAB_WINDOW_END - SLAB_WINDOW_START) + 8 * 1024 + PCP_BLOCK_SIZE
        order = ((size - 1) >> PAGE_SHIFT).bit_length()
        pfn_ = self.pages.alloc(order, GFP_KERNEL, "kernel")
        self._boot_block = [phys_to_virt(pfn_ << PAGE_SHIFT), PAGE_SIZE << order]
        state = self._carve(state_size(SLAB_WINDOW_END - SLAB_WINDOW_START))
        return FastPath(self._ram, state, preempt_va, phys_to_virt(SLAB_WINDOW_START),
                        SLAB_WINDOW_END - SLAB_WINDOW_START,
                        phys_to_virt(TRACK_PA) if tracks else None,
                        (phys_to_virt(KASAN_SHADOW_PA), phys_to_virt(KASAN_TRACK_PA),
                         phys_to_virt(KASAN_RING_PA)) if kasan else None)

    def _pcp(self, general_end):
        """ZONE_NORMAL's per-CPU page list, fed by the general area, and its ARM routines;
        its tag array (a word per page of that area) is taken at boot (fresh memory reads
        zero)."""
        first, npages = pfn(SLAB_WINDOW_END), pfn(general_end) - pfn(SLAB_WINDOW_END)
        order = ((4 * npages - 1) >> PAGE_SHIFT).bit_length()
        tags = self.pages.alloc(order, GFP_KERNEL, "kernel")
        pcp = PerCpuPages(self._ram, self.pages, self._carve(PCP_BLOCK_SIZE),
                          phys_to_virt(tags << PAGE_SHIFT), first, npages)
        self.fast.pages = PageRoutines(self.fast, pcp, self.memmap,
                                       pfn(NORMAL_END) - pfn(PHYS_OFFSET))
        return pcp

    def _kasan(self, window, cpu, env):
        """The checker over the window, its shadow, quarantine and tracks in guest memory
        shared with the fast path (kasan_meta.py)."""
        fast, win_va = self.fast, phys_to_virt(SLAB_WINDOW_START)
        ring = GuestQuarantine(self._ram, fast.state_pa, phys_to_virt(KASAN_RING_PA),
                               QUARANTINE_RING, QUARANTINE_BYTES, ST_Q)

        def tracked(va):
            found = self.slab.find(va)
            return found is not None and bool(found[0].limit and found[0].va)

        infos = [TrackInfo(self._ram, kind, phys_to_virt(TRACK_PA), phys_to_virt(KASAN_TRACK_PA),
                           win_va, fast.window_bytes, tracked) for kind in ("alloc", "free")]
        return Kasan(window, cpu, env, self._describe,
                     shadow=self._ram.host(KASAN_SHADOW_PA),
                     meta=(ring, *infos, lambda va: self.caches.by_va.get(va)))

    def _carve(self, size):
        """Bytes from the boot block (64-byte aligned): fast-path state, kmalloc caches."""
        va, left = self._boot_block
        size = (size + 63) & ~63
        if size > left:
            raise MemoryError("mm boot block exhausted")
        self._boot_block = [va + size, left - size]
        return va

    def kernel_data(self, size):
        """Zeroed lowmem for the kernel's own data objects that modules read (kmalloc_caches,
        outer_cache, ...): whole pages outside the slab window, so reading them never goes
        through the memory checker's hook (a writel() reads outer_cache)."""
        va, left = self._data_block
        size = (size + 7) & ~7
        if size > left:
            order = max(0, ((size - 1) >> PAGE_SHIFT).bit_length())
            pfn_ = self.pages.alloc(order, GFP_KERNEL, "kernel")
            va, left = phys_to_virt(pfn_ << PAGE_SHIFT), PAGE_SIZE << order
            self._ram.write(pfn_ << PAGE_SHIFT, bytes(left))
        self._data_block = [va + size, left - size]
        return va

    def _adopt_kmalloc_caches(self):
        """Real struct kmem_cache objects for the kmalloc caches (kmalloc_caches[] points at
        them), from the boot block when the fast path reads them, else from kmalloc."""
        for cache in self.kmalloc.caches:
            size = self.slab.block_size(cache)
            self.caches.adopt(cache, self._carve(size) if self.fast is not None
                              else self.kmalloc.alloc(size, zero=True))
        if self.fast is not None:
            self.fast.set_size_index(size_index_table([c.index for c in self.kmalloc.caches]))

    def _window_page_given(self, pfn_, order, kind, area):
        """A slab-window page for something else than slabs (the rest of ZONE_NORMAL is
        full): the checker must let every access through."""
        if area == "slab" and kind not in ("slab", "kmalloc"):
            self.kasan.unpoison(phys_to_virt(pfn_ << PAGE_SHIFT), PAGE_SIZE << order)

    def _window_page_back(self, pfn_, order, kind, area):
        if area == "slab" and kind not in ("slab", "kmalloc"):
            self.kasan.poison(phys_to_virt(pfn_ << PAGE_SHIFT), PAGE_SIZE << order, 0xFF)

    def _is_highmem(self, pfn_):
        return self.pages.zone_of(pfn_) is self.pages.highmem

    def _describe(self, va):
        return self.kmalloc.describe(va)

    def checked(self, vm, caller):
        """vm for kernel services that touch module memory: checked by KASAN when it is on."""
        return vm if self.kasan is None else CheckedMemory(vm, self.kasan, caller)

    # -- what Machine uses ----------------------------------------------------------------
    @property
    def providers(self):
        return (self.kmalloc, self.caches, self.page_services, self.kmap, self.vmalloc,
                self.percpu, self.mempools, self.context, self.board_data)

    def data_symbols(self):
        """The data objects mm exports (kmalloc_caches, mem_section, contig_page_data, ...)."""
        return dict(self.board_data.symbols)

    def frames(self, user):
        """machine.frames-style allocator for a kernel page user ("anon", "file", "module")."""
        return Frames(self.pages, FRAME_USERS[user], user)

    def stub_code(self, base, stub_address):
        """The fast-path routines to place at base in the stub page (b'' without them)."""
        if self.fast is None:
            return b""
        return self.fast.assemble(base, stub_address)

    def resolve(self, name):
        """What a module's import of name links to: a fast routine or the service stub."""
        if self.fast is not None and name in self.fast.addresses:
            return self.fast.addresses[name]
        return self._stub_address(name)

    def symbols(self):
        """(addr, size, name) of the fast routines, for symbolization."""
        if self.fast is None or not self.fast.addresses:
            return []
        entries = sorted((a, n) for n, a in self.fast.addresses.items())
        ends = [a for a, _ in entries[1:]] + [self.fast.code_end]
        return [(a, end - a, n) for (a, n), end in zip(entries, ends)]

    def fast_off(self, reason, off=True):
        """Switch the fast path off (or back on) for a reason: tracing, failure injection."""
        if self.fast is None or not self.fast.switch(reason, off):
            return
        if not self.fast.on:
            self.objects.sync()
            for cache in self.slab.caches:
                self.objects.drain_array(cache)     # (the quarantine keeps its objects)

    def _faults_changed(self, active):
        self.fast_off("faults", active)

    # -- /proc ----------------------------------------------------------------------------
    def proc_files(self, ioremap_caller):
        return {"buddyinfo": lambda: buddyinfo(self.pages.zones),
                "zoneinfo": lambda: zoneinfo(self.pages.zones, {self.pages.normal.name: (
                    self.pcp.count, self.pcp.high, self.pcp.batch)}),
                "meminfo": lambda: meminfo(self.pages, self.pages.kind_pages("slab", "kmalloc"),
                                           self.vmalloc.used_bytes(),
                                           self.vmalloc.largest_free()),
                "slabinfo": lambda: slabinfo(self.slab.caches, self._slab_stats),
                "vmallocinfo": lambda: self.vmalloc.proc_vmallocinfo(ioremap_caller)}

    def _slab_stats(self, cache):
        _, num, active_slabs, num_slabs = self.slab.stats(cache)
        return len(self.objects.live(cache)), num, active_slabs, num_slabs
