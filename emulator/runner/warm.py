"""Translated code kept across clones (issue 15 d): the first script's clone records the user
code it runs; the booted board then translates that code once, without running it, so every
later clone finds it translated (the CPU library keys translations by physical frame,
virtual address and CPU state, and a forked clone inherits them).

A clone's program pages sit where the recording clone had them as long as the scripts start
alike (the page allocator is deterministic): the same image page lands in the same frame
with the same bytes, and the kept translation is the one the clone would make. Nothing a
script sees changes: the booted board translates with page tables, CPU state and frame
contents it puts back afterwards (translations do not run code, count instructions or
touch the board's Python state), and the host's writes to guest RAM never drop translations
either way.

A kept translation is only valid for its page's bytes at its virtual address, so the frames
holding kept code are watched in every clone (FrameGuard): a frame the page cache fills
with that same page keeps its code; a frame filled with anything else, or allocated for any
other use, has its translations dropped first (before anything can run from it).

A module's code is kept the same way: the recording clone keeps each module image as the
loader mapped it (linked at its address, in its frames), the booted board translates the
blocks run in it, and a clone's module loader keeps a frame's code only when it maps the
same page bytes at the same address there (Modules.keep_code; the first image mapped in
given frames only, so one frame never has code of two contents).
"""

from ..cpu import REG
from ..memory.codecache import forget_frame_code
from ..memory.layout import MODULES_FASTPATH, MODULES_STUBS_SIZE, MODULES_VADDR, PAGE_SIZE, \
    TASK_SIZE
from ..memory.mmu import KERNEL_RWX, small_page_descriptor

CPSR = REG["cpsr"]
#: CPSR bits that select how code is translated: mode, Thumb, endianness, IT state (not the
#: condition flags or interrupt masks).
CODE_STATE = 0x0600FC00 | 0x200 | 0x3F
#: Blocks the recording clone records before it stops (a Python call each: a long-running
#: first script would otherwise run several times slower; the seed demo runs ~15,000).
SCOUT_RUNS = 250_000


class Scout:
    """Records the user code blocks a clone runs (one clone, before the others fork): their
    address, CPU state and the frames of their first and last page."""

    def __init__(self, machine):
        self._machine = machine
        self.blocks = {}          # (pc, code state) -> ((va, pfn, prot), (va, pfn, prot))
        cpu, tables = machine.cpu, machine.tables

        def page_of(va):
            mapping = tables.mapping(va & ~(PAGE_SIZE - 1))
            return None if mapping is None else (va & ~(PAGE_SIZE - 1), mapping[0] >> 12,
                                                 mapping[1])

        def on_block(address, size):
            key = (address, cpu.reg(CPSR) & CODE_STATE)
            if key not in self.blocks:
                self.blocks[key] = (page_of(address), page_of(address + max(size, 1) - 1))
            self.runs += 1
            if self.runs == SCOUT_RUNS:            # a long script: record its start only
                for h in hooks:
                    cpu.unhook(h)

        def on_module_block(address, size):
            key = (address, cpu.reg(CPSR) & CODE_STATE)
            if key in self.kernel:
                return
            for index in range(len(self.maps) - 1, -1, -1):
                base, _, image = self.maps[index]
                if base <= address and address + max(size, 1) <= base + len(image):
                    self.kernel[key] = index if self.live[index] else None
                    return

        self.runs = 0
        self.kernel = {}          # (pc, code state) -> index in maps (None: not keepable)
        self.maps, self.live = [], []      # modules as mapped: (base, pfn, image)
        hooks = [cpu.hook_blocks(on_block, 0, TASK_SIZE - 1),
                 cpu.hook_blocks(on_module_block, MODULES_VADDR + MODULES_STUBS_SIZE,
                                 MODULES_FASTPATH - 1)]
        machine.modules.keep_code = self._module_mapped
        cpu.flush_translations()

    def _module_mapped(self, base, pfn, image):
        """A module mapped (Modules.keep_code): kept as mapped, unless its frames overlap
        those of one mapped before (that image's code is the one kept for them)."""
        npages = len(image) // PAGE_SIZE
        clash = any(p < pfn + npages and pfn < p + len(i) // PAGE_SIZE for _, p, i in self.maps)
        for index, (b, _, i) in enumerate(self.maps):      # (an image unmapped since)
            if b < base + len(image) and base < b + len(i):
                self.live[index] = False
        self.maps.append((base, pfn, bytes(image)))
        self.live.append(not clash)
        return False                       # (the loader drops stale code as usual)

    def report(self):
        """{"code": [(blocks, {va: (pfn, prot, bytes)})] one entry per program image,
        "scratch": frames free in the booted board} for Warmth.translate; only blocks wholly
        in page-cache pages (a program's read-only image) are kept."""
        machine = self._machine
        owner = {pfn: digest for digest, pages in machine.page_cache.images().items()
                 for pfn in pages.values()}
        groups = {}
        for key, pages in self.blocks.items():
            if None in pages or len({owner.get(p[1]) for p in pages}) != 1 \
                    or owner.get(pages[0][1]) is None:
                continue
            blocks, mapped = groups.setdefault(owner[pages[0][1]], ([], {}))
            blocks.append(key)
            for va, pfn, prot in pages:
                mapped[va] = (pfn, prot)
        code = []
        for blocks, mapped in groups.values():
            code.append((sorted(blocks), {va: (pfn, prot, machine.ram.read(pfn << 12, PAGE_SIZE))
                                          for va, pfn, prot in
                                          ((va, *m) for va, m in mapped.items())}))
        modules = {}
        for key, index in self.kernel.items():
            if index is not None:
                modules.setdefault(index, []).append(key)
        for index, blocks in sorted(modules.items()):
            base, pfn, image = self.maps[index]
            code.append((sorted(blocks), {base + off: (pfn + (off >> 12), KERNEL_RWX,
                                                      image[off:off + PAGE_SIZE])
                                          for off in range(0, len(image), PAGE_SIZE)}))
        indices = {va >> 20 for _, mapped in code for va in mapped}
        scratch = [machine.mm.frames("anon").alloc(1) for _ in indices]
        return {"code": code, "scratch": scratch if None not in scratch else []}


class FrameGuard:
    """Watches the frames holding kept code (pfn -> (va, bytes) it was translated from):
    see the module docstring."""

    def __init__(self, machine):
        self._cpu, self._ram, self._l1 = machine.cpu, machine.ram, machine.tables.l1_pa
        self.armed = {}
        machine.mm.pages.on_alloc.append(self.on_alloc)
        machine.page_cache.on_fill = self.on_fill
        machine.modules.keep_code = self.on_module

    def on_alloc(self, pfn, order, kind, _area):
        if kind in ("file", "module") or not self.armed:   # (on_fill, on_module decide)
            return
        for p in range(pfn, pfn + (1 << order)):
            if self.armed.pop(p, None) is not None:
                self.forget(p)

    def on_fill(self, pfn, va, data):
        kept = self.armed.pop(pfn, None)          # (a page-cache frame is never freed)
        if kept is not None and kept != (va, data):
            self.forget(pfn)

    def on_module(self, base, pfn, image):
        """Modules.keep_code: each frame the loader filled keeps its code when it holds
        the kept page at the same address; the others' code is dropped."""
        for i in range(len(image) // PAGE_SIZE):
            kept = self.armed.pop(pfn + i, None)
            va = base + i * PAGE_SIZE
            if kept is None or kept[0] != va or kept[1] != image[va - base:va - base + PAGE_SIZE]:
                self._cpu.forget_code(va, va + PAGE_SIZE)
        return True

    def forget(self, pfn):
        forget_frame_code(self._cpu, self._ram, self._l1, pfn)


def translate(machine, report, guard):
    """Translate the report's code in ``machine`` (the booted board), leaving its page
    tables, registers and RAM as they were; the frames are armed in ``guard``."""
    cpu, ram, l1 = machine.cpu, machine.ram, machine.tables.l1_pa
    for blocks, pages in report["code"]:
        scratch, saved = iter(report["scratch"]), []    # (put back after each image)

        def put(pa, data):
            saved.append((pa, ram.read(pa, len(data))))
            ram.write(pa, data)

        tables = {}
        for va, (pfn, prot, data) in pages.items():
            if va >> 20 not in tables:
                table = next(scratch, None)
                if table is None:
                    return
                put(table << 12, bytes(1024))
                put(l1 + (va >> 20) * 4, ((table << 12) | 0b01).to_bytes(4, "little"))
                tables[va >> 20] = table << 12
            put(tables[va >> 20] + ((va >> 12) & 0xFF) * 4,
                small_page_descriptor(pfn << 12, prot).to_bytes(4, "little"))
            put(pfn << 12, data)
        context = cpu.save_context()
        try:
            cpu.flush_tlb()
            base = cpu.reg(CPSR) & ~CODE_STATE
            for pc, state in blocks:
                cpu.set_reg(CPSR, base | state)
                cpu.translate(pc)
        finally:
            cpu.restore_context(context)
            for pa, data in reversed(saved):
                ram.write(pa, data)
            cpu.flush_tlb()
        guard.armed.update((pfn, (va, data)) for va, (pfn, _, data) in pages.items())
