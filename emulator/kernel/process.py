"""A user process: its address space (ELF image, stack, brk heap, mmap area) and fd table.

Each process has its own user half of the page tables (a UserPart): mapping operations
work on the address space in place, so the scheduler activates a process's (``activate``)
before it runs or is changed; fresh pages are zeroed as Linux's are.
"""

import struct

from ..memory.layout import PAGE_SIZE, TASK_SIZE
from ..memory.mmu import USER_RO, USER_RW, USER_RWX, USER_RX, UserPart
from .errno import ENOMEM
from .fs.fs_struct import FsStruct
from .signal import SignalState

STACK_TOP = TASK_SIZE
STACK_SIZE = 128 * 1024      # mapped up front (Linux grows the stack on demand): see README
MMAP_BASE = 0xB6F00000

# Auxiliary vector tags (include/uapi/linux/auxvec.h).
AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN = 23, 25, 26, 31
# Cortex-A9 with VFPv3 and NEON (arch/arm/include/uapi/asm/hwcap.h).
HWCAP = (1 | 2 | 4 | 16 | 64 | 128 | 4096 | 8192 | 32768)


def _prot(flags):
    x, w = flags & 1, flags & 2
    return {(1, 1): USER_RWX, (1, 0): USER_RX, (0, 1): USER_RW, (0, 0): USER_RO}[(bool(x), bool(w))]


def _runs(values, step=PAGE_SIZE):
    """Split a sorted list into runs of consecutive values (step apart)."""
    runs = []
    for v in values:
        if runs and v == runs[-1][-1] + step:
            runs[-1].append(v)
        else:
            runs.append([v])
    return runs


class AddressSpace:
    """User mappings of one process over a frame allocator."""

    def __init__(self, tables, frames, ram, cpu):
        self._tables, self._frames, self._ram, self._cpu = tables, frames, ram, cpu
        self.pages = {}          # va page -> pfn, owned
        self.shared = []         # va pages mapped from the page cache
        self.brk_start = self.brk = 0
        self.mmap_top = MMAP_BASE
        self.part = UserPart()   # this address space's user half of the page tables
        self.users = 1           # mm_users: processes sharing it (CLONE_VM, vfork)

    def activate(self):
        """Install this address space's user half (switch_mm); True if it changed."""
        if self._tables.user is self.part:
            return False
        self._tables.switch_user(self.part)
        self._cpu.flush_tlb()
        return True

    def map_zeroed(self, va, size, prot):
        """Map [va, va+size) (page-rounded) to fresh zeroed frames; False when out of memory.

        A page already mapped (two segments sharing it) keeps its frame and becomes RWX.
        Fresh frames are taken as one contiguous run when possible, so zeroing and the page
        table entries are a few large writes rather than one per page.
        """
        start, end = va & ~(PAGE_SIZE - 1), (va + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        fresh = []
        for page in range(start, end, PAGE_SIZE):
            if page in self.pages:
                mapping = self._tables.mapping(page)
                if mapping and mapping[1] != prot:
                    self._tables.map_page(page, mapping[0], USER_RWX)
            else:
                fresh.append(page)
        if not fresh:
            return True
        first = self._frames.alloc(len(fresh))
        pfns = [first + i for i in range(len(fresh))] if first is not None else []
        if first is not None:
            self._ram.write(first << 12, bytes(PAGE_SIZE * len(fresh)))
        else:
            for _ in fresh:
                pfn = self._frames.alloc(1)
                if pfn is None:
                    for got in pfns:
                        self._frames.free(got)
                    return False
                self._ram.write(pfn << 12, bytes(PAGE_SIZE))
                pfns.append(pfn)
        self.pages.update(zip(fresh, pfns))
        for run in _runs(fresh):
            self._tables.map_pages(run[0], [self.pages[p] << 12 for p in run], prot)
        return True

    def unmap(self, va, size):
        start, end = va & ~(PAGE_SIZE - 1), (va + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        for page in range(start, end, PAGE_SIZE):
            pfn = self.pages.pop(page, None)
            if pfn is not None:
                self._tables.unmap_page(page)
                self._frames.free(pfn)
        if start == self.mmap_top:        # the lowest mapping went: its room can be reused
            self.mmap_top = end
        self._cpu.flush_tlb()

    def protect(self, va, size, flags):
        prot = _prot(flags)
        for page in range(va & ~(PAGE_SIZE - 1), va + size, PAGE_SIZE):
            pfn = self.pages.get(page)
            if pfn is None:
                return False
            self._tables.map_page(page, pfn << 12, prot)
        self._cpu.flush_tlb()
        return True

    def map_shared(self, page, pfn, prot):
        """Map a page this address space does not own (a page-cache page)."""
        self._tables.map_page(page, pfn << 12, prot)
        self.shared.append(page)

    def fork(self):
        """dup_mmap for fork: a new address space with a private copy of every page this
        one owns (same protections) and the same page-cache pages; None when out of memory.
        Pages of file mappings (kernel/mmap.py VMAs) are not inherited (see README)."""
        child = AddressSpace(self._tables, self._frames, self._ram, self._cpu)
        child.brk_start, child.brk, child.mmap_top = self.brk_start, self.brk, self.mmap_top
        owned = sorted(self.pages)
        first = self._frames.alloc(len(owned)) if owned else None
        if first is not None:
            pfns = [first + i for i in range(len(owned))]
        else:
            pfns = []
            for _ in owned:
                pfn = self._frames.alloc(1)
                if pfn is None:
                    for got in pfns:
                        self._frames.free(got)
                    return None
                pfns.append(pfn)
        read, write = self._ram.read, self._ram.write
        for run in _runs(list(range(len(owned))), step=1):
            data = b"".join(read(self.pages[owned[i]] << 12, PAGE_SIZE) for i in run)
            if all(pfns[i] == pfns[run[0]] + (i - run[0]) for i in run):
                write(pfns[run[0]] << 12, data)
            else:
                for k, i in enumerate(run):
                    write(pfns[i] << 12, data[k * PAGE_SIZE:(k + 1) * PAGE_SIZE])
        child.pages = dict(zip(owned, pfns))
        entries = self.part.pages
        previous = self._tables.switch_user(child.part)
        try:
            for va, pfn in child.pages.items():
                self._tables.map_page(va, pfn << 12, entries[va >> 12][1])
            for va in self.shared:
                entry = entries.get(va >> 12)
                if entry is not None:
                    self._tables.map_page(va, entry[0] << 12, entry[1])
                    child.shared.append(va)
        finally:
            self._tables.switch_user(previous)
            self._cpu.flush_tlb()
        return child

    def put(self):
        """mmput: one user fewer; the last one releases the pages. True if it was the last."""
        self.users -= 1
        if self.users > 0:
            return False
        self.release()
        return True

    def map_shared_pages(self, pages, prot):
        """map_shared for (page, pfn) pairs, consecutive runs of pages written to the page
        tables at once (speed, issue 15 (d): a program start maps ~130 such pages)."""
        self.map_shared_runs(shared_runs(pages), prot)

    def map_shared_runs(self, runs, prot):
        """map_shared for runs (first page, [physical addresses]) from shared_runs."""
        for first, pas in runs:
            self._tables.map_pages(first, pas, prot)
            self.shared += range(first, first + len(pas) * PAGE_SIZE, PAGE_SIZE)

    def release(self):
        previous = self._tables.user
        self.activate()
        self._tables.unmap_pages(list(self.pages) + self.shared)
        for run in _runs(sorted(self.pages.values()), step=1):
            self._frames.free(run[0], len(run))
        self.pages.clear()
        self.shared.clear()
        self._tables.drop_user(self.part)
        if previous is not self.part:
            self._tables.switch_user(previous)
        self._cpu.flush_tlb()

    # -- brk and anonymous mmap ------------------------------------------------------------
    def set_brk(self, new):
        if new < self.brk_start or new >= self.mmap_top - PAGE_SIZE:
            return self.brk
        old_end = (self.brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        new_end = (new + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        if new_end > old_end and not self.map_zeroed(old_end, new_end - old_end, USER_RW):
            return self.brk
        if new_end < old_end:
            self.unmap(new_end, old_end - new_end)
        self.brk = new
        return self.brk

    def mmap_anonymous(self, length, flags_prot):
        size = (length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        va = self.mmap_top - size
        if va <= self.brk + PAGE_SIZE:
            return -ENOMEM
        if not self.map_zeroed(va, size, _prot(flags_prot)):
            return -ENOMEM
        self.mmap_top = va
        return va


def shared_runs(pages):
    """(page, pfn) pairs as runs of consecutive pages: [(first page, [physical addresses])]."""
    pfn_of = dict(pages)
    return [(run[0], [pfn_of[p] << 12 for p in run]) for run in _runs(sorted(pfn_of))]


class Process:
    def __init__(self, pid, comm, mm):
        self.pid, self.comm, self.mm = pid, comm, mm
        self.files = {}          # fd -> open file
        self.exit_status = None  # set at exit: the shell's $? (128 + signal when killed)
        self.tid_address = 0
        self.robust_list = 0
        # (busybox issue 14) cwd/umask, close-on-exec fds, ids a foreground command has:
        # a group leader in the console's session, a child of init.
        self.fs = FsStruct()
        self.cloexec = set()
        self.pgid, self.sid = pid, 1
        self.cmdline, self.exe = b"", ""      # /proc/<pid>/cmdline and exe
        self.signals = SignalState()          # actions, mask, pending (kernel/signal.py)
        # (process model, issue 14) the process tree, wait4 and vfork (kernel/fork.py,
        # exit.py): parent None is the console (or the kernel), whose children have ppid 1.
        self.parent = None
        self.children = []
        self.exit_signal = 0     # the signal the parent gets at exit (clone's low byte)
        self.wait_status = None  # wait4's status word once a zombie: (code << 8) | termsig
        self.chld_waiters = []   # tasks sleeping in wait4 for a child (wait_chldexit)
        self.vfork_parent = None  # the parent task a vfork child releases at exec or exit
        self.argv = []
        self.did_exec = False    # setpgid on a child that has exec'd: EACCES
        self.console_child = False   # started by the console, which reaps it
        self.dead = False        # exit_notify ran: a zombie until reaped
        self.image = None        # the label of its program's symbols (Lifecycle)

    @property
    def ppid(self):
        return self.parent.pid if self.parent is not None else 1

    def install(self, file, lowest=0):
        fd = lowest
        while fd in self.files:
            fd += 1
        self.files[fd] = file
        return fd


class PageCache:
    """Read-only pages of program images, kept across runs as Linux's page cache keeps them.

    Running the same program again maps the same frames, so the CPU's translated code for
    them stays valid instead of being translated anew each run.
    """

    def __init__(self, frames, ram):
        self._frames, self._ram = frames, ram
        self._pages = {}          # (image digest, page va) -> pfn
        #: (image digest, segment va) -> shared_runs of the segment's cached pages, once they
        #: are all cached (a program started again maps them without a lookup a page)
        self.segments = {}
        #: on_fill(pfn, va, data) before a frame is filled (runner/warm.py: code translated
        #: for that frame in the booted board stays valid only for the same page).
        self.on_fill = None

    def page(self, digest, va, fill):
        """The frame caching page va of an image; fill() gives its 4 KiB on first use."""
        pfn = self._pages.get((digest, va))
        if pfn is None:
            pfn = self._frames.alloc(1)
            if pfn is None:
                return None
            data = fill()
            if self.on_fill is not None:
                self.on_fill(pfn, va, data)
            self._ram.write(pfn << 12, data)
            self._pages[(digest, va)] = pfn
        return pfn

    def images(self):
        """{image digest: {page va: pfn}} of the pages cached so far."""
        out = {}
        for (digest, va), pfn in self._pages.items():
            out.setdefault(digest, {})[va] = pfn
        return out


def _page_bytes(seg, page):
    """Contents of one page of a segment: file bytes, zeros elsewhere."""
    out = bytearray(PAGE_SIZE)
    lo, hi = max(page, seg.vaddr), min(page + PAGE_SIZE, seg.vaddr + len(seg.data))
    if hi > lo:
        out[lo - page:hi - page] = seg.data[lo - seg.vaddr:hi - seg.vaddr]
    return bytes(out)


def load_image(mm, program, vm, cache):
    """Map the program's PT_LOAD segments and set the heap start after them.

    Pages wholly inside read-only segments come from the page cache; writable segments get
    private zeroed pages with the file's bytes copied in.
    """
    writable = {page for seg in program.segments if seg.flags & 2
                for page in range(seg.vaddr & ~(PAGE_SIZE - 1), seg.vaddr + seg.memsz, PAGE_SIZE)}
    end = 0
    for seg in program.segments:
        prot = _prot(seg.flags)
        if seg.flags & 2:
            if not mm.map_zeroed(seg.vaddr, seg.memsz, prot):
                return False
            if seg.data:
                vm.write(seg.vaddr, seg.data)
        else:
            runs = cache.segments.get((program.digest, seg.vaddr))
            shared = []
            for page in range(seg.vaddr & ~(PAGE_SIZE - 1), seg.vaddr + seg.memsz, PAGE_SIZE):
                if page in writable:
                    if not mm.map_zeroed(page, PAGE_SIZE, prot):
                        return False
                    vm.write(page, _page_bytes(seg, page))
                    continue
                if runs is not None:
                    continue
                pfn = cache.page(program.digest, page, lambda: _page_bytes(seg, page))
                if pfn is None:
                    return False
                shared.append((page, pfn))
            if runs is None:
                runs = cache.segments[(program.digest, seg.vaddr)] = shared_runs(shared)
            mm.map_shared_runs(runs, prot)
        end = max(end, seg.vaddr + seg.memsz)
    mm.brk_start = mm.brk = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
    return True


def build_stack(mm, vm, program, argv, envp, random16, execfn):
    """Lay out argc/argv/envp/auxv at the top of a fresh stack; returns the initial SP."""
    if not mm.map_zeroed(STACK_TOP - STACK_SIZE, STACK_SIZE, USER_RW):
        return None
    strings = bytearray()
    top = STACK_TOP - 16

    def push_string(s):
        nonlocal strings
        strings = bytes(s) + b"\0" + strings
        return len(s) + 1

    # Strings go at the very top; compute their addresses after placing them all.
    items = [b"v7l", execfn] + list(envp) + list(argv)
    sizes = [push_string(s) for s in items]
    str_base = top - len(strings)
    vm.write(str_base, strings)
    addrs, pos = [], top
    for size in sizes:
        pos -= size
        addrs.append(pos)
    platform, execfn_addr = addrs[0], addrs[1]
    env_addrs = addrs[2:2 + len(envp)]
    argv_addrs = addrs[2 + len(envp):]
    rand_addr = (str_base - 16) & ~15
    vm.write(rand_addr, random16)
    auxv = [AT_PHDR, program.phdr, AT_PHENT, program.phent, AT_PHNUM, program.phnum,
            AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, program.entry,
            AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_HWCAP, HWCAP, AT_HWCAP2, 0,
            AT_CLKTCK, 100, AT_PLATFORM, platform, AT_SECURE, 0, AT_RANDOM, rand_addr,
            AT_EXECFN, execfn_addr, AT_NULL, 0]
    words = [len(argv)] + argv_addrs + [0] + env_addrs + [0] + auxv
    sp = (rand_addr - 4 * len(words)) & ~7
    vm.write(sp, struct.pack(f"<{len(words)}I", *words))
    return sp
