"""vm_mmap() and vm_munmap() (mm/util.c, mm/mmap.c of Linux 3.14): kernel code mapping memory
into the current task's user address space, as lib/test_user_copy.c does from its init.

The current task is the process in a system call, or, for insmod and rmmod, the command's
own task: an address space made for it on its first vm_mmap and released when the command
ends (Linux's insmod is a process with an mm of its own). Anonymous mappings only: a file
mapping or MAP_FIXED from kernel code fails loudly as not implemented.
"""

from ...errors import CommandFailed
from ..errno import EINVAL
from ..hypercall import export

PAGE_SIZE = 4096
MAP_TYPE, MAP_FIXED, MAP_ANONYMOUS = 0x0F, 0x10, 0x20
MAP_SHARED, MAP_PRIVATE = 0x01, 0x02
PROT_WRITE, PROT_EXEC = 0x2, 0x4
M32 = 0xFFFFFFFF


class VmMmap:
    def __init__(self, process, new_address_space, tables, flush_tlb):
        """process() -> the current process or None; new_address_space() -> an empty
        AddressSpace (process.AddressSpace) for the insmod/rmmod task; tables: the
        PageTables whose user half that task's address space becomes while it runs."""
        self._process, self._new = process, new_address_space
        self._tables, self._flush_tlb = tables, flush_tlb
        self.task_mm = None          # the insmod/rmmod task's address space, while it has one
        self._previous = None        # the user half in place before it (restored at the end)

    def _mm(self, create):
        process = self._process()
        if process is not None:
            return process.mm
        if self.task_mm is None and create:
            self._previous = self._tables.user
            self.task_mm = self._new()
        if self.task_mm is not None:
            self.task_mm.activate()      # its pages go into its own user half (switch_mm)
        return self.task_mm

    def activate_task_mm(self):
        """The console context runs again (the insmod/rmmod task): its user half back in
        place, so a get_user() reads the pages its vm_mmap() mapped."""
        if self.task_mm is not None:
            self.task_mm.activate()

    def end_task(self):
        """insmod/rmmod finished: its task exits and its address space goes."""
        if self.task_mm is not None:
            self.task_mm.release()
            self.task_mm = None
            self._tables.switch_user(self._previous)
            self._previous = None
            self._flush_tlb()

    @export()
    def vm_mmap(self, file, addr, length, prot, flags, offset):
        if offset & (PAGE_SIZE - 1) or offset + ((length + PAGE_SIZE - 1) & ~0xFFF) > M32:
            return -EINVAL & M32
        if flags & MAP_TYPE not in (MAP_SHARED, MAP_PRIVATE) or length == 0:
            return -EINVAL & M32
        if file or not flags & MAP_ANONYMOUS or flags & MAP_FIXED:
            raise CommandFailed("vm_mmap: file or MAP_FIXED mappings from kernel code are not "
                                "implemented (anonymous mappings only)")
        mm = self._mm(create=True)
        va = mm.mmap_anonymous(length, (1 if prot & PROT_EXEC else 0)
                               | (2 if prot & PROT_WRITE else 0))
        return va & M32

    @export()
    def vm_munmap(self, start, length):
        if start & (PAGE_SIZE - 1) or length == 0 or start + length > M32:
            return -EINVAL & M32
        mm = self._mm(create=False)
        if mm is not None:
            mm.unmap(start, length)
        return 0
