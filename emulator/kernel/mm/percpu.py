"""Dynamic per-CPU memory: __alloc_percpu/free_percpu (mm/percpu.c, Linux 3.14), 4 CPUs.

One chunk of NR_CPU_IDS units of PCPU_UNIT_SIZE bytes, contiguous in lowmem. A per-CPU pointer
is the address of CPU 0's copy; CPU n's copy is at ptr + n * PCPU_UNIT_SIZE, which is what
__per_cpu_offset[n] holds (mm/board_data.py), so per_cpu_ptr() works as on the board. New
areas are zeroed in every unit. The emulated kernel runs on CPU 0, so this_cpu_ptr() and
get_cpu_ptr() give CPU 0's copy.
"""

from ...memory.layout import PAGE_SHIFT, PAGE_SIZE, phys_to_virt, virt_to_phys
from ...memory.vmarea import give_back
from ..hypercall import export
from .gfp import GFP_KERNEL
from .layout import NR_CPU_IDS, PCPU_UNIT_SIZE

PCPU_MIN_ALIGN = 4


class PerCpu:
    def __init__(self, pages, ram, env):
        self._ram, self._printk, self._symbolize = ram, env.printk, env.symbolize
        self._caller, self._context = env.caller, env.atomic
        self._faults, self._ledger = env.faults, env.ledger
        order = ((NR_CPU_IDS * PCPU_UNIT_SIZE // PAGE_SIZE) - 1).bit_length()
        pfn = pages.alloc(order, GFP_KERNEL, "percpu")
        self.base = phys_to_virt(pfn << PAGE_SHIFT)
        self._free = [[0, PCPU_UNIT_SIZE]]      # free [start, end) offsets in a unit
        self.areas = {}                         # offset -> size

    @property
    def used(self):
        return sum(self.areas.values())

    def alloc(self, size, align, caller):
        align = max(align, PCPU_MIN_ALIGN)
        if not size or size > PCPU_UNIT_SIZE or align > PAGE_SIZE or align & (align - 1):
            self._printk(4, f"illegal size ({size}) or align ({align}) for percpu allocation")
            return 0
        for run in self._free:
            start = (run[0] + align - 1) & ~(align - 1)
            if start + size <= run[1]:
                self._take(run, start, size)
                for cpu in range(NR_CPU_IDS):
                    self._ram.write(virt_to_phys(self.base + cpu * PCPU_UNIT_SIZE + start),
                                    bytes(size))
                self.areas[start] = size
                return self.base + start
        self._printk(4, f"PERCPU: allocation failed, size={size} align={align}, "
                        f"alloc from reserved chunk failed")
        return 0

    def _take(self, run, start, size):
        i = self._free.index(run)
        pieces = [p for p in ([run[0], start], [start + size, run[1]]) if p[1] > p[0]]
        self._free[i:i + 1] = pieces

    def free(self, ptr):
        start = ptr - self.base
        size = self.areas.pop(start, None)
        if size is None:
            return False
        self._free = give_back(self._free, start, start + size)
        return True

    @export("__alloc_percpu")
    def alloc_percpu(self, size, align):
        caller = self._caller()
        self._context.might_sleep("slab", caller)      # pcpu_alloc takes pcpu_alloc_mutex
        if self._faults.should_fail("percpu", GFP_KERNEL, caller):
            return 0
        ptr = self.alloc(size, align, caller)
        if ptr and self._ledger is not None:
            self._ledger.acquire("percpu", ptr, caller,
                                 f"{size} bytes x {NR_CPU_IDS} CPUs at {ptr:#010x}")
        return ptr

    @export()
    def free_percpu(self, ptr):
        if ptr == 0:
            return
        if not self.free(ptr):
            self._printk(4, f"WARNING: free_percpu({ptr:#010x}): not a per-CPU area "
                            f"(called from {self._symbolize(self._caller())})")
            return
        if self._ledger is not None:
            self._ledger.release("percpu", ptr)
